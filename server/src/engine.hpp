// The engine: the authoritative conversation state machine of the running server.
//
// It owns two copies of the core State: `live_` holds every decided event (commands are checked
// against it, so they see each other at once) and `committed_` holds only events that are
// durable. Nothing reaches a client before it is durable: acks, events, snapshots and
// notifications are all produced from `committed_`, in commit order, when the store reports a
// batch durable.
//
// Bounded memory: the two states hold the users and the open conversations (bot, unassigned,
// assigned), plus closed ones while a command on them is on its way to the disk. A closed
// conversation with nothing in flight leaves both states for a bounded cache of recently used
// closed conversations (ClosedCache, --closed-cache); past it, it is read again from the store
// (Store::load_conversation) when someone acts on it or asks for it. A chatbot-phase conversation
// that no widget has shown for --dormant-after-ms (the visitor left mid-flow) goes to sleep: it leaves
// both states and its chatbot run is dropped; the visitor's return (hello, resume, an answer)
// wakes it from the store, run and all. A restart loads the users' events and the open
// conversations (only the chatbot-phase ones active within --dormant-after-ms), never the whole log.
//
// It is the SocketHandler for /ws/visitor and /ws/agent and serves the API (api.cpp) through
// run(). Everything runs on the Loop's one thread.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "livechat/business_hours.hpp"
#include "livechat/playbook.hpp"
#include "livechat/playbook_run.hpp"
#include "livechat/protocol.hpp"
#include "closed_cache.hpp"
#include "livechat/rules.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "store.hpp"
#include "throttle.hpp"
#include "transport.hpp"

namespace livechat::server {

struct EngineOptions {
  std::string public_origin;        // e.g. "http://127.0.0.1:8080": agents must come from here
  int64_t away_grace_ms = 60'000;   // an online agent with no connection for this long is away
  int max_frames_per_second = 20;   // per connection, sustained (burst: twice as many)
  int64_t hello_timeout_ms = 10'000;
  // Invalid session or visitor tokens one address may present a minute (REST and both sockets)
  // before its tokens are refused unchecked for the rest of that minute.
  int max_token_failures_per_minute = 60;
  // Closed conversations kept in memory besides the open ones (the most recently used; at least 1).
  std::size_t closed_cache = 1000;
  // A chatbot-phase conversation no widget shows and nothing touched for this long leaves memory.
  int64_t dormant_after_ms = 30 * 60'000;
  // A dashboard reconnecting with after_pos gets only what changed when at most this many events
  // were committed since; further behind, a snapshot.
  uint64_t max_resume_events = 5'000;
  // One snapshot frame at most this many bytes; a larger working set is sent as a snapshot of the
  // users and a `conversation` frame per conversation (docs/protocol.md).
  std::size_t max_snapshot_bytes = kMaxServerFrameBytes;
};

struct EngineStats {
  uint64_t commands = 0, rejected = 0, events = 0, acks = 0;
  uint64_t visitor_sockets = 0, agent_sockets = 0;
  // Memory: conversations held in the states (open, and closed ones with a command in flight),
  // closed ones in the cache, dropped from the cache, read back from the store.
  uint64_t held_conversations = 0, cached_closed = 0, evictions = 0, loads = 0;
  // Chatbot-phase conversations put to sleep, and woken again from the store.
  uint64_t dormant = 0, woken = 0;
  uint64_t startup_events_read = 0;  // events read from the store by load()
  // Dashboards synced: by position (only what changed) or with a snapshot.
  uint64_t resumes = 0, snapshots = 0, split_snapshots = 0;
};

// What one command (or a group of commands made by one action) produced.
struct Outcome {
  std::optional<Seq> duplicate_of;
  Seq last_seq = 0;  // the conversation's last seq after these events (for acks)
};
using Reply = std::function<void(Result<Outcome>)>;

class Engine : public SocketHandler {
 public:
  Engine(Loop& loop, Store& store, EngineOptions options);
  ~Engine() override;

  // Loads the users (their events) and the open conversations with their chatbot runs;
  // schedules pending wait timers. Call once.
  Status load();

