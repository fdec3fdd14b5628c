// The JSON REST API under /api, plus /healthz and /metrics. Thin: every rule about
// conversations is the core's (through the engine); this file authenticates, parses, validates
// shapes and maps results to HTTP. Routes are listed in docs/protocol.md ("REST API").
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine.hpp"
#include "livechat/canned.hpp"
#include "loop.hpp"
#include "store.hpp"
#include "throttle.hpp"
#include "transport.hpp"
#include "worker.hpp"

namespace livechat::server {

struct ApiOptions {
  std::string public_origin;              // "http://127.0.0.1:8080": cookies and the embed snippet
  int64_t session_ttl_ms = 30LL * 24 * 3600 * 1000;
  int max_login_failures_per_minute = 10;  // per remote address
  // Reads on the store's history thread (Closed pages, transcripts, search) in flight at once:
  // for everyone, and for one user. Past either, 429 at once (throttle.hpp, InFlight).
  int max_history_reads = 64, max_history_reads_per_user = 4;
};

class Api : public HttpHandler {
 public:
  Api(Loop& loop, Store& store, Engine& engine, ApiOptions options);
  void handle(const HttpRequest& request, std::function<void(HttpResponse)> respond) override;
  void set_public_origin(std::string origin) { options_.public_origin = std::move(origin); }
  // Every route the router answers, as "METHOD /pattern" (":name" matches one path segment; the
  // CRM collections expanded). tests/server/permissions_itest.cpp has a row for each.
  static std::vector<std::string> routes();
  // Filled in by main: the Prometheus text for /metrics.
  std::function<std::string()> metrics;

  struct Call;  // one request in flight (api_internal.hpp)
  using Route = void (Api::*)(Call&);

 private:
  struct RouteEntry;
  static const std::vector<RouteEntry>& route_table();
  // api.cpp: sign-in, users, notification settings, conversations, health
  void login(Call&);
  void logout(Call&);
  void me(Call&);
  void list_users(Call&);
  void add_user(Call&);
  void update_user(Call&);
  void get_notifications(Call&);
  void put_notifications(Call&);
  void create_from_conversation(Call&);
  void healthz(Call&);
  void metrics_text(Call&);
  // api_search.cpp: history from the store (Closed folder, one conversation, search)
  void list_conversations(Call&);
  void get_conversation(Call&);
  void search(Call&);
  // Runs `job` on the store's history thread, where it makes the whole response; the I/O thread
  // only sends it. Admitted by history_reads_ first.
  void read_history(Call& call, std::function<HttpResponse(History&)> job);
  // api_playbooks.cpp: the chatbot playbooks (admins only) and the embed snippet
  void list_playbooks(Call&);
  void create_playbook(Call&);
  void get_playbook(Call&);
  void put_playbook(Call&);
  void delete_playbook(Call&);
  void add_live_chat_card(Call&);
  void insert_card(Call&);
  void replace_card(Call&);
  void move_card(Call&);
  void set_link(Call&);
  void edit_card(Call&);
  void delete_card(Call&);
  void publish_playbook(Call&);
  void discard_draft(Call&);
  void list_playbook_versions(Call&);
  void get_playbook_version(Call&);
  void restore_playbook_version(Call&);
  void snippet(Call&);
  void embed_check(Call&);
  // api_hours.cpp: a playbook's business hours (admins only)
  void get_hours(Call&);
  void put_hours(Call&);
  void time_zones(Call&);
  // api_crm.cpp: persons, organizations, leads, deals, activities, notes
  void crm_list(Call&);
  void crm_get(Call&);
  void crm_create(Call&);
  void crm_update(Call&);

  // [SECTION] Canned responses (api_canned.cpp)
  struct Canned {
    CannedResponse response;
    int64_t created_at = 0, updated_at = 0;
  };
  void list_canned(Call&);
  void create_canned(Call&);
  void update_canned(Call&);
  void delete_canned(Call&);
  std::map<std::string, Canned>& canned();  // every one, by id (loaded from the store once)
  void save_canned(Call& call, Canned next, int status);
  Canned* editable_canned(Call& call);
  std::map<std::string, Canned> canned_;
  bool canned_loaded_ = false;

  Loop& loop_;
  Store& store_;
  Engine& engine_;
  ApiOptions options_;
  Throttle login_failures_;  // wrong passwords, by remote address
  std::shared_ptr<InFlight> history_reads_ =
      std::make_shared<InFlight>(options_.max_history_reads, options_.max_history_reads_per_user);
  void finish_login(const std::shared_ptr<std::function<void(HttpResponse)>>& respond, const std::string& who,
                    const std::optional<User>& user, bool valid);
  Worker hasher_;  // argon2id takes ~100 ms and 64 MiB: never on the I/O thread (last: joined first)
};

}  // namespace livechat::server
