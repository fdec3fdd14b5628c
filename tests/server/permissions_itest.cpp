// The permissions matrix (issue #7, item 4): every REST route and every WebSocket frame a client
// may send, against every actor, with the answer each must get. One row per route or frame, one
// column per actor; a cell is the HTTP status (REST) or the outcome (WebSocket: "ack", an error
// code, "pong", ...). Every refusal must leave the server as it was: the world digest (the event
// log position and every user, playbook and CRM record, read back over REST) is compared before
// and after each one.
//
// Completeness is checked against the server's own tables, not a copy: the routes are the
// router's (Api::routes()), the frame types the core's (ClientFrame, Command). A new route or
// frame without a row fails this test.
#include <array>
#include <cstdio>
#include <set>
#include <tuple>
#include <variant>

#include "api.hpp"
#include "harness.hpp"
#include "livechat/protocol.hpp"

namespace livechat::itest {
namespace {

// REST columns: no token, a forged token, a visitor's token (a visitor of another conversation),
// a regular agent who is not the assignee (marco), an admin, the assignee (anna).
enum RestActor { kNoToken, kForged, kVisitorToken, kMarco, kAdmin, kAnna, kRestActors };
const char* const kRestActorNames[] = {"no token", "forged token", "visitor token", "marco (regular)", "admin",
                                       "anna (assignee)"};
// WebSocket columns: a socket that never signed in (for hello rows: a forged token), a visitor of
// another conversation (eve), the target conversation's own visitor, marco, admin, anna.
enum WsActor { kAnon, kEve, kOwnVisitor, kWsMarco, kWsAdmin, kWsAnna, kWsActors };
const char* const kWsActorNames[] = {"anonymous", "eve (other visitor)", "own visitor", "marco (regular)", "admin",
                                     "anna (assignee)"};

bool allowed_status(int status) { return status >= 200 && status < 300; }
bool allowed_outcome(const std::string& o) {
  return o == "ack" || o == "pong" || o == "relayed" || o == "agent_welcome" || o == "same_visitor" ||
         o == "new_visitor" || o.rfind("resumed", 0) == 0 || o.rfind("snapshot", 0) == 0;
}

// A REST row: the router's pattern, the concrete request, and the expected status per column.
// Paths and bodies name world values as {name} in paths and "$name" string values in bodies.
struct RestRow {
  std::string route;  // "METHOD /pattern", as Api::routes() lists it
  std::string path;
  json body;
  std::array<int, kRestActors> expect;
};

// Which conversation a WebSocket row addresses, and whose sockets answer for "own visitor".
enum class Target { c1, c2, fresh };
// Where the frame goes: the actor's open socket, or a new socket of one kind.
enum class Via { own_socket, new_agent_socket, new_visitor_socket };

struct WsRow {
  const char* name;  // the frame type (first word), then what is special about the row
  Target target;
  Via via;
  json frame;
  std::array<const char*, kWsActors> expect;
};

const json kNoBody = nullptr;

// Each CRM collection with a valid new record.
const std::pair<const char*, json> kCrmRecords[] = {
    {"persons", {{"name", "Pia"}}},         {"organizations", {{"name", "Acme"}}},
    {"leads", {{"title", "Lead"}}},         {"deals", {{"title", "Deal"}}},
    {"activities", {{"subject", "Call back"}, {"type", "call"}}}, {"notes", {{"content", "Likes demos"}}}};

// clang-format off
std::vector<RestRow> rest_rows() {
  //                                    no token forged visitor marco admin anna
  std::vector<RestRow> rows = {
      {"GET /healthz", "/healthz", kNoBody,                 {200, 200, 200, 200, 200, 200}},
      {"GET /metrics", "/metrics", kNoBody,                 {200, 200, 200, 200, 200, 200}},
      {"POST /api/login", "/api/login", {{"email", "$email"}, {"password", "$password"}},
                                                            {401, 401, 401, 200, 200, 200}},
      {"POST /api/logout", "/api/logout", kNoBody,          {401, 401, 401, 204, 204, 204}},
      {"GET /api/me", "/api/me", kNoBody,                   {401, 401, 401, 200, 200, 200}},
      {"GET /api/me/notifications", "/api/me/notifications", kNoBody,
                                                            {401, 401, 401, 200, 200, 200}},
      {"PUT /api/me/notifications", "/api/me/notifications", {{"new_message", true}},
                                                            {401, 401, 401, 200, 200, 200}},
      {"GET /api/users", "/api/users", kNoBody,             {401, 401, 401, 200, 200, 200}},
      {"POST /api/users", "/api/users", {{"name", "Eve Intruder"}, {"email", "eve@intruder.example"},
                                         {"password", "12345678"}, {"role", "admin"}},
                                                            {401, 401, 401, 403, 201, 403}},
      {"PATCH /api/users/:id", "/api/users/{extra}", {{"role", "admin"}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"GET /api/conversations", "/api/conversations?folder=closed", kNoBody,
                                                            {401, 401, 401, 200, 200, 200}},
      {"GET /api/conversations/:id", "/api/conversations/{c1}", kNoBody,
                                                            {401, 401, 401, 403, 403, 200}},
      {"GET /api/search", "/api/search?q=anything", kNoBody,
                                                            {401, 401, 401, 200, 200, 200}},
      {"POST /api/conversations/:id/:items", "/api/conversations/{c1}/leads", {{"title", "Lead"}},
                                                            {401, 401, 401, 404, 404, 201}},
      {"POST /api/conversations/:id/:items", "/api/conversations/{c1}/deals", {{"title", "Deal"}},
                                                            {401, 401, 401, 404, 404, 201}},
      {"POST /api/conversations/:id/:items", "/api/conversations/{c1}/activities", {{"title", "Call"}},
                                                            {401, 401, 401, 404, 404, 201}},
      {"GET /api/playbooks", "/api/playbooks", kNoBody,     {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks", "/api/playbooks", {{"name", "Spring sale"}, {"template", "live_chat"}},
                                                            {401, 401, 401, 403, 201, 403}},
      {"GET /api/playbooks/:id", "/api/playbooks/{pb}", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"PUT /api/playbooks/:id", "/api/playbooks/{pb}", "$pb_json",
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/live-chat-card", "/api/playbooks/{pb}/live-chat-card", {{"wait_seconds", 30}},
                                                            {401, 401, 401, 403, 201, 403}},
      {"PATCH /api/playbooks/:id/cards/:card", "/api/playbooks/{pb}/cards/live_chat", {{"wait_seconds", 45}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/cards", "/api/playbooks/{pb}/cards",
       {{"after", "greeting"}, {"card", {{"type", "message"}, {"text", "Hello again"}, {"next", ""}}}},
                                                            {401, 401, 401, 403, 201, 403}},
      {"PUT /api/playbooks/:id/cards/:card", "/api/playbooks/{pb}/cards/thanks_end", {{"type", "end"}, {"text", "Bye!"}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/cards/:card/move", "/api/playbooks/{pb}/cards/ask_name/move",
       {{"after", "ask_intent"}, {"branch", "buttons.0.next"}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"PUT /api/playbooks/:id/links", "/api/playbooks/{pb}/links",
       {{"after", "qualify"}, {"branch", "unqualified_next"}, {"target", "unqualified_end"}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"DELETE /api/playbooks/:id/cards/:card", "/api/playbooks/{pb}/cards/{card}", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/publish", "/api/playbooks/{pb}/publish", {{"published", true}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/discard", "/api/playbooks/{pb}/discard", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"GET /api/playbooks/:id/versions", "/api/playbooks/{pb}/versions", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"GET /api/playbooks/:id/versions/:version", "/api/playbooks/{pb}/versions/1", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"POST /api/playbooks/:id/versions/:version/restore", "/api/playbooks/{pb}/versions/1/restore", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"GET /api/playbooks/:id/snippet", "/api/playbooks/{pb}/snippet", kNoBody,
                                                            {401, 401, 401, 200, 200, 200}},
      {"GET /api/embed/:id", "/api/embed/{pb}", kNoBody,   {200, 200, 200, 200, 200, 200}},  // public
      {"GET /api/playbooks/:id/hours", "/api/playbooks/{pb}/hours", kNoBody,
                                                            {401, 401, 401, 403, 200, 403}},
      {"PUT /api/playbooks/:id/hours", "/api/playbooks/{pb}/hours", {{"enabled", false}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"GET /api/time-zones", "/api/time-zones", kNoBody,   {401, 401, 401, 403, 200, 403}},
      {"DELETE /api/playbooks/:id", "/api/playbooks/{doomed}", kNoBody,
                                                            {401, 401, 401, 403, 204, 403}},
      // Canned responses: shared ones are the admins' to manage, personal ones their owner's
      // (someone else's personal one is not even found); everyone makes their own.
      {"GET /api/canned", "/api/canned", kNoBody,           {401, 401, 401, 200, 200, 200}},
      {"POST /api/canned", "/api/canned", {{"shortcut", "team"}, {"texts", {{"en", "Hi"}}}, {"shared", true}},
                                                            {401, 401, 401, 403, 201, 403}},
      {"POST /api/canned", "/api/canned", {{"shortcut", "mine"}, {"texts", {{"en", "Hi"}}}},
                                                            {401, 401, 401, 201, 201, 201}},
      {"PATCH /api/canned/:id", "/api/canned/{canned_shared}", {{"texts", {{"it", "Ciao"}}}},
                                                            {401, 401, 401, 403, 200, 403}},
      {"PATCH /api/canned/:id", "/api/canned/{canned_annas}", {{"shortcut", "annas-2"}},
                                                            {401, 401, 401, 404, 404, 200}},
      {"DELETE /api/canned/:id", "/api/canned/{canned_doomed}", kNoBody,
                                                            {401, 401, 401, 403, 204, 404}},
  };
  // CRM records: any signed-in agent may list, read, create and update them.
  for (const auto& [kind, body] : kCrmRecords) {
    std::string collection = std::string("/api/") + kind, item = collection + "/{" + kind + "}";
    rows.push_back({"GET " + collection, collection, kNoBody, {401, 401, 401, 200, 200, 200}});
    rows.push_back({"POST " + collection, collection, body, {401, 401, 401, 201, 201, 201}});
    rows.push_back({"GET " + collection + "/:id", item, kNoBody, {401, 401, 401, 200, 200, 200}});
    rows.push_back({"PATCH " + collection + "/:id", item, body, {401, 401, 401, 200, 200, 200}});
  }
  return rows;
}

// C1: anna's live chat (own visitor v1). C2: in Unassigned (own visitor v2). fresh: a new live
// chat assigned to anna, for rows whose allowed cell changes the conversation for good.
// Columns run left to right, so a later cell sees what an earlier allowed one did: anna, who may
// do the most, comes last.
const std::vector<WsRow> kWsRows = {
  //                                                               anon  eve  own  marco  admin  anna
  {"add_user", Target::c1, Via::own_socket,
   {{"type", "add_user"}, {"user", {{"id", "u_intruder"}, {"name", "Mallory"}, {"email", "m@evil.example"},
     {"role", "admin"}, {"online", false}, {"away", false},
     {"notifications", {{"new_unassigned", true}, {"assigned_to_me", true}, {"new_message", true}}}}}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"set_role", Target::c1, Via::own_socket, {{"type", "set_role"}, {"user", "u_demo_marco"}, {"role", "admin"}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"set_online", Target::c1, Via::own_socket, {{"type", "set_online"}, {"online", true}},
   {"bad_request", "forbidden", "forbidden", "ack", "ack", "ack"}},
  {"set_away", Target::c1, Via::own_socket, {{"type", "set_away"}, {"user", "u_demo_anna"}, {"away", true}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"set_notification_settings", Target::c1, Via::own_socket,
   {{"type", "set_notification_settings"}, {"settings", {{"new_unassigned", false}, {"assigned_to_me", true},
                                                         {"new_message", true}}}},
   {"bad_request", "forbidden", "forbidden", "ack", "ack", "ack"}},
  {"start_conversation", Target::c1, Via::own_socket,
   {{"type", "start_conversation"}, {"conversation", "c_forged"}, {"visitor_id", "$own_visitor"},
    {"playbook_id", "pb_demo"}, {"visitor_name", "Forged"}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"send_message", Target::c1, Via::own_socket,
   {{"type", "send_message"}, {"conversation", "$target"}, {"text", "hello from the matrix"}, {"client_id", "$unique"}},
   {"bad_request", "not_found", "ack", "not_found", "not_found", "ack"}},
  // Private notes: users who see the conversation, never a visitor (not even the chat's own).
  {"post_note (assigned to anna)", Target::c1, Via::own_socket,
   {{"type", "post_note"}, {"conversation", "$target"}, {"text", "a note from the matrix"}, {"client_id", "$unique"}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "ack"}},
  {"post_note (in Unassigned)", Target::c2, Via::own_socket,
   {{"type", "post_note"}, {"conversation", "$target"}, {"text", "a note from the matrix"}, {"client_id", "$unique"}},
   {"bad_request", "forbidden", "forbidden", "ack", "ack", "ack"}},
  {"request_live_chat", Target::c1, Via::own_socket,
   {{"type", "request_live_chat"}, {"conversation", "$target"}, {"wait_seconds", 60}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"expire_wait", Target::c2, Via::own_socket, {{"type", "expire_wait"}, {"conversation", "$target"}},
   {"bad_request", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"}},
  {"assign_to_me (assigned to anna)", Target::c1, Via::own_socket,
   {{"type", "assign_to_me"}, {"conversation", "$target"}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "conflict"}},
  {"assign_to_me (in Unassigned)", Target::c2, Via::own_socket,
   {{"type", "assign_to_me"}, {"conversation", "$target"}},
   {"bad_request", "forbidden", "forbidden", "ack", "not_found", "not_found"}},
  {"reassign", Target::fresh, Via::own_socket,
   {{"type", "reassign"}, {"conversation", "$target"}, {"to", "u_demo_marco"}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "ack"}},
  {"close_conversation", Target::fresh, Via::own_socket,
   {{"type", "close_conversation"}, {"conversation", "$target"}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "ack"}},
  {"update_side_panel", Target::c1, Via::own_socket,
   {{"type", "update_side_panel"}, {"conversation", "$target"},
    {"panel", {{"deal_value_cents", 1000}, {"currency", "EUR"}, {"expected_close_date", "2030-01-31"},
               {"person_name", "Vera"}, {"email", "vera@example.it"}, {"phone", ""}, {"organization_name", ""},
               {"organization_address", ""}, {"notes", "from the matrix"}}}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "ack"}},
  {"record_item", Target::c1, Via::own_socket,
   {{"type", "record_item"}, {"conversation", "$target"}, {"kind", "lead"}, {"item_id", "lead_forged"}},
   {"bad_request", "forbidden", "forbidden", "not_found", "not_found", "ack"}},
  {"answer", Target::c1, Via::own_socket,
   {{"type", "answer"}, {"conversation", "$target"}, {"text", "an answer"}, {"client_id", "$unique"}},
   {"bad_request", "not_found", "ack", "forbidden", "forbidden", "forbidden"}},
  {"resume (visitor form)", Target::c1, Via::own_socket, {{"type", "resume"}, {"conversation", "$target"}, {"after", 0}},
   {"bad_request", "not_found", "resumed", "snapshot", "snapshot", "snapshot with target"}},
  {"resume (agent form)", Target::c1, Via::own_socket, {{"type", "resume"}, {"after_pos", 0}},
   {"bad_request", "not_found", "not_found", "resumed", "resumed", "resumed with target"}},
  {"typing", Target::c1, Via::own_socket, {{"type", "typing"}, {"conversation", "$target"}, {"typing", true}},
   {"bad_request", "ignored", "relayed", "ignored", "ignored", "relayed"}},
  {"ping", Target::c1, Via::own_socket, {{"type", "ping"}},
   {"pong", "pong", "pong", "pong", "pong", "pong"}},
  {"hello (new /ws/agent socket, the actor's token)", Target::c1, Via::new_agent_socket,
   {{"type", "hello"}, {"token", "$actor_token"}, {"lang", "en"}},
   {"forbidden", "forbidden", "forbidden", "agent_welcome", "agent_welcome", "agent_welcome"}},
  {"hello (new /ws/visitor socket, the actor's token)", Target::c1, Via::new_visitor_socket,
   {{"type", "hello"}, {"token", "$actor_token"}, {"playbook", "pb_demo"}, {"lang", "en"}},
   {"new_visitor", "same_visitor", "same_visitor", "new_visitor", "new_visitor", "new_visitor"}},
  {"hello (again, with the admin's token)", Target::c1, Via::own_socket,
   {{"type", "hello"}, {"token", "$admin_token"}, {"lang", "en"}},
   {"agent_welcome", "conflict", "conflict", "conflict", "conflict", "conflict"}},
  // Last: a visitor's start moves its socket to the new conversation.
  {"start", Target::c1, Via::own_socket, {{"type", "start"}},
   {"bad_request", "ack", "ack", "forbidden", "forbidden", "forbidden"}},
};
// clang-format on

// The server, its actors and the names rows refer to.
class World {
 public:
  // The forged and visitor-token columns present ~100 invalid tokens in a few seconds: more than
  // the default throttle allows (hostile_itest checks the throttle itself).
  Server server{{"--token-guesses-per-minute", "1000"}};
  Agent anna, marco, admin;
  Visitor v1, v2, eve;  // v1: C1 (anna's); v2: C2 (Unassigned); eve: her own chat
  std::map<std::string, json> vars;
  std::vector<std::unique_ptr<Visitor>> fresh;  // visitors of fresh conversations

  void build();
  std::string digest();
  std::string path(std::string pattern) const;  // {name} -> vars[name]
  json expand(const json& value) const;         // "$name" -> vars[name]
  test::HttpReply rest(const std::string& token, const std::string& method, const std::string& path, const json& body);
  // A new live chat assigned to anna; its visitor is kept in `fresh`.
  Visitor& new_live_chat();

 private:
  std::unique_ptr<test::HttpClient> http_;
};

Visitor& World::new_live_chat() {
  auto& v = *fresh.emplace_back(std::make_unique<Visitor>());
  EXPECT_TRUE(v.connect(server));
  to_live_chat(v);
  assign_to(anna, v);
  return v;
}

void World::build() {
  server.start();
  http_ = std::make_unique<test::HttpClient>("127.0.0.1", server.port());
  // C2 first, while nobody is online: missed at once, it waits in Unassigned with no timer.
  ASSERT_TRUE(v2.connect(server));
  to_live_chat(v2);
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  ASSERT_TRUE(admin.connect(server, "admin@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  ASSERT_TRUE(v1.connect(server));
  to_live_chat(v1);
  assign_to(anna, v1);
  ASSERT_TRUE(eve.connect(server));
  ASSERT_EQ(eve.start().value("type", ""), "ack");
  vars["c1"] = v1.conversation;
  vars["c2"] = v2.conversation;
  auto c2 = rest(admin.token, "GET", "/api/conversations/" + v2.conversation, nullptr);
  ASSERT_EQ(json::parse(c2.body).value("phase", ""), "unassigned") << c2.body;

  // A playbook to edit and one to delete; one record of each CRM kind.
  auto made = rest(admin.token, "POST", "/api/playbooks", {{"name", "Scratch"}, {"template", "live_chat"}});
  ASSERT_EQ(made.status, 201) << made.body;
  vars["pb"] = json::parse(made.body)["id"];
  auto card = rest(admin.token, "POST", path("/api/playbooks/{pb}/live-chat-card"), {{"wait_seconds", 20}});
  ASSERT_EQ(card.status, 201) << card.body;
  vars["card"] = json::parse(card.body)["card_id"];
  auto full = rest(admin.token, "GET", path("/api/playbooks/{pb}"), nullptr);
  vars["pb_json"] = json::parse(full.body)["playbook"];
  auto extra = rest(admin.token, "POST", "/api/users",
                    {{"name", "Ugo Extra"}, {"email", "ugo@demo.local"}, {"password", "12345678"}});
  ASSERT_EQ(extra.status, 201) << extra.body;
  vars["extra"] = json::parse(extra.body)["id"];
  auto doomed = rest(admin.token, "POST", "/api/playbooks", {{"name", "Doomed"}});
  ASSERT_EQ(doomed.status, 201) << doomed.body;
  vars["doomed"] = json::parse(doomed.body)["id"];
  for (const auto& [name, who, body] :
       {std::tuple{"canned_shared", &admin, json{{"shortcut", "prices"}, {"texts", {{"en", "Prices"}}}, {"shared", true}}},
        std::tuple{"canned_doomed", &admin, json{{"shortcut", "old"}, {"texts", {{"en", "Old"}}}, {"shared", true}}},
        std::tuple{"canned_annas", &anna, json{{"shortcut", "annas"}, {"texts", {{"en", "Anna's"}}}}}}) {
    auto r = rest(who->token, "POST", "/api/canned", body);
    ASSERT_EQ(r.status, 201) << name << " " << r.body;
    vars[name] = json::parse(r.body)["id"];
  }
  for (const auto& [kind, body] : kCrmRecords) {
    auto r = rest(admin.token, "POST", std::string("/api/") + kind, body);
    ASSERT_EQ(r.status, 201) << kind << " " << r.body;
    vars[kind] = json::parse(r.body)["id"];
  }
}

// Everything a refused request could have changed, as the admin and anna read it.
std::string World::digest() {
  std::string out;
  for (const char* list : {"/healthz", "/api/users", "/api/playbooks", "/api/persons", "/api/organizations",
                           "/api/leads", "/api/deals", "/api/activities", "/api/notes"})
    out += rest(admin.token, "GET", list, nullptr).body + "\n";
  out += rest(admin.token, "GET", path("/api/playbooks/{pb}"), nullptr).body + "\n";
  out += rest(anna.token, "GET", path("/api/conversations/{c1}"), nullptr).body + "\n";
  out += rest(admin.token, "GET", "/api/canned", nullptr).body + "\n";
  out += rest(anna.token, "GET", "/api/canned", nullptr).body + "\n";
  return out;
}

std::string World::path(std::string pattern) const {
  for (std::size_t open; (open = pattern.find('{')) != std::string::npos;) {
    std::size_t close = pattern.find('}', open);
    auto it = vars.find(pattern.substr(open + 1, close - open - 1));
    EXPECT_NE(it, vars.end()) << pattern;
    pattern.replace(open, close - open + 1, it == vars.end() ? std::string("?") : it->second.get<std::string>());
  }
  return pattern;
}

json World::expand(const json& value) const {
  if (value.is_string() && value.get<std::string>().rfind('$', 0) == 0) {
    auto it = vars.find(value.get<std::string>().substr(1));
    EXPECT_NE(it, vars.end()) << value;
    return it == vars.end() ? json() : it->second;
  }
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [k, v] : value.items()) out[k] = expand(v);
  return out;
}

test::HttpReply World::rest(const std::string& token, const std::string& method, const std::string& path,
                            const json& body) {
  test::HeaderList headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
  return http_->request(method, path, body.is_null() ? std::string() : body.dump(), headers);
}

// --- one WebSocket cell ----------------------------------------------------------------------

bool is_reply(const json& j, const std::string& id) {
  std::string type = j.value("type", "");
  return (type == "ack" || type == "error") && (j.value("id", "") == id || j.value("id", "").empty());
}

// What the server answered `frame` on `peer`: "ack", an error code, "pong", "snapshot" (with
// " with target" when the snapshot holds `target`), "resumed" (with " with target" when the
// changes before it brought `target` into view), or a hello's answer.
std::string outcome(Peer& peer, const json& frame, const std::string& target) {
  std::string type = frame["type"];
  const std::size_t from = peer.log().size();  // nothing the frame caused has been read yet
  json got = peer.wait([&](const json& j) {
    std::string t = j.value("type", "");
    if (type == "ping") return t == "pong" || t == "error";
    if (type == "resume") return t == "snapshot" || t == "resumed" || t == "error";
    if (type == "hello") return t == "agent_welcome" || t == "welcome" || t == "error";
    return is_reply(j, frame.value("id", ""));
  });
  std::string t = got.value("type", "");
  if (t == "error") return got.value("code", "?");
  if (t == "welcome") return "welcome:" + got.value("visitor_id", "");
  if (t == "snapshot") {
    for (const auto& c : got["conversations"])
      if (c["id"] == target) return "snapshot with target";
  }
  if (t == "resumed") {
    for (std::size_t i = from; i < peer.log().size() && peer.log()[i] != got; ++i)
      if (peer.log()[i].value("type", "") == "conversation" && peer.log()[i]["conversation"]["id"] == target)
        return "resumed with target";
  }
  return t.empty() ? "nothing" : t;
}

// A typing frame from `sender` is relayed if `observer` sees it before `marker`'s typing:false,
// sent once the server has surely handled the first (the sender's ping came back).
std::string typing_outcome(Peer& sender, Peer& observer, Peer& marker, const json& frame) {
  std::size_t from = observer.log().size();
  sender.send(frame);
  sender.send({{"v", 1}, {"type", "ping"}});
  sender.wait_type("pong");
  json stop = frame;
  stop["typing"] = false;
  marker.send(stop);
  observer.wait([](const json& j) { return j.value("type", "") == "typing" && j.value("typing", true) == false; });
  for (std::size_t i = from; i < observer.log().size(); ++i) {
    const json& j = observer.log()[i];
    if (j.value("type", "") == "typing" && j.value("typing", false)) return "relayed";
    if (j.value("type", "") == "typing") break;
  }
  return "ignored";
}

// The names the core gives to every frame a client may send: each Command alternative and each
// other ClientFrame alternative, read from encode() of a default one.
template <std::size_t... I>
void command_names(std::set<std::string>& out, std::index_sequence<I...>) {
  (out.insert(std::string(command_type_name(Command{std::in_place_index<I>}))), ...);
}
template <std::size_t... I>
void frame_names(std::set<std::string>& out, std::index_sequence<I...>) {
  auto add = [&](const ClientFrame& f) {
    if (!std::holds_alternative<CommandFrame>(f)) out.insert(json::parse(encode(f))["type"].get<std::string>());
  };
  (add(ClientFrame{std::in_place_index<I>}), ...);
}

const std::string kForgedToken(64, 'f');

// One REST cell: `row`'s request made as `actor`; the reply.
test::HttpReply rest_cell(World& w, const RestRow& row, int actor) {
  const std::string tokens[] = {"", kForgedToken, w.eve.token, w.marco.token, w.admin.token, w.anna.token};
  const char* emails[] = {"nobody@demo.local", "anna@demo.local", "nobody@demo.local",
                          "marco@demo.local", "admin@demo.local", "anna@demo.local"};
  std::string token = tokens[actor];
  // Signing in: agents with their password; the others guess (the forged column guesses anna's).
  w.vars["email"] = emails[actor];
  w.vars["password"] = actor >= kMarco ? kPassword : "guess";
  // Signing out ends the session: use a session of its own for it.
  if (row.route == "POST /api/logout" && actor >= kMarco) token = login(w.server, emails[actor]);
  return w.rest(token, row.route.substr(0, row.route.find(' ')), w.path(row.path), w.expand(row.body));
}

// One WebSocket cell: `row`'s frame sent as `actor` about the conversation of `own` (its visitor);
// the outcome as the table spells it. `n` makes request and idempotency ids unique.
std::string ws_cell(World& w, const WsRow& row, int actor, Visitor& own, int n) {
  const std::string tokens[] = {kForgedToken, w.eve.token, own.token, w.marco.token, w.admin.token, w.anna.token};
  w.vars["unique"] = "m" + std::to_string(n);
  w.vars["actor_token"] = tokens[actor];
  json frame = w.expand(row.frame);
  frame["v"] = 1;
  std::string type = frame["type"];
  if (type != "ping" && type != "resume" && type != "typing" && type != "hello") frame["id"] = "m" + std::to_string(n);
  // The actor's open socket, or a new one: anonymous cells always get a new one, never signed in.
  Peer* sockets[] = {nullptr, &w.eve.peer, &own.peer, &w.marco.peer, &w.admin.peer, &w.anna.peer};
  Peer fresh;
  Peer* peer = sockets[actor];
  if (actor == kAnon || row.via != Via::own_socket) {
    peer = &fresh;
    std::string path = row.via == Via::new_visitor_socket ? "/ws/visitor?playbook=pb_demo" : "/ws/agent";
    EXPECT_TRUE(peer->connect(w.server, path, w.server.origin()));
  }
  if (type == "typing" && actor != kAnon) {  // watched from the other side of the conversation
    bool from_visitor = actor == kEve || actor == kOwnVisitor;
    return typing_outcome(*peer, from_visitor ? w.anna.peer : own.peer, from_visitor ? own.peer : w.anna.peer, frame);
  }
  peer->send(frame);
  std::string got = outcome(*peer, frame, own.conversation);
  if (got.rfind("welcome:", 0) == 0) {  // the same visitor again, or a new one?
    std::string known = actor == kEve ? w.eve.visitor_id : actor == kOwnVisitor ? own.visitor_id : "";
    got = got == "welcome:" + known ? "same_visitor" : "new_visitor";
  }
  return got;
}

TEST(PermissionsMatrix, EveryRouteAndFrameAgainstEveryActor) {
  // Completeness first: the router's routes and the core's frame types, each with a row.
  std::set<std::string> routed, covered;
  for (const auto& r : server::Api::routes()) routed.insert(r);
  auto rows = rest_rows();
  for (const auto& row : rows) covered.insert(row.route);
  EXPECT_EQ(routed, covered) << "every route the router has needs a row here (and no row names a route it lacks)";
  std::set<std::string> frame_types, frame_rows;
  command_names(frame_types, std::make_index_sequence<std::variant_size_v<Command>>{});
  frame_names(frame_types, std::make_index_sequence<std::variant_size_v<ClientFrame>>{});
  for (const auto& row : kWsRows) frame_rows.insert(row.frame["type"].get<std::string>());
  EXPECT_EQ(frame_types, frame_rows) << "every client frame type needs a row here";

  World w;
  w.build();
  if (HasFatalFailure()) return;
  int cases = 0, denials = 0;
  for (const auto& row : rows) {
    for (int a = 0; a < kRestActors; ++a) {
      SCOPED_TRACE(row.route + " " + row.path + " as " + kRestActorNames[a]);
      bool deny = !allowed_status(row.expect[a]);
      std::string before = deny ? w.digest() : "";
      auto reply = rest_cell(w, row, a);
      ++cases;
      EXPECT_EQ(reply.status, row.expect[a]) << reply.body;
      if (!deny) continue;
      ++denials;
      EXPECT_TRUE(json::parse(reply.body, nullptr, false).contains("error")) << "a refusal says why: " << reply.body;
      EXPECT_EQ(w.digest(), before) << "a refused request changed the server";
    }
  }
  w.vars["admin_token"] = w.admin.token;
  for (const auto& row : kWsRows) {
    Visitor& own = row.target == Target::c1 ? w.v1 : row.target == Target::c2 ? w.v2 : w.new_live_chat();
    w.vars["target"] = own.conversation;
    w.vars["own_visitor"] = own.visitor_id;
    for (int a = 0; a < kWsActors; ++a) {
      SCOPED_TRACE(std::string(row.name) + " as " + kWsActorNames[a]);
      bool deny = !allowed_outcome(row.expect[a]);
      std::string before = deny ? w.digest() : "";
      std::string got = ws_cell(w, row, a, own, cases);
      ++cases;
      EXPECT_EQ(got, row.expect[a]);
      if (!deny) continue;
      ++denials;
      EXPECT_EQ(w.digest(), before) << "a refused frame changed the server";
    }
  }
  EXPECT_TRUE(w.server.running());
  std::printf("[ matrix   ] %zu REST rows x %d actors + %zu WebSocket rows x %d actors: %d cases tried, %d denials "
              "checked to change nothing\n",
              rows.size(), kRestActors, kWsRows.size(), kWsActors, cases, denials);
}

}  // namespace
}  // namespace livechat::itest
