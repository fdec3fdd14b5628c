// Playbooks: the Live Chat template, the links of a flow and the builder's edits (insert, link, edit,
// move, remove a card).
// [SECTION] template  [SECTION] links  [SECTION] builder edits
#include "livechat/playbook.hpp"

#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "playbook_internal.hpp"

namespace livechat {

using detail::excerpt;
using detail::for_each_target;
using detail::MaybeError;

// [SECTION] template ---------------------------------------------------------------------------------
Playbook live_chat_template(std::string id, std::string name) {
  auto card = [](std::string card_id, CardBody body) { return Card{std::move(card_id), std::move(body)}; };
  Playbook p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.bot_name = "Assistant";
  p.start = "greeting";
  p.cards = {
      card("greeting", MessageCard{"Hi there! Welcome, we are happy to help.", "ask_intent"}),
      card("ask_intent", QuestionCard{"What brings you here today?",
                                      {{"I want a demo", "ask_email"}, {"Just browsing", "browsing_end"}},
                                      "",
                                      "intent"}),
      card("ask_email", CaptureCard{"Great! What is your email address?", CaptureKind::email, "ask_name", ""}),
      card("ask_name", CaptureCard{"And your name?", CaptureKind::name, "live_chat", ""}),
      card("live_chat",
           LiveChatCard{"Thanks! **One of our team** will join this chat in a moment. Please stay with us.", 120,
                        "Sorry, nobody is available to chat right now. Here is what happens next:\n"
                        "- We have your details\n"
                        "- **Someone from our team** will email you within one business day\n"
                        "- Meanwhile, you can browse our [help center](https://example.com/help)",
                        "qualify"}),
      card("qualify", QualificationCard{{{"email", ConditionOp::not_empty, ""}}, Match::all, "create_lead",
                                        "unqualified_end"}),
      card("create_lead", CreateItemCard{ItemKind::lead,
                                         "Chat lead: {{name}}",
                                         {{"person_name", "name"}, {"email", "email"}, {"note", "intent"}},
                                         "thanks_end"}),
      card("thanks_end", EndCard{"Thank you! We will be in touch soon."}),
      card("unqualified_end", EndCard{"Thanks for stopping by! Come back any time, we are happy to help."}),
      card("browsing_end", EndCard{"No problem, enjoy looking around! Open this chat again whenever you have a "
                                   "question."}),
  };
  return p;
}

Playbook empty_playbook(std::string id, std::string name) {
  Playbook p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.bot_name = "Assistant";
  p.start = "end";
  p.cards = {{"end", EndCard{"Thanks for chatting with us!"}}};
  return p;
}

// [SECTION] links ------------------------------------------------------------------------------------
namespace {

// The field of the card's one and only way forward ("next", or "offline_next" for a Live Chat
// card), or "" when it has none or several.
std::string single_next_field(const Card& card) {
  std::string field;
  int count = 0;
  for_each_target(card, [&](const std::string&, const std::string& f, bool) {
    field = f;
    ++count;
  });
  return count == 1 && (field == "next" || field == "offline_next") ? field : std::string();
}

std::string* single_next(Card& card) {
  std::string field = single_next_field(card), *out = nullptr;
  if (!field.empty())
    for_each_target(card, [&](std::string& t, const std::string&, bool) { out = &t; });
  return out;
}

Error no_card(std::string_view id) {
  return make_error(ErrorCode::not_found, "card '" + excerpt(id) + "' does not exist", "cards." + excerpt(id));
}

// The slot link `at` names, with an empty field resolved to the card's single next; error when
// the card or field does not exist, or the card has no single next.
Result<std::string*> slot_of(Playbook& p, const Link& at) {
  if (at.card.empty()) {
    if (at.field.empty() || at.field == "start") return &p.start;
    return make_error(ErrorCode::not_found, "the playbook has no link '" + excerpt(at.field) + "'", "start");
  }
  Card* card = find_card(p, at.card);
  if (!card) return no_card(at.card);
  std::string field = at.field;
  if (field.empty()) {
    field = single_next_field(*card);
    if (field.empty())
      return make_error(ErrorCode::conflict,
                        "card '" + card->id +
                            "' has no single next card (buttons, qualification or end): pick one of its branches",
                        "cards." + card->id + ".next");
  }
  std::string* slot = nullptr;
  for_each_target(*card, [&](std::string& t, const std::string& f, bool) {
    if (f == field) slot = &t;
  });
  if (!slot)
    return make_error(ErrorCode::not_found, "card '" + card->id + "' has no link '" + excerpt(field) + "'",
                      "cards." + card->id + "." + excerpt(field));
  return slot;
}

// Where a card inserted after link `at` is shown: right after the link's card (first for start).
std::vector<Card>::iterator display_position(Playbook& p, const Link& at) {
  if (at.card.empty()) return p.cards.begin();
  for (auto it = p.cards.begin(); it != p.cards.end(); ++it)
    if (it->id == at.card) return it + 1;
  return p.cards.end();
}

Status commit(Playbook& p, Playbook&& edited) {
  if (auto s = validate_playbook(edited); !s) return s.error();
  p = std::move(edited);
  return ok_status();
}

}  // namespace

std::vector<Link> links_of(const Playbook& p) {
  std::vector<Link> out{{"", "start"}};
  for (const auto& c : p.cards)
    for_each_target(c, [&](const std::string&, const std::string& field, bool) { out.push_back({c.id, field}); });
  return out;
}

const std::string* link_target(const Playbook& p, const Link& link) {
  auto slot = slot_of(const_cast<Playbook&>(p), link);
  return slot ? slot.value() : nullptr;
}

Link proposed_live_chat_link(const Playbook& p) {
  Link link{"", "start"};
  std::string at = p.start;
  std::set<std::string> seen;
  while (const Card* card = find_card(p, at)) {
    if (!seen.insert(at).second || card->type() == CardType::end || card->type() == CardType::create_item ||
        card->type() == CardType::live_chat)
      break;
    const std::string* next = nullptr;
    std::string field;
    for_each_target(*card, [&](const std::string& t, const std::string& f, bool) {
      if (!next) next = &t, field = f;  // next, the first button, qualified_next
    });
    if (!next || next->empty()) break;
    link = {card->id, field};
    at = *next;
  }
  return link;
}

// [SECTION] builder edits ------------------------------------------------------------------------------
Result<std::string> insert_card(Playbook& p, const Link& at, CardBody body) {
  Playbook edited = p;
  auto slot = slot_of(edited, at);
  if (!slot) return slot.error();
  std::string old_target = *slot.value();
  Card added{std::string(), std::move(body)};
  const std::string base(card_type_name(added.type()));
  added.id = base;
  for (int n = 2; find_card(edited, added.id); ++n) added.id = base + "_" + std::to_string(n);
  bool needs_target = false;
  for_each_target(added, [&](std::string& t, const std::string&, bool may_be_empty) {
    t = old_target;
    needs_target = needs_target || !may_be_empty;
  });
  if (old_target.empty() && needs_target)
    return make_error(ErrorCode::conflict,
                      "this link leads nowhere yet: add a card that ends the flow there first (an end card or a "
                      "Live Chat card)",
                      at.card.empty() ? at.field : "cards." + at.card + "." + at.field);
  *slot.value() = added.id;
  std::string id = added.id;
  edited.cards.insert(display_position(edited, at), std::move(added));
  if (auto s = commit(p, std::move(edited)); !s) return s.error();
  return id;
}

Result<std::string> add_live_chat_card(Playbook& p, const Link& at, const LiveChatCard& card) {
  return insert_card(p, at, card);
}

Status set_link(Playbook& p, const Link& link, std::string_view target) {
  Playbook edited = p;
  auto slot = slot_of(edited, link);
  if (!slot) return slot.error();
  if (!target.empty() && !find_card(edited, target)) return no_card(target);
  if (!link.card.empty() && link.card == target)
    return make_error(ErrorCode::conflict, "card '" + link.card + "' cannot lead to itself",
                      "cards." + link.card + "." + link.field);
  *slot.value() = std::string(target);
  return commit(p, std::move(edited));
}

Status edit_card(Playbook& p, const Card& card) {
  Playbook edited = p;
  Card* old = find_card(edited, card.id);
  if (!old) return no_card(card.id);
  if (old->type() != card.type())
    return make_error(ErrorCode::conflict,
                      "card '" + card.id + "' is a " + std::string(card_type_name(old->type())) + " card, not a " +
                          std::string(card_type_name(card.type())) + " card",
                      "cards." + card.id + ".type");
  old->body = card.body;
  return commit(p, std::move(edited));
}

Status move_card(Playbook& p, std::string_view card_id, const Link& to) {
  Playbook edited = p;
  Card* found = find_card(edited, card_id);
  if (!found) return no_card(card_id);
  Card moved = *found;
  const std::string& id = moved.id;
  std::string* next = single_next(moved);
  if (!next || next->empty())
    return make_error(ErrorCode::conflict,
                      "card '" + id + "' has branches or no next card: only a card with a single next can move",
                      "cards." + id);
  if (to.card == id)
    return make_error(ErrorCode::conflict, "card '" + id + "' cannot move onto its own link", "cards." + id);
  if (auto s = remove_card(edited, id); !s) return s;
  auto slot = slot_of(edited, to);
  if (!slot) return slot.error();
  if (slot.value()->empty())
    return make_error(ErrorCode::conflict, "this link leads nowhere yet: add an end card there first",
                      to.card.empty() ? to.field : "cards." + to.card + "." + to.field);
  *next = *slot.value();
  *slot.value() = id;
  edited.cards.insert(display_position(edited, to), std::move(moved));
  return commit(p, std::move(edited));
}

Status remove_card(Playbook& p, std::string_view card_id) {
  Card* victim = find_card(p, card_id);
  if (!victim) return no_card(card_id);
  const std::string id = victim->id;
  std::string* next = single_next(*victim);
  std::string successor = next && *next != id ? *next : std::string();

  if (successor.empty()) {  // nothing to relink to: refuse while anything points here
    auto refuse = [&](const std::string* referrer, const std::string& field) {
      std::string who = referrer ? "card '" + *referrer + "'" : std::string("playbook");
      return make_error(ErrorCode::conflict,
                        "card '" + id + "' cannot be removed: " + who + " field '" + field + "' still points to it",
                        referrer ? "cards." + *referrer + "." + field : field);
    };
    if (p.start == id) return refuse(nullptr, "start");
    for (const auto& c : p.cards) {
      if (c.id == id) continue;
      MaybeError found;
      for_each_target(c, [&](const std::string& target, const std::string& field, bool) {
        if (!found && target == id) found = refuse(&c.id, field);
      });
      if (found) return *found;
    }
  } else {
    if (p.start == id) p.start = successor;
    for (auto& c : p.cards)
      if (c.id != id)
        for_each_target(c, [&](std::string& target, const std::string&, bool) {
          if (target == id) target = successor;
        });
  }
  std::erase_if(p.cards, [&](const Card& c) { return c.id == id; });
  return ok_status();
}

}  // namespace livechat
