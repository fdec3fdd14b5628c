// Admin screens, part 1: the chatbot playbooks (GET/POST/PUT/DELETE /api/playbooks...). The list
// with each playbook's status (embedded or offline-only, published or draft); "New from Live
// Chat template"; an open playbook's flow (drawn and edited by the builder,
// screen_playbook_flow.cpp) with "Add Live Chat card" (asks where); publish (checked first) /
// unpublish; the allowed sites (add, remove); the state in words
// ("embedded on https://... since ...", "published, not yet seen on any allowed site", "draft");
// copy the embed snippet (published playbooks only); delete the playbook.
// Also the REST answers of every admin and CRM screen (on_admin_http) and open_view.
#include <algorithm>
#include <cstdio>

#include "admin.hpp"
#include "app.hpp"
#include "i18n.hpp"
#include "platform.hpp"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A playbook's state in words, from its view (or list item): "draft" until published; then
// "embedded on <site> since <time>" once its widget loaded from an allowed site, else
// "published, not yet seen on any allowed site".
std::string state_words(const json& item, bool published) {
  if (!published) return tr("draft");
  if (!item.value("embedded", false)) return tr("published, not yet seen on any allowed site");
  std::string site = item.value("embedded_on", std::string());
  int64_t at = item.value("embedded_at", int64_t{0});
  std::string when = format_time(platform::now_ms(), at);
  if (!site.empty() && at > 0) return format(tr("embedded on %s since %s"), site.c_str(), when.c_str());
  if (!site.empty()) return format(tr("embedded on %s"), site.c_str());
  if (at > 0) return format(tr("embedded since %s"), when.c_str());
  return tr("embedded");
}

// Saves `pb` with its allowed sites changed (PUT /api/playbooks/:id).
void save_sites(App& app, Playbook pb, std::vector<std::string> sites) {
  pb.allowed_origins = std::move(sites);
  app.rest("admin:pb_changed", "PUT", "/api/playbooks/" + pb.id, dump(playbook_to_json_value(pb)));
}

void set_view(AdminState& a, const json& view) {
  a.playbook_view = view;
  a.playbook = Playbook{};
  if (view.is_object() && view.contains("playbook")) {
    auto pb = playbook_from_json_value(view["playbook"]);
    if (pb) a.playbook = std::move(pb.value());
  }
}

}  // namespace

void open_view(App& app, View view) {
  app.view = view;
  app.admin.message.clear();
  if (view == View::playbooks) {
    app.admin.playbook_id.clear();
    app.admin.editing.reset();
    app.admin.moving.clear();
    app.admin.problems.clear();
    app.admin.show_versions = false;
    app.rest("admin:pb_list", "GET", "/api/playbooks");
  } else if (view == View::users) {
    app.rest("admin:users", "GET", "/api/users");
  } else if (view == View::crm) {
    open_crm(app);
  } else if (view == View::canned) {
    fetch_canned(app);
  }
}

