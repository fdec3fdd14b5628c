// Sample values shared by the protocol tests: text that must survive byte-exact, a user, a
// side panel and conversations of several sizes.
#pragma once
#include <string>

#include "livechat/model.hpp"

namespace livechat::protocol_samples {

// Text that must survive byte-exact: accents, Cyrillic, CJK, emoji, quotes, backslashes,
// control characters and an embedded NUL.
inline const std::string kWild = std::string("Àccénts è già — Привет, мир — 你好世界 — 😀🎉👩‍💻 — \"q\" \\b\\ /") +
                          "\t\n\r\b\f\x01\x1f\x7f end" + std::string("\0nul", 4);

// [SECTION] Sample values ----------------------------------------------------------------------
inline User sample_user() {
  return User{"u-anna", "Anna Łukasiewicz 李", "anna@example.com", Role::admin, true, true, {false, true, false}};
}

inline SidePanel sample_panel() {
  return SidePanel{123456, "EUR", "2025-03-31", "Jürgen \"JJ\" Müller", "jj@example.de", "+49 30 1234567",
                   "Müller & Söhne GmbH", "Straße 1\n10115 Berlin", kWild};
}

inline Conversation sample_conversation() {
  Conversation c;
  c.id = "c-1";
  c.visitor_id = "v-1";
  c.visitor_name = "Ли Вэй";
  c.playbook_id = "pb-1";
  c.phase = Phase::closed;
  c.created_at = 1;
  c.requested_at = 2;
  c.wait_deadline = 0;
  c.missed = true;
  c.closed_at = 9;
  c.closed_by = "u-1";
  c.messages = {Message{1, Author::bot, "", "**Hi** 👋", 1, "", SystemNote::none, ""},
                Message{2, Author::visitor, "v-1", kWild, 2, "m-1", SystemNote::none, ""},
                Message{3, Author::system, "", "", 3, "", SystemNote::deal_created, "deal-9"}};
  c.panel = sample_panel();
  c.items = {ItemLink{ItemKind::deal, "deal-9", 3, "u-1"}, ItemLink{ItemKind::lead, "lead-1", 4, ""}};
  c.last_seq = 3;
  c.client_ids = {{"v-1\nm-1", 2}, {"u-1\nä", 7}};
  return c;
}

// A conversation as the bot phase starts it: everything else at its default.
inline Conversation fresh_conversation() {
  Conversation c;
  c.id = "c-2";
  return c;
}

// A conversation whose JSON alone is larger than kMaxFrameBytes (a snapshot can be).
inline Conversation big_conversation() {
  Conversation c = sample_conversation();
  c.id = "c-big";
  for (Seq seq = 4; seq < 40; ++seq)
    c.messages.push_back(Message{seq, Author::bot, "", std::string(4000, 'b') + "é", 10, "", SystemNote::none, ""});
  c.last_seq = 39;
  return c;
}

}  // namespace livechat::protocol_samples
