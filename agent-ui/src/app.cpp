#include "app.hpp"

#include <algorithm>
#include <ctime>

#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>

#include "fonts.hpp"
#include "i18n.hpp"
#include "livechat/validate.hpp"
#include "images.hpp"
#include "input.hpp"
#include "platform.hpp"
#include "widgets.hpp"

namespace agent {

using namespace livechat;
using nlohmann::json;

namespace {
constexpr double kToastMs = 6000;
constexpr double kReconnectMs = 2000;

std::string error_message(const std::string& body, const char* fallback);

}  // namespace

ServerError server_error(const std::string& body, const char* fallback) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) j = j["error"];
  ServerError e{fallback ? fallback : tr("The server refused it."), {}};
  if (j.is_object() && j.contains("message") && j["message"].is_string()) e.message = j["message"].get<std::string>();
  if (j.is_object() && j.contains("field") && j["field"].is_string()) e.field = j["field"].get<std::string>();
  return e;
}

namespace {
std::string error_message(const std::string& body, const char* fallback) { return server_error(body, fallback).message; }
}  // namespace

namespace {
// A query parameter's value, percent-encoded (UTF-8 bytes as %XX).
std::string url_encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

const char* const kSearchKinds[] = {"conversations", "people", "organizations", "leads", "deals"};

App* g_debugged = nullptr;  // the App window.lcDebug() describes
std::string debug_of_app() { return g_debugged ? g_debugged->debug_json() : std::string("null"); }
}  // namespace

void App::start() {
  g_debugged = this;
  platform::set_debug_source(debug_of_app);
  start_language();
  model.token = platform::stored_token();
  if (!model.token.empty()) {
    restoring = true;
    connect();
  }
}

void App::connect() {
  model.connected = false;
  platform::ws_connect();
}

void App::sign_in() {
  if (signing_in) return;
  signing_in = true;
  signin_error.clear();
  json body = {{"email", email}, {"password", password}};
  platform::http("login", "POST", "/api/login", body.dump(-1, ' ', false, json::error_handler_t::replace), "");
}

void App::sign_out() {
  if (!model.token.empty()) platform::http("logout", "POST", "/api/logout", "", model.token);
  platform::ws_close();
  platform::store_token("");
  model.reset();
  selected.clear();
  panel = PanelForm{};
  view = View::inbox;
  admin = AdminState{};
  password[0] = 0;
  reconnect_at_ms = 0;
  restoring = false;
}

void App::send(Command command) { platform::ws_send(model.command_frame(std::move(command))); }

void App::create_item(const char* kind) {
  const Conversation* c = model.conversation(selected);
  if (!c) return;
  std::string who = visitor_display_name(*c);
  item_for = who;
  std::string title(utf8_prefix(format(kind[0] == 'l' ? tr("Lead: %s") : tr("Deal: %s"), who.c_str()),
                                livechat::kMaxNameBytes));  // whole characters
  json body = {{"title", title}};
  platform::http(std::string("item:") + kind, "POST", "/api/conversations/" + c->id + "/" + kind,
                 body.dump(-1, ' ', false, json::error_handler_t::replace), model.token);
}

void App::rest(const std::string& tag, const std::string& method, const std::string& path, const std::string& body) {
  platform::http(tag, method, path, body, model.token);
}

void App::load_closed_page() {
  auto& pages = model.closed;
  if (pages.loading || pages.done || !pages.error.empty() || model.token.empty()) return;
  pages.loading = true;
  rest("closed", "GET", "/api/conversations?folder=closed&limit=50" + (pages.next.empty() ? "" : "&before=" + url_encode(pages.next)));
}

void App::open_conversation(const ConversationId& id) {
  selected = id;
  view = View::inbox;
  record = nullptr;
  if (model.conversation(id)) return;
  fetching = id;
  fetch_error.clear();
  rest("conversation:" + id, "GET", "/api/conversations/" + url_encode(id));
}

void App::run_search(bool more) {
  std::string q = trim(search);
  if (q.empty()) {
    searched.clear();
    return;
  }
  if (!more) {
    searched = q;
    search_results = json::array();
    search_next.clear();
  }
  search_error.clear();
  search_loading = true;
  rest("search", "GET", "/api/search?kind=" + std::string(kSearchKinds[search_kind]) + "&q=" + url_encode(searched) +
                            (more && !search_next.empty() ? "&cursor=" + search_next : ""));
}

