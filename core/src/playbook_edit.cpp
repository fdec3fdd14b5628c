// Playbooks: the Live Chat template and the builder's edits (add a Live Chat card, remove a card).
// [SECTION] template  [SECTION] builder edits
#include "livechat/playbook.hpp"

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

// [SECTION] builder edits ------------------------------------------------------------------------------
namespace {

// The card's one and only way forward, or nullptr when it has none or several.
std::string* single_next(Card& card) {
  if (auto* m = std::get_if<MessageCard>(&card.body)) return &m->next;
  if (auto* q = std::get_if<QuestionCard>(&card.body)) return q->buttons.empty() ? &q->next : nullptr;
  if (auto* c = std::get_if<CaptureCard>(&card.body)) return &c->next;
  if (auto* i = std::get_if<CreateItemCard>(&card.body)) return &i->next;
  if (auto* l = std::get_if<LiveChatCard>(&card.body)) return &l->offline_next;
  return nullptr;
}

}  // namespace

Result<std::string> add_live_chat_card(Playbook& p, std::string_view after_card_id, const LiveChatCard& card) {
  std::string new_id = "live_chat";
  for (int n = 2; find_card(p, new_id); ++n) new_id = "live_chat_" + std::to_string(n);
  Playbook edited = p;
  Card added{new_id, card};
  auto& live = std::get<LiveChatCard>(added.body);
  if (after_card_id.empty()) {
    live.offline_next = edited.start;
    edited.start = new_id;
    edited.cards.insert(edited.cards.begin(), std::move(added));
  } else {
    Card* after = find_card(edited, after_card_id);
    if (!after)
      return make_error(ErrorCode::not_found, "card '" + excerpt(after_card_id) + "' does not exist",
                        "cards." + excerpt(after_card_id));
    std::string* next = single_next(*after);
    if (!next)
      return make_error(ErrorCode::conflict,
                        "card '" + after->id +
                            "' has no single next card (buttons, qualification or end): add the Live Chat card "
                            "after another card",
                        "cards." + after->id + ".next");
    live.offline_next = *next;
    *next = new_id;
    auto pos = edited.cards.begin() + (after - edited.cards.data()) + 1;
    edited.cards.insert(pos, std::move(added));
  }
  if (auto s = validate_playbook(edited); !s) return s.error();
  p = std::move(edited);
  return new_id;
}

Status remove_card(Playbook& p, std::string_view card_id) {
  Card* victim = find_card(p, card_id);
  if (!victim)
    return make_error(ErrorCode::not_found, "card '" + excerpt(card_id) + "' does not exist",
                      "cards." + excerpt(card_id));
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