bool on_admin_http(App& app, const std::string& tag, int status, const std::string& body) {
  if (tag.rfind("admin:", 0) != 0) return false;
  AdminState& a = app.admin;
  std::string what = tag.substr(6);
  if (what.rfind("hours", 0) == 0) {
    on_hours_answer(app, what, status, body);
    return true;
  }
  if (status < 200 || status >= 300) {
    a.message = status == 0 ? tr("The server cannot be reached.") : server_error(body).message;
    a.message_error = true;
    return true;
  }
  json j = json::parse(body, nullptr, false);
  if (what == "pb_list") {
    a.playbooks = j.is_array() ? j : json::array();
  } else if (what == "pb_get" || what == "pb_changed" || what == "pb_created") {
    set_view(a, j.is_object() && j.contains("card_id") ? j["playbook"] : j);
    a.playbook_id = a.playbook_view.value("id", std::string());
    if (what == "pb_get") a.editing.reset();
    if (what == "pb_get") a.hours.playbook_id.clear();  // opened (again): its business hours are fetched afresh
    if (what == "pb_get") a.problems.clear();
    if (a.show_versions) app.rest("admin:pb_versions", "GET", "/api/playbooks/" + a.playbook_id + "/versions");
    else if (!a.problems.empty()) a.problems = publish_problems(a.playbook);  // the red marks follow the fixes
    if (what != "pb_get") {
      a.message = tr("Saved.");
      a.message_error = false;
      app.rest("admin:pb_list", "GET", "/api/playbooks");
    }
  } else if (what == "pb_versions") {
    a.versions = j.is_object() ? j : json::object();
  } else if (what == "pb_deleted") {
    a.playbook_id.clear();
    a.message = tr("Playbook deleted.");
    a.message_error = false;
    app.rest("admin:pb_list", "GET", "/api/playbooks");
  } else if (what == "snippet") {
    a.snippet = j.is_object() ? j.value("snippet", std::string()) : std::string();
    platform::copy_text(a.snippet);
    a.message = tr("Snippet copied to the clipboard.");
    a.message_error = false;
  } else if (what == "users") {
    a.users = j.is_array() ? j : json::array();
  } else if (what == "user_added") {
    a.message = tr("Agent added.");
    a.message_error = false;
    a.user_name[0] = a.user_email[0] = a.user_password[0] = 0;
    app.rest("admin:users", "GET", "/api/users");
  } else if (what.rfind("crm", 0) == 0) {
    on_crm_answer(app, what, j);
  }
  return true;
}