void App::toast(std::string title, std::string body, bool error, ConversationId c) {
  toasts.push_back(Toast{std::move(title), std::move(body), std::move(c), now_ms + kToastMs, error});
  if (toasts.size() > 5) toasts.erase(toasts.begin());
}

void App::handle_reports() {
  platform::Incoming in;
  while (platform::poll(in)) {
    using K = platform::Incoming::Kind;
    if (in.kind == K::ws_frame || in.kind == K::http) fonts::note_text(in.body);  // characters to draw
    if (in.kind == K::ws_open) {
      platform::ws_send(model.hello_frame());
    } else if (in.kind == K::font) {
      fonts::on_report(in.tag, in.status);
    } else if (in.kind == K::ws_frame) {
      bool was_connected = model.connected;
      model.on_frame(in.body);
      if (!was_connected && model.connected) {
        restoring = false;
        platform::ask_notification_permission();
        fetch_canned(*this);
        for (const auto& frame : model.pending_frames()) platform::ws_send(frame);  // never acked
      }
    } else if (in.kind == K::image) {
      images::on_report(in.tag, in.status, in.body);
    } else if (in.kind == K::ws_close) {
      if (model.session_refused) {  // stale token: back to the sign-in screen
        sign_out();
        signin_error = tr("Your session has ended. Please sign in again.");
      } else if (!model.token.empty()) {
        model.connected = false;
        reconnect_at_ms = now_ms + kReconnectMs;
      }
    } else if (in.tag == "login") {
      signing_in = false;
      json j = json::parse(in.body, nullptr, false);
      if (in.status == 200 && j.is_object() && j.contains("token") && j["token"].is_string()) {
        model.reset();
        model.token = j["token"].get<std::string>();
        platform::store_token(model.token);
        password[0] = 0;
        connect();
      } else {
        signin_error = in.status == 0 ? tr("The server cannot be reached.") : error_message(in.body, tr("Sign-in failed."));
      }
    } else if (in.tag == "closed") {
      model.closed.loading = false;
      json j = json::parse(in.body, nullptr, false);
      if (in.status != 200 || !model.add_closed_page(j))
        model.closed.error = in.status == 0 ? tr("The server cannot be reached.")
                                            : error_message(in.body, tr("Older conversations could not be loaded."));
    } else if (in.tag.rfind("conversation:", 0) == 0) {
      json j = json::parse(in.body, nullptr, false);
      if (in.tag.substr(13) != fetching) continue;  // an answer for a conversation no longer wanted
      if (in.status == 200 && model.add_conversation(j)) {
        fetching.clear();
      } else {
        fetch_error = in.status == 0 ? tr("The server cannot be reached.")
                      : in.status == 403 ? tr("This conversation is not yours to see.")
                      : in.status == 404 ? tr("This conversation does not exist.")
                                         : error_message(in.body, tr("The conversation could not be loaded."));
      }
    } else if (in.tag == "search") {
      search_loading = false;
      json j = json::parse(in.body, nullptr, false);
      if (in.status == 200 && j.is_object() && j.contains("results") && j["results"].is_array()) {
        for (auto& r : j["results"]) search_results.push_back(r);
        search_next = j.value("next", std::string());
      } else {
        search_error = in.status == 0 ? tr("The server cannot be reached.") : error_message(in.body, tr("Search failed."));
      }
    } else if (on_admin_http(*this, in.tag, in.status, in.body) || on_canned_http(*this, in.tag, in.status, in.body)) {
    } else if (in.tag.rfind("item:", 0) == 0) {
      bool lead = in.tag == "item:leads";
      json j = json::parse(in.body, nullptr, false);
      if (in.status == 201 && j.is_object()) {
        last_item = (lead ? "Lead " : "Deal ") + j.value("id", std::string());
        // Named after the person, as a sales person reads it ("Lead created for Giulia Verdi").
        toast(format(lead ? tr("Lead created for %s") : tr("Deal created for %s"), item_for.c_str()), "");
      } else {
        toast(lead ? tr("Lead not created") : tr("Deal not created"), error_message(in.body, tr("The server refused it.")),
              true);
      }
    }
  }
  // Notices from the model become toasts and desktop notifications, in the agent's language: the
  // server words a notification's title in English, the catalog's key (the core's
  // notification_title), and the visitor's name and words in the body are theirs.
  for (auto& n : model.notices) {
    bool error = n.kind == "error";
    std::string title = tr(n.title.c_str());
    if (!error) platform::desktop_notify(title, n.body);
    toast(title, n.body, error, n.conversation);
  }
  model.notices.clear();
  if (reconnect_at_ms > 0 && now_ms >= reconnect_at_ms && !model.token.empty()) {
    reconnect_at_ms = 0;
    connect();
  }
}