  // --- for the API -----------------------------------------------------------------------------
  // State as durably committed (what clients may be told): every user, but only the
  // conversations held in memory; ask conversation() for any one.
  const State& committed() const { return committed_; }
  // A conversation as durably committed, open or closed (a closed one may be read from the store
  // into the cache); nullptr when unknown. Valid until the engine's next call.
  const Conversation* conversation(const ConversationId& id);
  // Decides `command` for `actor` against the live state; `extra` rows are committed in the same
  // transaction; `reply` runs once durable (or at once with the error).
  void run(const Command& command, const Actor& actor, Write extra, Reply reply);
  // Creates a lead, deal or activity from a conversation (person and organization from its side
  // panel), records it on the conversation ("Lead created - 14:32"), and replies with the item id.
  void create_item(const ConversationId& conversation, ItemKind kind, const Actor& actor, std::string title,
                   std::function<void(Result<std::string>)> reply);
  // Submits rows that are not conversation events (playbooks, credentials, CRM edits).
  void write(Write rows, std::function<void(const Status&)> done);
  // Playbooks are cached here (the published version visitors get); the API calls this after
  // changing one's row, with `published` when it published a new version (else a version the
  // cache does not hold is read from the store). Runs keep the version they started on.
  void playbook_changed(const PlaybookRow& row, const Playbook* published = nullptr);
  void playbook_deleted(const std::string& id);
  // Publishes `playbook` (the draft) as the next version of playbook `row.id` by `author`: the
  // version row and `row` (now naming it as published_version) go into `w`, and visitors who
  // start a conversation get it at once. Versions count per playbook from 1, never reused.
  int64_t publish(PlaybookRow& row, Playbook playbook, const UserId& author, Write& w);
  // A playbook's business hours (zone looked up), cached here; the API calls this after a change.
  void hours_changed(const std::string& playbook_id, BusinessHours hours);
  // Invalid tokens by remote address, shared by the REST API and the sockets.
  Throttle& token_failures() { return token_failures_; }
  // Ends every socket of a signed-out session.
  void session_ended(const std::string& token_hash);
  EngineStats stats() const;
  // Known only once the server listens (port 0 picks one).
  void set_public_origin(std::string origin) { options_.public_origin = std::move(origin); }
  uint64_t committed_pos() const { return committed_pos_; }
  // Seconds from a command's decision to its durable commit (what an ack waits for).
  const Histogram& commit_latency() const { return commit_latency_; }

  // --- SocketHandler ---------------------------------------------------------------------------
  std::string admit(Channel channel, const HttpRequest& upgrade) override;
  // The Origin rule, for both sockets: one of `playbook`'s allowed sites (listed), else this
  // server's own pages (own: Origin equals public_origin or http(s):// + Host), else refused.
  // The dashboard's socket admits own only; the visitor socket own or listed (listed also marks
  // the playbook embedded).
  enum class Origin { listed, own, refused };
  Origin origin_of(const std::string& origin, const std::string& host, const Playbook* playbook) const;
  void on_open(const std::shared_ptr<Connection>& connection) override;
  void on_message(const std::shared_ptr<Connection>& connection, std::string_view text) override;
  void on_close(const std::shared_ptr<Connection>& connection) override;

 private:
  struct Session;      // per connection
  struct CachedPlaybook {
    PlaybookRow row;
    Playbook playbook;  // version row.published_version; published == false (and empty) when none
    int64_t last_version = 0;  // the newest version ever published (the next one is +1)
  };
  struct Run {
    std::string playbook_id;
    int64_t version = 0;  // the published version it started on, followed to the end
    PlaybookRun run;
  };
  // A batch of decided events on its way to the disk.
  struct Pending;