namespace {

void draw_list(App& app) {
  AdminState& a = app.admin;
  ImGui::TextUnformatted(tr("New playbook from the Live Chat template:"));
  ImGui::SetNextItemWidth(300);
  ImGui::InputTextWithHint("##new_playbook", tr("Name"), a.new_name, sizeof a.new_name);
  ui::track("##new_playbook");
  ImGui::SameLine();
  ImGui::BeginDisabled(!a.new_name[0]);
  ui::push_primary();
  if (ui::button(tr("Create playbook")))
    app.rest("admin:pb_created", "POST", "/api/playbooks", dump({{"name", a.new_name}, {"template", "live_chat"}}));
  ui::pop_primary();
  ImGui::SameLine();
  if (ui::button(tr("Create empty playbook")))
    app.rest("admin:pb_created", "POST", "/api/playbooks", dump({{"name", a.new_name}, {"template", "empty"}}));
  ImGui::EndDisabled();
  ImGui::Separator();
  if (ImGui::BeginTable("##playbooks", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
    ImGui::TableSetupColumn(tr("Name"));
    ImGui::TableSetupColumn(tr("State"));
    ImGui::TableSetupColumn(tr("Cards"));
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (const auto& p : a.playbooks) {
      std::string id = p.value("id", std::string()), name = p.value("name", std::string());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(state_words(p, p.value("published", false)).c_str());
      ImGui::TableNextColumn();
      ImGui::Text(tr("%d (%d Live Chat)"), p.value("cards", 0), p.value("live_chat_cards", 0));
      ImGui::TableNextColumn();
      std::string open = tr("Open") + ("##" + id);
      if (ImGui::SmallButton(open.c_str())) app.rest("admin:pb_get", "GET", "/api/playbooks/" + id);
      ui::track(("open:" + name).c_str());
    }
    ImGui::EndTable();
  }
}

// Allowed sites: the origins (scheme, host, port) whose pages may run the widget; typed text is
// tidied by the core's origin_of, and the server validates again.
void draw_sites(App& app, const Playbook& pb) {
  AdminState& a = app.admin;
  ImGui::Separator();
  ImGui::TextUnformatted(tr("Allowed sites"));
  ImGui::TextDisabled("%s", tr("Exactly as the browser shows it, e.g. https://shop.example.com. Each subdomain is a site of its own."));
  for (std::size_t i = 0; i < pb.allowed_origins.size(); ++i) {
    const std::string& site = pb.allowed_origins[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::BulletText("%s", site.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(tr("Remove"))) {
      std::vector<std::string> sites = pb.allowed_origins;
      sites.erase(sites.begin() + static_cast<std::ptrdiff_t>(i));
      save_sites(app, pb, std::move(sites));
    }
    ui::track(("remove_site:" + site).c_str());
    ImGui::PopID();
  }
  if (pb.allowed_origins.empty()) ImGui::TextDisabled("%s", tr("No sites yet: the widget runs only on this server's own pages."));
  ImGui::SetNextItemWidth(320);
  bool enter = ImGui::InputTextWithHint("##new_site", "https://shop.example.com", a.new_site, sizeof a.new_site,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
  ui::track("##new_site");
  ImGui::SameLine();
  ImGui::BeginDisabled(!a.new_site[0]);
  if ((ui::button(tr("Add site")) || enter) && a.new_site[0]) {
    std::string site = origin_of(a.new_site);
    if (site.empty()) {
      a.message = format(tr("\"%s\" is not a site: write scheme, host and port only, like "
                            "https://shop.example.com or http://localhost:8080 (no path, no *)."),
                         a.new_site);
      a.message_error = true;
    } else {
      std::vector<std::string> sites = pb.allowed_origins;
      if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
      save_sites(app, pb, std::move(sites));
      a.new_site[0] = 0;
    }
  }
  ImGui::EndDisabled();
}

// What the draft changes compared with the published version (the view's "changes": the core's
// diff_playbooks), one line each.
void draw_changes(const json& view) {
  const json& changes = view.contains("changes") ? view["changes"] : json::array();
  if (!view.value("draft", false) || view.value("published_version", 0) == 0) return;
  ImGui::TextColored(ImVec4(0.7f, 0.45f, 0.0f, 1), "%s", tr("Draft: these changes are not published yet"));
  for (const json& c : changes) {
    std::string kind = c.value("kind", ""), name = c.value("name", ""), fields;
    for (const json& f : c.value("fields", json::array())) fields += (fields.empty() ? "" : ", ") + f.get<std::string>();
    std::string line = kind == "setting"        ? format(tr("Setting changed: %s"), name.c_str())
                       : kind == "card_added"   ? format(tr("Card added: %s"), name.c_str())
                       : kind == "card_removed" ? format(tr("Card removed: %s"), name.c_str())
                                                : format(tr("Card %s changed: %s"), name.c_str(), fields.c_str());
    ImGui::BulletText("%s", line.c_str());
  }
}

// The published versions, newest first, with the live one marked; "Restore" puts an older one
// in the draft (Publish then makes it the next version).
void draw_versions(App& app, const std::string& pid) {
  AdminState& a = app.admin;
  const json& list = a.versions.contains("versions") ? a.versions["versions"] : json::array();
  ImGui::TextUnformatted(tr("Published versions:"));
  if (list.empty()) ImGui::TextDisabled("%s", tr("No published version yet."));
  int64_t live = a.playbook_view.value("published_version", int64_t{0});
  for (const json& v : list) {
    int64_t number = v.value("version", int64_t{0});
    std::string author = v.value("author_name", "");
    ImGui::PushID(static_cast<int>(number));
    ImGui::BulletText(tr("Version %d - %s - %s"), static_cast<int>(number),
                      format_time(app.now_ms, v.value("created_at", int64_t{0})).c_str(),
                      author.empty() ? tr("the system") : author.c_str());
    ImGui::SameLine();
    if (number == live) {
      ImGui::TextDisabled("%s", tr("(live)"));
    } else if (ui::button(tr("Restore"))) {
      app.rest("admin:pb_changed", "POST", "/api/playbooks/" + pid + "/versions/" + std::to_string(number) + "/restore");
    }
    ui::track(("restore:" + std::to_string(number)).c_str());
    ImGui::PopID();
  }
}

void draw_playbook(App& app) {
  AdminState& a = app.admin;
  const Playbook& pb = a.playbook;
  std::string pid = a.playbook_id;
  if (ui::button(tr("< All playbooks"))) open_view(app, View::playbooks);
  ImGui::SameLine();
  ImGui::PushFont(app.fonts.bold);
  ImGui::Text("%s", pb.name.c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("(%s)", state_words(a.playbook_view, pb.published).c_str());
  const bool draft = a.playbook_view.value("draft", true);
  if (pb.published && draft) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.7f, 0.45f, 0.0f, 1), "%s", tr("[draft]"));
  }
  ImGui::BeginDisabled(pb.published && !draft);
  ui::push_primary();
  if (ui::button(tr("Publish")) && check_before_publish(app))
    app.rest("admin:pb_changed", "POST", "/api/playbooks/" + pid + "/publish", dump({{"published", true}}));
  ui::pop_primary();
  ImGui::SameLine();
  if (pb.published && ui::button(tr("Discard draft")))
    app.rest("admin:pb_changed", "POST", "/api/playbooks/" + pid + "/discard");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (pb.published && ui::button(tr("Unpublish")))
    app.rest("admin:pb_changed", "POST", "/api/playbooks/" + pid + "/publish", dump({{"published", false}}));
  if (pb.published) ImGui::SameLine();
  if (ui::button(a.show_versions ? tr("Hide versions") : tr("Versions"))) {
    a.show_versions = !a.show_versions;
    if (a.show_versions) app.rest("admin:pb_versions", "GET", "/api/playbooks/" + pid + "/versions");
  }
  ImGui::SameLine();
  if (pb.published) {
    if (ui::button(tr("Copy snippet"))) app.rest("admin:snippet", "GET", "/api/playbooks/" + pid + "/snippet");
    ImGui::SameLine();
  }
  if (ui::button(tr("Add Live Chat card"))) open_live_chat_dialog(app);
  ImGui::SameLine();
  if (ui::button(tr("Delete playbook"))) ImGui::OpenPopup(tr("Delete playbook?"));
  if (ImGui::BeginPopupModal(tr("Delete playbook?"), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text(tr("Delete \"%s\"? Sites embedding it stop showing the chat."), pb.name.c_str());
    if (ui::button(tr("Delete it"))) {
      app.rest("admin:pb_deleted", "DELETE", "/api/playbooks/" + pid);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ui::button(tr("Cancel"))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (!pb.published)
    ImGui::TextWrapped("%s", tr("Draft: publish the playbook to get its embed snippet. Add the sites that will embed it below."));
  else if (!a.snippet.empty() && a.snippet.find("\"" + pid + "\"") != std::string::npos)
    ImGui::TextWrapped(tr("Embed: %s"), a.snippet.c_str());
  draw_changes(a.playbook_view);
  if (a.show_versions) draw_versions(app, pid);

  ImGui::Separator();

  // The flow and its sites, or the business hours (screen_hours.cpp): one tab each.
  if (ImGui::BeginTabBar("##playbook_tabs")) {
    bool flow = ImGui::BeginTabItem(tr("Flow"));
    ui::track("tab:flow");
    if (flow) {
      draw_flow(app);
      draw_sites(app, pb);
      ImGui::EndTabItem();
    }
    bool hours = ImGui::BeginTabItem(tr("Business hours"));
    ui::track("tab:hours");
    if (hours) {
      draw_hours(app);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
}

}  // namespace

void draw_playbooks(App& app) {
  AdminState& a = app.admin;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted(tr("Chatbot playbooks"));
  ImGui::PopFont();
  // The line for the last answer is always there, empty or not: the buttons below never move
  // under the mouse when "Saved." arrives just as the next one is clicked.
  ImGui::TextColored(a.message_error ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.5f, 0.2f, 1), "%s",
                     a.message.empty() ? " " : a.message.c_str());
  if (a.playbook_id.empty())
    draw_list(app);
  else
    draw_playbook(app);
}

}  // namespace agent
