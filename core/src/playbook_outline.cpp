// Playbooks as the builder shows and checks them: the outline of the flow and what Publish
// checks beyond validate_playbook.
// [SECTION] outline  [SECTION] publish checks  [SECTION] diff
#include <set>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "livechat/playbook.hpp"
#include "livechat/playbook_run.hpp"  // answer_key_of
#include "livechat/validate.hpp"
#include "playbook_internal.hpp"

namespace livechat {

using detail::for_each_target;

// [SECTION] outline ------------------------------------------------------------------------------------
namespace {

struct OutlineWalk {
  const Playbook& p;
  std::vector<OutlineRow> rows;
  std::set<std::string> shown;

  // The path from `link` (leading to `target`) at `depth`: cards in a row while each has a
  // "next"; a card with branches opens one branch row per link, its path one level deeper.
  void path(Link link, std::string target, int depth) {
    while (const Card* card = find_card(p, target)) {
      if (!shown.insert(target).second) {
        rows.push_back({OutlineRow::Kind::jump, depth, target, link, ""});
        return;
      }
      rows.push_back({OutlineRow::Kind::card, depth, target, link, ""});
      std::vector<std::pair<std::string, std::string>> links;  // field, target
      for_each_target(*card, [&](const std::string& t, const std::string& f, bool) { links.emplace_back(f, t); });
      if (links.size() == 1 && links[0].first == "next") {
        link = {card->id, "next"};
        target = links[0].second;
        continue;
      }
      const auto* question = std::get_if<QuestionCard>(&card->body);
      for (std::size_t i = 0; i < links.size(); ++i) {
        Link branch{card->id, links[i].first};
        std::string label = question && i < question->buttons.size() ? question->buttons[i].label : "";
        rows.push_back({OutlineRow::Kind::branch, depth + 1, card->id, branch, label});
        path(branch, links[i].second, depth + 2);
      }
      return;
    }
  }
};

}  // namespace

std::vector<OutlineRow> outline(const Playbook& p) {
  OutlineWalk walk{p, {}, {}};
  walk.path({"", "start"}, p.start, 0);
  for (const auto& c : p.cards)
    if (!walk.shown.count(c.id)) walk.rows.push_back({OutlineRow::Kind::unreachable, 0, c.id, {}, ""});
  return walk.rows;
}

// [SECTION] publish checks -------------------------------------------------------------------------------
namespace {

// The answer keys quoted as {{key}} in `text`.
void quoted_keys(std::string_view text, std::set<std::string>& out) {
  for (auto open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return;
    out.insert(trim(text.substr(open + 2, close - open - 2)));
  }
}

// Every answer key something reads: qualification conditions, create_item fields and titles.
std::set<std::string> used_keys(const Playbook& p) {
  std::set<std::string> used;
  for (const auto& c : p.cards) {
    if (const auto* q = std::get_if<QualificationCard>(&c.body))
      for (const auto& cond : q->conditions) used.insert(cond.answer_key);
    if (const auto* item = std::get_if<CreateItemCard>(&c.body)) {
      for (const auto& [field, key] : item->fields) used.insert(key);
      quoted_keys(item->title, used);
    }
  }
  return used;
}

}  // namespace

std::vector<Error> publish_problems(const Playbook& p) {
  if (auto s = validate_playbook(p); !s) return {s.error()};
  std::set<std::string> reached;
  for (const auto& row : outline(p))
    if (row.kind == OutlineRow::Kind::card) reached.insert(row.card);
  std::set<std::string> used = used_keys(p);
  std::vector<Error> out;
  for (const auto& c : p.cards) {
    const std::string where = "card '" + c.id + "'";
    if (!reached.count(c.id))
      out.push_back(make_error(ErrorCode::invalid_field,
                               where + " is not reachable: no path from the start card leads to it",
                               "cards." + c.id));
    if (const auto* live = std::get_if<LiveChatCard>(&c.body); live && live->offline_next.empty())
      out.push_back(make_error(ErrorCode::invalid_field,
                               where + " has no offline flow: add the cards that run when nobody is available",
                               "cards." + c.id + ".offline_next"));
    if (c.type() == CardType::capture) {
      std::string key = answer_key_of(c);
      if (!used.count(key))
        out.push_back(make_error(ErrorCode::invalid_field,
                                 where + " captures '" + key +
                                     "' but nothing uses it: map it in a create item card or test it in a "
                                     "qualification",
                                 "cards." + c.id + ".answer_key"));
    }
  }
  return out;
}

// [SECTION] diff -------------------------------------------------------------------------------------
std::vector<PlaybookChange> diff_playbooks(const Playbook& from, const Playbook& to) {
  using K = PlaybookChange::Kind;
  std::vector<PlaybookChange> out;
  auto setting = [&](const char* name, bool differs) {
    if (differs) out.push_back({K::setting, name, {}});
  };
  setting("name", from.name != to.name);
  setting("bot_name", from.bot_name != to.bot_name);
  setting("bot_avatar_url", from.bot_avatar_url != to.bot_avatar_url);
  setting("allowed_origins", from.allowed_origins != to.allowed_origins);
  setting("start", from.start != to.start);
  for (const auto& card : to.cards) {
    const Card* old = find_card(from, card.id);
    if (!old) {
      out.push_back({K::card_added, card.id, {}});
      continue;
    }
    if (*old == card) continue;
    // Member by member, in the JSON form (one place knows every card type's members).
    nlohmann::json a = card_to_json_value(*old), b = card_to_json_value(card);
    std::vector<std::string> fields;
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key()) || a[it.key()] != it.value()) fields.push_back(it.key());
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key())) fields.push_back(it.key());
    out.push_back({K::card_changed, card.id, std::move(fields)});
  }
  for (const auto& card : from.cards)
    if (!find_card(to, card.id)) out.push_back({K::card_removed, card.id, {}});
  return out;
}

}  // namespace livechat