void App::draw_toasts() {
  // Bottom of the folder list, above the online switch: never over the chat or the side panel.
  float y = ImGui::GetIO().DisplaySize.y - 124;
  float x = 20;
  int i = 0;
  for (auto it = toasts.begin(); it != toasts.end();) {
    if (it->until_ms < now_ms) {
      it = toasts.erase(it);
      continue;
    }
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always, ImVec2(0, 1));
    ImGui::SetNextWindowSize(ImVec2(290, 0));
    ImGui::SetNextWindowBgAlpha(0.95f);
    std::string name = "##toast" + std::to_string(i++);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, it->error ? IM_COL32(120, 30, 30, 255) : IM_COL32(30, 60, 110, 255));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));  // readable on the dark background
    ImGui::Begin(name.c_str(), nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoSavedSettings);
    ImGui::PushFont(fonts.bold);
    ImGui::TextWrapped("%s", it->title.c_str());
    ImGui::PopFont();
    if (!it->body.empty()) ImGui::TextWrapped("%s", it->body.c_str());
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0)) {
      if (!it->conversation.empty() && model.conversation(it->conversation)) selected = it->conversation;
      it->until_ms = 0;
    }
    y -= ImGui::GetWindowHeight() + 8;
    ImGui::End();
    ImGui::PopStyleColor(2);
    ++it;
  }
}

