#include "livechat/state_hash.hpp"

#include <algorithm>
#include <vector>

namespace livechat {

namespace {

// Maintenance reminder: a field added to model.hpp or side_panel.hpp belongs here too, or the
// determinism test stops covering it.
struct Hasher {
  uint64_t h = 1469598103934665603ull;
  void byte(uint8_t b) {
    h ^= b;
    h *= 1099511628211ull;
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void flag(bool b) { byte(b ? 1 : 0); }
  void str(const std::string& s) {
    u64(s.size());
    for (char c : s) byte(static_cast<uint8_t>(c));
  }

  void panel(const SidePanel& p) {
    i64(p.deal_value_cents);
    for (const std::string* s : {&p.currency, &p.expected_close_date, &p.person_name, &p.email, &p.phone,
                                 &p.organization_name, &p.organization_address, &p.notes})
      str(*s);
  }
  void user(const User& u) {
    str(u.id);
    str(u.name);
    str(u.email);
    byte(static_cast<uint8_t>(u.role));
    flag(u.online);
    flag(u.away);
    flag(u.notifications.new_unassigned);
    flag(u.notifications.assigned_to_me);
    flag(u.notifications.new_message);
  }
  void message(const Message& m) {
    u64(m.seq);
    byte(static_cast<uint8_t>(m.author));
    str(m.author_id);
    str(m.text);
    i64(m.at);
    str(m.client_id);
    byte(static_cast<uint8_t>(m.note));
    str(m.subject);
  }
  void conversation(const Conversation& c) {
    str(c.id);
    str(c.visitor_id);
    str(c.visitor_name);
    str(c.playbook_id);
    byte(static_cast<uint8_t>(c.phase));
    str(c.assignee);
    i64(c.created_at);
    i64(c.requested_at);
    i64(c.wait_deadline);
    flag(c.missed);
    i64(c.closed_at);
    str(c.closed_by);
    u64(c.messages.size());
    for (const auto& m : c.messages) message(m);
    panel(c.panel);
    u64(c.items.size());
    for (const auto& i : c.items) {
      byte(static_cast<uint8_t>(i.kind));
      str(i.item_id);
      i64(i.at);
      str(i.by);
    }
    u64(c.last_seq);
    // In key order, whatever order the hashed map keeps them in.
    std::vector<const std::pair<const std::string, Seq>*> ids;
    for (const auto& entry : c.client_ids) ids.push_back(&entry);
    std::sort(ids.begin(), ids.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    u64(ids.size());
    for (const auto* entry : ids) {
      str(entry->first);
      u64(entry->second);
    }
  }
};

}  // namespace

uint64_t state_hash(const State& state) {
  Hasher h;
  h.u64(state.users.size());
  for (const auto& [id, u] : state.users) h.user(u);
  h.u64(state.conversations.size());
  for (const auto& [id, c] : state.conversations) h.conversation(c);
  return h.h;
}

}  // namespace livechat
