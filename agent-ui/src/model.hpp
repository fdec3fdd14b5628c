// The dashboard's model: the signed-in agent and a livechat::State fed by the server's frames,
// folded with the very same core the server runs (apply, inbox_for). No I/O here: frames come in
// as text (on_frame) and commands go out as text (command_frame); the app moves the bytes.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "livechat/commands.hpp"
#include "livechat/inbox.hpp"
#include "livechat/model.hpp"

namespace agent {

// A notify frame, or a refused command, waiting to be shown as a toast.
struct Notice {
  std::string kind;  // notification kind, or "error"
  livechat::ConversationId conversation;
  std::string title;
  std::string body;
};

class Model {
 public:
  // Session ---------------------------------------------------------------------------------
  std::string token;          // the session token ("" when signed out)
  livechat::User me;          // from agent_welcome; me.id empty until then
  bool connected = false;     // the socket is open and agent_welcome arrived
  bool has_snapshot = false;  // the first snapshot was applied
  bool session_refused = false;  // the hello was refused (bad or expired token)

  // State -------------------------------------------------------------------------------------
  livechat::State state;
  uint64_t pos = 0;      // newest log position applied
  uint64_t version = 0;  // bumps on every change of state (caches key on it)
  std::vector<Notice> notices;  // drained by the app (toasts, desktop notifications)
  int unread = 0;               // notify frames not yet looked at (tab title)
  std::map<livechat::ConversationId, std::string> typing;  // who is typing where (server typing frames)

  // Forgets everything (sign out).
  void reset();

  // Applies one server frame (docs/protocol.md): agent_welcome -> me; snapshot -> users and
  // conversations replaced; event -> livechat::apply; conversation -> replaced; hidden ->
  // erased; notify -> a Notice; error -> a Notice of kind "error". Returns false for text that
  // is not a server frame (ignored).
  bool on_frame(std::string_view text);

  // The agent as the state knows them now (online switch included); `me` before the snapshot.
  const livechat::User& self() const;
  bool online() const { return self().online; }
  bool is_admin() const { return self().role == livechat::Role::admin; }

  // The inbox of the signed-in agent, rebuilt only when version changed.
  const livechat::Inbox& inbox();

  // The Closed folder beyond the working set: pages of GET /api/conversations?folder=closed
  // (docs/protocol.md), newest first, fetched as the agent scrolls.
  struct ClosedPages {
    std::vector<livechat::InboxRow> rows;  // fetched, in the server's order
    std::string next;                      // the cursor of the next page
    bool loading = false, done = false;
    std::string error;  // why the last page failed, in plain words ("" when it did not)
  } closed;
  // Adds a fetched page (the answer's JSON); false when it is not one.
  bool add_closed_page(const nlohmann::json& page);
  // The Closed folder as shown: closed conversations of the state (closed live, or opened) and the
  // fetched rows, each once, most recently closed first.
  const std::vector<livechat::InboxRow>& closed_folder();
  // A conversation fetched over REST (GET /api/conversations/:id) put into the state.
  bool add_conversation(const nlohmann::json& value);

  // A conversation the agent can see, or nullptr.
  const livechat::Conversation* conversation(const livechat::ConversationId& id) const;

  // The display name of a user id ("" -> "Unassigned"; unknown -> the id).
  std::string user_name(const livechat::UserId& id) const;

  // A command frame's text with a fresh request id. The frame is kept until its ack or error
  // arrives, and resent by pending_frames() after a reconnect (same id; send_message keeps its
  // client_id, so the server applies it at most once).
  std::string command_frame(livechat::Command command);
  std::vector<std::string> pending_frames() const;

  // The hello for /ws/agent: the token, and after a reconnect (a snapshot was applied) the newest
  // log position, so the server replays only what was missed.
  std::string hello_frame() const;
  // A typing frame's text (the agent started or stopped typing in a conversation).
  std::string typing_frame(const livechat::ConversationId& conversation, bool typing) const;
  // A fresh idempotency id for send_message.
  std::string next_client_id();

  // JSON summary for window.lcDebug(): user, online, folder counts, conversation ids by folder,
  // and the selected conversation (phase, panel, items, system notes, closed_at) with the side
  // panel's current validation message.
  nlohmann::json debug_json(const livechat::ConversationId& selected, const std::string& panel_error);

 private:
  livechat::Inbox inbox_;
  uint64_t inbox_version_ = UINT64_MAX;
  std::vector<livechat::InboxRow> closed_folder_;
  uint64_t closed_version_ = UINT64_MAX;
  std::size_t closed_fetched_ = 0;
  uint64_t next_id_ = 1;
  std::map<std::string, std::string> pending_;  // request id -> frame text, until ack/error
};

}  // namespace agent
