#include "model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_set>

#include "livechat/protocol.hpp"
#include "i18n.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/rules.hpp"

namespace agent {

using namespace livechat;

void Model::reset() { *this = Model{}; }

bool Model::on_frame(std::string_view text) {
  auto decoded = decode_server_frame(text);
  if (!decoded) return false;
  auto changed = [this](uint64_t p) {
    if (p > pos) pos = p;
    ++version;
  };
  std::visit(
      [&](auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, AgentWelcomeFrame>) {
          me = f.user;
          connected = true;
          ++version;
        } else if constexpr (std::is_same_v<F, SnapshotFrame>) {
          state = State{};
          for (auto& u : f.users) state.users[u.id] = u;
          for (auto& c : f.conversations) state.conversations[c.id] = c;
          pos = 0;
          has_snapshot = true;
          changed(f.pos);
        } else if constexpr (std::is_same_v<F, EventFrame>) {
          livechat::apply(state, f.event);
          changed(f.pos);
        } else if constexpr (std::is_same_v<F, ConversationFrame>) {
          state.conversations[f.conversation.id] = f.conversation;
          changed(f.pos);
        } else if constexpr (std::is_same_v<F, HiddenFrame>) {
          state.conversations.erase(f.conversation);
          ++version;
        } else if constexpr (std::is_same_v<F, ResumedFrame>) {
          changed(f.last_pos);
        } else if constexpr (std::is_same_v<F, ServerTyping>) {
          if (f.typing)
            typing[f.conversation] = f.who;
          else
            typing.erase(f.conversation);
        } else if constexpr (std::is_same_v<F, NotifyFrame>) {
          notices.push_back(Notice{f.kind, f.conversation, f.title, f.body});
          ++unread;
        } else if constexpr (std::is_same_v<F, AckFrame>) {
          pending_.erase(f.request_id);
        } else if constexpr (std::is_same_v<F, ErrorFrame>) {
          pending_.erase(f.request_id);
          if (!connected && f.error.field == "token") session_refused = true;
          notices.push_back(Notice{"error", "", N_("Refused"), f.error.message});  // the app translates titles
        }
      },
      decoded.value());
  return true;
}

const User& Model::self() const {
  auto it = state.users.find(me.id);
  return it == state.users.end() ? me : it->second;
}

const Inbox& Model::inbox() {
  if (inbox_version_ != version) {
    inbox_ = inbox_for(state, me.id);
    inbox_version_ = version;
  }
  return inbox_;
}

bool Model::add_closed_page(const nlohmann::json& page) {
  if (!page.is_object() || !page.contains("conversations") || !page["conversations"].is_array()) return false;
  for (const auto& r : page["conversations"]) {
    if (!r.is_object()) continue;
    InboxRow row;
    row.id = r.value("id", std::string());
    row.visitor_name = r.value("visitor_name", std::string());
    row.last_message = r.value("excerpt", std::string());
    row.closed_at = r.value("closed_at", int64_t{0});
    row.last_at = row.closed_at;
    row.missed = r.value("missed", false);
    if (!row.id.empty()) closed.rows.push_back(std::move(row));
  }
  closed.next = page.value("next", std::string());
  closed.done = closed.next.empty();
  closed.error.clear();
  return true;
}

const std::vector<InboxRow>& Model::closed_folder() {
  if (closed.rows.empty()) return inbox().closed;  // nothing fetched yet: the state's alone
  if (closed_version_ == version && closed_fetched_ == closed.rows.size()) return closed_folder_;
  closed_folder_ = inbox().closed;
  std::unordered_set<ConversationId> held;
  held.reserve(closed_folder_.size());
  for (const InboxRow& row : closed_folder_) held.insert(row.id);
  for (const InboxRow& row : closed.rows)
    if (!held.count(row.id) && !state.conversations.count(row.id)) closed_folder_.push_back(row);
  std::stable_sort(closed_folder_.begin(), closed_folder_.end(), [](const InboxRow& a, const InboxRow& b) {
    return a.closed_at != b.closed_at ? a.closed_at > b.closed_at : a.id > b.id;
  });
  closed_version_ = version;
  closed_fetched_ = closed.rows.size();
  return closed_folder_;
}