  // engine.cpp: commands, commits, delivery
  Result<Outcome> stage(const Command& command, const Actor& actor, TimeMs now, Write& write);
  void submit(Write write, std::function<void()> after_durable);
  void on_durable(const std::vector<StoredEvent>& events);
  void deliver(const StoredEvent& stored, Phase phase_before, const UserId& assignee_before);
  void send(Session& session, const ServerFrame& frame);
  void send_error(Session& session, const std::string& request_id, const Error& error);
  void schedule_wait(const Conversation& conversation);
  void on_wait_timer(const ConversationId& conversation);
  // Bounded memory: a closed conversation a command names comes back into both states
  // (page_in); one with nothing in flight goes back to the cache (settle). A dormant chatbot-phase
  // one comes back for good (wake) and goes to sleep again in a later sweep.
  void page_in(const ConversationId& id);
  void settle(const ConversationId& id);
  std::optional<Conversation> load_stored(const ConversationId& id);  // closed or dormant, else none
  const Conversation* wake(Conversation conversation);
  void load_run(const ConversationId& id);
  void sweep_dormant();
  void schedule_dormancy_sweep();

  // engine_visitor.cpp: widget sessions and the chatbot
  void visitor_frame(Session& session, ClientFrame frame);
  void visitor_hello(Session& session, const HelloFrame& hello);
  void visitor_start(Session& session, const StartFrame& start);
  void visitor_answer(Session& session, const AnswerFrame& answer);
  void visitor_resume(Session& session, const ResumeFrame& resume);
  void replay(uint64_t session_id, const ConversationId& conversation, Seq after, uint64_t generation);
  // Carries out a chatbot step: bot messages, live chat request, items, captured fields.
  void carry_out(const ConversationId& conversation, const Step& step, TimeMs now, Write& write);
  PlaybookContext context_for(const std::string& playbook_id) const;
  const CachedPlaybook* playbook(const std::string& id) const;
  // The version of the playbook a run follows (nullptr: deleted or unreadable).
  const Playbook* flow_of(const Run& run) const;
  std::optional<Playbook> load_version(const std::string& playbook_id, int64_t version) const;
  static RunRow run_row(const ConversationId& conversation, const Run& run);
  void send_prompt(const ConversationId& conversation);
  Prompt bot_prompt(const ConversationId& conversation) const;  // what the chatbot's run asks now
  void watch(Session& session, const ConversationId& conversation);  // what a widget shows

  // engine_items.cpp: leads, deals, activities and their CRM rows
  Result<std::string> stage_item(const ConversationId& conversation, ItemKind kind, const Actor& actor,
                                 std::string title, const std::map<std::string, std::string>& fields, TimeMs now,
                                 Write& write);

  // engine_agent.cpp: dashboard sessions and presence
  void agent_frame(Session& session, ClientFrame frame);
  void agent_hello(Session& session, const HelloFrame& hello);
  // The dashboard's state: only what changed after `after_pos` when that is cheap, else a snapshot.
  void sync_agent(Session& session, std::optional<uint64_t> after_pos);
  bool send_changes(Session& session, uint64_t after_pos);
  void send_snapshot(Session& session);
  void presence_changed(const UserId& user);

  Loop& loop_;
  Store& store_;
  EngineOptions options_;
  Throttle token_failures_{options_.max_token_failures_per_minute};
  State live_, committed_;
  uint64_t next_pos_ = 1, committed_pos_ = 0;
  // Looked up on every frame and event by id, never walked in an order anyone sees: hashed.
  std::unordered_map<uint64_t, std::unique_ptr<Session>> sessions_;  // by connection id
  std::unordered_map<ConversationId, std::set<Session*>> watchers_;   // visitor sessions showing a conversation
  std::set<Session*> agents_;                                         // agent sessions past hello
  ClosedCache closed_{options_.closed_cache};
  std::unordered_set<ConversationId> paged_in_;  // closed conversations brought back for a command
  std::unordered_map<ConversationId, TimeMs> woken_at_;  // dormant ones woken within dormant_after_ms
  std::unordered_map<std::string, CachedPlaybook> playbooks_;
  // Earlier published versions that running conversations still follow (filled on publish and
  // on demand; a version never changes, so the cache is never stale).
  mutable std::map<std::pair<std::string, int64_t>, Playbook> versions_;
  std::unordered_map<std::string, BusinessHours> hours_;  // by playbook; none: always open
  std::unordered_map<ConversationId, Run> runs_;
  std::unordered_map<ConversationId, Loop::TimerId> wait_timers_;
  std::unordered_map<UserId, Loop::TimerId> away_timers_;
  EngineStats stats_;
  Histogram commit_latency_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards callbacks after destruction
};

}  // namespace livechat::server