std::string App::debug_json() {
  json j = model.debug_json(selected, panel.conversation == selected ? panel.error : std::string());
  j["composer"] = composer;
  j["composer_active"] = input::composer_active();
  // History over REST: the Closed folder's pages and what it shows, a fetched conversation, search.
  json folder = json::array();
  for (const auto& row : model.closed_folder()) folder.push_back(row.id);
  j["closed"] = {{"fetched", model.closed.rows.size()}, {"loading", model.closed.loading}, {"done", model.closed.done},
                 {"error", model.closed.error}, {"folder", folder}};
  j["fetching"] = fetching;
  j["fetch_error"] = fetch_error;
  json results = json::array();
  for (const auto& r : search_results) results.push_back(r.value("id", std::string()));
  j["search"] = {{"searched", searched}, {"results", results}, {"loading", search_loading}, {"error", search_error},
                 {"next", search_next}};
  j["record"] = record.is_object() ? record.value("id", std::string()) : std::string();
  j["input_waiting"] = input::waiting();
  j["toasts"] = json::array();
  for (const auto& t : toasts) j["toasts"].push_back(t.title);
  if (panel.conversation == selected && !selected.empty())  // the side panel's edit buffers
    j["panel_form"] = {{"person_name", panel.person_name}, {"notes", panel.notes}, {"phone", panel.phone},
                       {"deal_value", panel.deal_value}, {"error_field", panel.error_field},
                       {"refused", panel.refused}, {"refused_field", panel.refused_field}};
  j["language"] = language();  // the language shown (i18n.hpp)
  j["crm_rows"] = json::array();  // the CRM list as shown (its first 50 rows' cells)
  for (std::size_t i = 0; i < admin.crm_rows.size() && i < 50; ++i) {
    json cells = json::array();
    for (const auto& c : admin.crm_rows[i].cells) cells.push_back(c.text);
    j["crm_rows"].push_back(cells);
  }
  j["admin_message"] = admin.message;  // the admin screens' last notice ("Saved.", an error)
  j["canned"] = {{"count", canned.all.size()}, {"message", canned.message}, {"field", canned.field},
                 {"suggestions", canned_suggestions_height(*this) > 0}};
  j["preview"] = json::array();          // the playbook preview's transcript ("Try it")
  for (const auto& line : admin.preview.lines) j["preview"].push_back((line.first ? "visitor: " : "bot: ") + line.second);
  j["preview_input"] = admin.preview.input;
  j["rows_drawn"] = rows_drawn;
  j["images"] = images::debug_json();
  j["fonts"] = json::parse(fonts::debug_json());
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

double App::next_wake_ms() const {
  double at = 1e300;
  if (countdown_shown) at = (static_cast<int64_t>(now_ms / 1000) + 1) * 1000.0;
  for (const auto& t : toasts) at = std::min(at, t.until_ms);
  if (reconnect_at_ms > 0) at = std::min(at, reconnect_at_ms);
  return at;
}

void App::publish_hooks() {
  platform::publish_widgets(ui::widgets_json());
  std::string title = "Live Chat";
  if (model.unread > 0) title = "(" + std::to_string(model.unread) + ") " + title;
  if (!model.me.name.empty()) title += " - " + model.me.name;
  platform::set_title(title);
}

void App::frame() {
  now_ms = platform::now_ms();
  handle_reports();
  ui::begin_frame();
  countdown_shown = false;
  rows_drawn = 0;
  // Any click or key press in the page counts as having seen the notifications.
  if (ImGui::IsMouseClicked(0) || ImGui::GetIO().InputQueueCharacters.Size > 0) model.unread = 0;
  if (model.token.empty()) {
    draw_signin(*this);
  } else if (!model.connected && !model.has_snapshot) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("##connecting", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    ImGui::SetCursorPos(ImVec2(ImGui::GetIO().DisplaySize.x / 2 - 60, ImGui::GetIO().DisplaySize.y / 2));
    ImGui::TextDisabled("%s", tr("Connecting..."));
    if (ui::button(tr("Sign out"))) sign_out();
    ImGui::End();
  } else {
    shortcuts();
    draw_inbox(*this);
  }
  draw_toasts();
  publish_hooks();
}

// The inbox by keyboard (Alt + a key: never text, free in browsers): Alt+O goes online or
// offline, Alt+1/2/3 open Unassigned, My conversations, Closed, Alt+Down/Up select the next or
// previous conversation of the folder (the composer takes the keys), Alt+A assigns the selected
// chat to me. Everything else by keyboard is ImGui's: Tab between fields, arrows between
// controls, Enter or Space to press, Escape to close a popup or leave a field.
void App::shortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyAlt || io.KeyCtrl || io.KeySuper) return;
  auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
  if (pressed(GLFW_KEY_O)) send(SetOnline{!model.online()});
  const Folder folders[] = {Folder::unassigned, Folder::mine, Folder::closed};
  for (int i = 0; i < 3; ++i)
    if (pressed(GLFW_KEY_1 + i)) {
      folder = folders[i];
      view = View::inbox;
    }
  int step = pressed(GLFW_KEY_DOWN) ? 1 : pressed(GLFW_KEY_UP) ? -1 : 0;
  if (step != 0) {
    const Inbox& inbox = model.inbox();
    const auto& rows = folder == Folder::unassigned ? inbox.unassigned : folder == Folder::mine ? inbox.mine : inbox.closed;
    auto at = std::find_if(rows.begin(), rows.end(), [&](const InboxRow& r) { return r.id == selected; });
    long next = at == rows.end() ? (step > 0 ? 0 : static_cast<long>(rows.size()) - 1) : (at - rows.begin()) + step;
    if (next >= 0 && next < static_cast<long>(rows.size())) {
      selected = rows[static_cast<std::size_t>(next)].id;
      view = View::inbox;
      focus_composer = true;
    }
  }
  const Conversation* c = model.conversation(selected);
  if (pressed(GLFW_KEY_A) && c && c->phase == Phase::unassigned) {
    send(AssignToMe{c->id});
    focus_when_mine = c->id;
  }
}

std::string format_time(double now_ms, int64_t at_ms) {
  if (at_ms <= 0) return "";
  std::time_t at = static_cast<std::time_t>(at_ms / 1000), now = static_cast<std::time_t>(now_ms / 1000);
  std::tm a{}, n{};
  localtime_r(&at, &a);
  localtime_r(&now, &n);
  char hm[16];
  std::strftime(hm, sizeof hm, "%H:%M", &a);
  if (a.tm_year == n.tm_year && a.tm_yday == n.tm_yday) return hm;
  return date_text(0, a.tm_mon + 1, a.tm_mday) + " " + hm;
}

}  // namespace agent