bool Model::add_conversation(const nlohmann::json& value) {
  auto c = conversation_from_json(value);
  if (!c) return false;
  state.conversations[c.value().id] = std::move(c.value());
  ++version;
  return true;
}

const Conversation* Model::conversation(const ConversationId& id) const {
  auto it = state.conversations.find(id);
  if (it == state.conversations.end() || !can_see(it->second, me.id)) return nullptr;
  return &it->second;
}

std::string Model::user_name(const UserId& id) const {
  if (id.empty()) return tr("Unassigned");
  auto it = state.users.find(id);
  return it == state.users.end() ? id : it->second.name;
}

std::string Model::command_frame(Command command) {
  std::string id = "ui-" + std::to_string(next_id_++);
  std::string text = encode(ClientFrame{CommandFrame{id, std::move(command)}});
  pending_[id] = text;
  return text;
}

std::vector<std::string> Model::pending_frames() const {
  std::vector<std::string> out;
  for (const auto& [id, text] : pending_) out.push_back(text);
  return out;
}

std::string Model::hello_frame() const {
  HelloFrame hello;
  hello.token = token;
  hello.lang = language();  // the server words notify titles in English, the catalog key; the app translates
  if (has_snapshot) {
    hello.after_pos = pos;
    hello.has_after_pos = true;
  }
  return encode(ClientFrame{hello});
}

std::string Model::typing_frame(const ConversationId& conversation, bool typing) const {
  return encode(ClientFrame{TypingFrame{conversation, typing}});
}

std::string Model::next_client_id() {
  return "m-" + me.id + "-" + std::to_string(static_cast<long long>(pos)) + "-" + std::to_string(next_id_++);
}

nlohmann::json Model::debug_json(const ConversationId& selected, const std::string& panel_error) {
  const Inbox& in = inbox();
  auto ids = [](const std::vector<InboxRow>& rows) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : rows) a.push_back(r.id);
    return a;
  };
  nlohmann::json j = {
      {"signed_in", !me.id.empty()},
      {"connected", connected},
      {"user", me.id.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"id", me.id}, {"name", self().name}, {"email", self().email}, {"admin", is_admin()}}},
      {"online", online()},
      {"pos", pos},
      {"unread", unread},
      {"folders",
       {{"unassigned", in.unassigned.size()}, {"mine", in.mine.size()}, {"closed", in.closed.size()}}},
      {"ids", {{"unassigned", ids(in.unassigned)}, {"mine", ids(in.mine)}, {"closed", ids(in.closed)}}}};
  if (const Conversation* c = conversation(selected)) {
    nlohmann::json items = nlohmann::json::array(), notes = nlohmann::json::array();
    for (const auto& i : c->items) items.push_back({{"kind", item_kind_name(i.kind)}, {"id", i.item_id}});
    nlohmann::json texts = nlohmann::json::array(), private_notes = nlohmann::json::array();
    for (const auto& m : c->messages) {
      if (m.author == Author::system) notes.push_back(system_note_name(m.note));
      else if (m.author == Author::note) private_notes.push_back(m.text);
      else texts.push_back(m.text);
    }
    j["selected"] = {{"id", c->id},
                     {"phase", phase_name(c->phase)},
                     {"assignee", c->assignee},
                     {"closed_at", c->closed_at},
                     {"messages", c->messages.size()},
                     {"notes", notes},
                     {"texts", texts},
                     {"private_notes", private_notes},
                     {"items", items},
                     {"panel", {{"deal_value_cents", c->panel.deal_value_cents},
                                {"currency", c->panel.currency},
                                {"expected_close_date", c->panel.expected_close_date},
                                {"person_name", c->panel.person_name},
                                {"email", c->panel.email},
                                {"phone", c->panel.phone},
                                {"organization_name", c->panel.organization_name},
                                {"organization_address", c->panel.organization_address},
                                {"notes", c->panel.notes}}},
                     {"panel_error", panel_error}};
  } else {
    j["selected"] = nullptr;
  }
  return j;
}

}  // namespace agent

