// What the admin and CRM screens hold: REST answers (nlohmann::json values as the server sent
// them) and the playbook builder's state (the card open in the form, the pending add or move). Admin screens are drawn only for admins
// (the server checks every route again). Screens: screen_playbooks.cpp, screen_people.cpp.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "livechat/business_hours.hpp"
#include "livechat/model.hpp"
#include "livechat/playbook.hpp"
#include "livechat/playbook_run.hpp"

namespace agent {

struct App;

enum class View { inbox, playbooks, users, crm, canned };

// "Try it": the open playbook run by the core's interpreter in the dashboard, as a visitor would
// meet it, without a conversation or CRM records (screen_playbook_preview.cpp).
struct PlaybookPreview {
  bool open = false;
  bool anyone_online = false;  // the online path (an agent would take the chat) or the offline one
  livechat::PlaybookRun run;
  livechat::Prompt prompt;
  std::vector<std::pair<bool, std::string>> lines;  // (said by the visitor, rich text)
  std::string input;                                // the visitor's typed answer
};

// The open playbook's business hours as edited (screen_hours.cpp): times as typed, checked by the
// server on save.
struct HoursForm {
  std::string playbook_id;  // the playbook they were fetched for
  bool loaded = false;
  nlohmann::json view;      // GET/PUT /api/playbooks/:id/hours: hours, open_now, next_opening
  bool enabled = false;
  char zone[64] = "";
  struct Interval {
    char from[6] = "", to[6] = "";
  };
  std::array<std::vector<Interval>, 7> week;  // 0 = Sunday
  std::vector<std::string> holidays;          // YYYY-MM-DD
  char holiday[11] = "";                      // the "Add holiday" field
  std::vector<std::string> zones;             // GET /api/time-zones
  char zone_filter[64] = "";
  std::string message;
  bool message_error = false;
};

struct AdminState {
  // Playbooks.
  nlohmann::json playbooks = nlohmann::json::array();  // GET /api/playbooks
  std::string playbook_id;      // the open playbook ("" = the list)
  nlohmann::json playbook_view;  // GET /api/playbooks/:id (id, status, embedded, playbook)
  livechat::Playbook playbook;   // its playbook member, read by the core
  // The builder (screen_playbook_flow.cpp).
  std::optional<livechat::Card> editing;        // the card open in the form: a copy, saved by "Save card"
  std::optional<livechat::Link> adding_at;      // "+" pressed: the link a new card goes on
  std::string moving;                           // the card being moved ("" = none)
  int live_chat_link = -1;                      // "Add Live Chat card": index in links_of (-1: not asked yet)
  bool live_chat_asked = false;                 // the dialog opens where it is drawn (ImGui ids differ in tabs)
  std::vector<livechat::Error> problems;        // what Publish found, each naming its card
  bool show_versions = false;                   // the Versions list is open
  nlohmann::json versions = nlohmann::json::object();  // GET /api/playbooks/:id/versions
  PlaybookPreview preview;
  char new_name[livechat::kMaxNameBytes + 1] = "";  // the server's playbook names: 200 bytes
  std::string snippet;
  char new_site[256] = "";      // the "Add site" field
  std::string message;  // the last answer, for humans ("Saved", or the server's error)
  bool message_error = false;
  HoursForm hours;

  // Users.
  nlohmann::json users = nlohmann::json::array();  // GET /api/users
  char user_name[livechat::kMaxNameBytes + 1] = "", user_email[livechat::kMaxNameBytes + 1] = "",
       user_password[livechat::kMaxNameBytes + 1] = "";
  bool user_admin = false;

  // CRM lists (screen_people.cpp): the open list as the server sent it, the people and
  // organizations it names by id, the search box, and the rows as shown (made again when any
  // of these, the sort or the language changes).
  int crm_kind = 0;  // 0 leads, 1 deals, 2 activities
  nlohmann::json crm = nlohmann::json::array();
  nlohmann::json persons = nlohmann::json::array(), organizations = nlohmann::json::array();
  char crm_search[128] = "";
  struct CrmCell {
    std::string text;
    int64_t key = 0;  // what the column sorts by when it is not text (cents, yyyymmdd, ms)
  };
  struct CrmRow {
    std::vector<CrmCell> cells;
    std::string conversation;  // the chat it came from ("" when none)
  };
  std::vector<CrmRow> crm_rows;
  bool crm_dirty = true;
};

// Sends the REST call for `view` when it is opened (lists are fetched on entry).
void open_view(App& app, View view);
// The CRM screen's lists, fetched when it opens (screen_people.cpp), and their answers ("crm",
// "crm_persons", "crm_organizations": the part of the "admin:" tag after the colon).
void open_crm(App& app);
void on_crm_answer(App& app, const std::string& what, const nlohmann::json& answer);
// Handles an http report whose tag starts with "admin:"; false when it is not one.
bool on_admin_http(App& app, const std::string& tag, int status, const std::string& body);

void draw_playbooks(App& app);
// The builder (screen_playbook_flow.cpp): the open playbook's flow and the card form; the "Add
// Live Chat card" dialog; Publish's check (false, with the problems shown, when it must wait).
void draw_flow(App& app);
void open_live_chat_dialog(App& app);
bool check_before_publish(App& app);
// "Try it" (screen_playbook_preview.cpp): restarts the preview of the open playbook; draws it.
void restart_preview(App& app);
void draw_preview(App& app);
void draw_users(App& app);
// A playbook's business hours (screen_hours.cpp): the editor under the open playbook, and the
// answers of its "admin:hours..." REST calls.
void draw_hours(App& app);
void on_hours_answer(App& app, const std::string& what, int status, const std::string& body);
void draw_crm(App& app);

}  // namespace agent
