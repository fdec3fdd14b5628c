// Admin screens, part 2: users (list, add an agent, set the admin role with the core's set_role
// command), and the CRM lists (leads, deals, activities) for every agent, as a sales person reads
// them: people, organizations and owners by name, money and dates in the user's language, sorted
// by any column (newest first at the start), a search box over what is loaded, a link to the chat.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

#include "admin.hpp"
#include "app.hpp"
#include "i18n.hpp"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

void draw_users(App& app) {
  AdminState& a = app.admin;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted(tr("Users"));
  ImGui::PopFont();
  if (!a.message.empty())
    ImGui::TextColored(a.message_error ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.5f, 0.2f, 1), "%s",
                       a.message.c_str());
  // Live from the model: users are part of the state every agent holds.
  if (ImGui::BeginTable("##users", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
    ImGui::TableSetupColumn(tr("Name"));
    ImGui::TableSetupColumn(tr("Email"));
    ImGui::TableSetupColumn(tr("Status"));
    ImGui::TableSetupColumn(tr("Admin"));
    ImGui::TableHeadersRow();
    for (const auto& [id, u] : app.model.state.users) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.email.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.available() ? tr("online") : u.online ? tr("away") : tr("offline"));
      ImGui::TableNextColumn();
      bool admin = u.role == Role::admin;
      std::string label = "##admin" + id;
      if (ImGui::Checkbox(label.c_str(), &admin)) app.send(SetRole{id, admin ? Role::admin : Role::regular});
      ui::track(("admin:" + u.name).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("Add an agent"));
  ImGui::SetNextItemWidth(220);
  ImGui::InputTextWithHint("##user_name", tr("Name"), a.user_name, sizeof a.user_name);
  ui::track("##user_name");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(240);
  ImGui::InputTextWithHint("##user_email", tr("Email"), a.user_email, sizeof a.user_email);
  ui::track("##user_email");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  ImGui::InputTextWithHint("##user_password", tr("Password (8+)"), a.user_password, sizeof a.user_password,
                           ImGuiInputTextFlags_Password);
  ui::track("##user_password");
  ImGui::SameLine();
  ImGui::Checkbox(tr("Admin##new_user"), &a.user_admin);
  ImGui::SameLine();
  ui::push_primary();
  if (ui::button(tr("Add agent")))
    app.rest("admin:user_added", "POST", "/api/users",
             json{{"name", a.user_name}, {"email", a.user_email}, {"password", a.user_password},
                  {"role", a.user_admin ? "admin" : "regular"}}
                 .dump(-1, ' ', false, json::error_handler_t::replace));
  ui::pop_primary();
}

namespace {

const char* kCrmPaths[] = {"/api/leads", "/api/deals", "/api/activities"};

json list_of(const json& j) {
  if (j.is_array()) return j;
  if (j.is_object() && j.contains("items") && j["items"].is_array()) return j["items"];
  return json::array();
}

std::string text_of(const json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t number_of(const json& row, const char* key, int64_t none) {
  auto it = row.find(key);
  return it != row.end() && it->is_number_integer() ? it->get<int64_t>() : none;
}

// id -> name, from a list of persons or organizations.
std::map<std::string, std::string> names_of(const json& list) {
  std::map<std::string, std::string> out;
  for (const auto& r : list)
    if (r.is_object()) out[text_of(r, "id")] = text_of(r, "name");
  return out;
}

using Cell = AdminState::CrmCell;

// "2026-12-31" as the language writes it, sorted as 20261231.
Cell day_cell(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return {iso, 0};
  return {date_text(y, m, d), y * 10000 + m * 100 + d};
}

// A time (ms since the epoch) as the day it was, in the browser's time zone.
Cell time_cell(int64_t ms) {
  if (ms <= 0) return {"", 0};
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return {date_text(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), ms};
}

// The words the server stores (status, activity type) in the user's language.
std::string word(const std::string& w) {
  static const char* kWords[] = {N_("open"), N_("won"),  N_("lost"),     N_("archived"), N_("task"),
                                 N_("call"), N_("meeting"), N_("email"), N_("deadline"), N_("lunch")};
  for (const char* k : kWords)
    if (w == k) return tr(k);
  return w;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The columns of each list: header, whether it sorts by the cell's key (else its text), and its
// share of the width (0: as wide as its widest visible cell: money, dates, words, never cut).
struct Column {
  const char* header;
  bool by_key;
  float weight;
};
const std::vector<Column>& columns(int kind) {
  static const std::vector<Column> items = {
      {N_("Title"), false, 2.0f}, {N_("Person"), false, 1.4f},     {N_("Organization"), false, 1.2f},
      {N_("Value"), true, 0},     {N_("Expected close"), true, 0}, {N_("Status"), false, 0},
      {N_("Owner"), false, 1.0f}, {N_("Created"), true, 0}};
  static const std::vector<Column> activities = {
      {N_("Subject"), false, 2.0f}, {N_("Type"), false, 0},      {N_("Due"), true, 0}, {N_("Person"), false, 1.4f},
      {N_("Owner"), false, 1.0f},   {N_("Completed"), false, 0}, {N_("Created"), true, 0}};
  return kind == 2 ? activities : items;
}

// The rows as a sales person reads them: names for ids, money and dates in the user's language;
// only those matching the search box.
void make_rows(App& app) {
  AdminState& a = app.admin;
  auto persons = names_of(a.persons), orgs = names_of(a.organizations);
  auto name_in = [](const std::map<std::string, std::string>& names, const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
  };
  auto owner = [&](const json& r) {
    std::string id = text_of(r, "owner_id");
    return id.empty() ? std::string(tr("Chatbot")) : app.model.user_name(id);
  };
  std::string query = lower(a.crm_search);
  a.crm_rows.clear();
  for (const auto& r : a.crm) {
    if (!r.is_object()) continue;
    AdminState::CrmRow row;
    row.conversation = text_of(r, "conversation_id");
    if (a.crm_kind == 2) {
      row.cells = {{text_of(r, "subject"), 0},
                   {word(text_of(r, "type")), 0},
                   day_cell(text_of(r, "due_date")),
                   {name_in(persons, text_of(r, "person_id")), 0},
                   {owner(r), 0},
                   {r.value("done", false) ? tr("Yes") : tr("No"), 0},
                   time_cell(number_of(r, "created_at", 0))};
    } else {
      int64_t cents = number_of(r, "value_cents", -1);
      row.cells = {{text_of(r, "title"), 0},
                   {name_in(persons, text_of(r, "person_id")), 0},
                   {name_in(orgs, text_of(r, "organization_id")), 0},
                   {money(cents, text_of(r, "currency")), cents},
                   day_cell(text_of(r, "expected_close_date")),
                   {word(text_of(r, "status")), 0},
                   {owner(r), 0},
                   time_cell(number_of(r, "created_at", 0))};
    }
    bool match = query.empty();
    for (const auto& c : row.cells) match = match || lower(c.text).find(query) != std::string::npos;
    if (match) a.crm_rows.push_back(std::move(row));
  }
}

void sort_rows(AdminState& a, int column, bool descending) {
  if (column < 0 || column >= static_cast<int>(columns(a.crm_kind).size())) return;
  bool by_key = columns(a.crm_kind)[static_cast<std::size_t>(column)].by_key;
  std::stable_sort(a.crm_rows.begin(), a.crm_rows.end(), [&](const AdminState::CrmRow& x, const AdminState::CrmRow& y) {
    const Cell &l = x.cells[static_cast<std::size_t>(column)], &r = y.cells[static_cast<std::size_t>(column)];
    bool less = by_key ? l.key < r.key : lower(l.text) < lower(r.text);
    bool more = by_key ? r.key < l.key : lower(r.text) < lower(l.text);
    return descending ? more : less;
  });
}

}  // namespace

void open_crm(App& app) {
  app.rest("admin:crm", "GET", kCrmPaths[app.admin.crm_kind]);
  app.rest("admin:crm_persons", "GET", "/api/persons");
  app.rest("admin:crm_organizations", "GET", "/api/organizations");
}

void on_crm_answer(App& app, const std::string& what, const json& answer) {
  AdminState& a = app.admin;
  (what == "crm_persons" ? a.persons : what == "crm_organizations" ? a.organizations : a.crm) = list_of(answer);
  a.crm_dirty = true;
}

void draw_crm(App& app) {
  AdminState& a = app.admin;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted(tr("CRM"));
  ImGui::PopFont();
  const char* kinds[] = {tr("Leads"), tr("Deals"), tr("Activities")};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    bool on = a.crm_kind == i;
    if (on) ui::push_primary();
    bool pressed = ui::button(kinds[i]);
    if (on) ui::pop_primary();
    if (pressed) {
      a.crm_kind = i;
      a.crm = json::array();
      a.crm_dirty = true;
      open_view(app, View::crm);
    }
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(320.0f, ImGui::GetContentRegionAvail().x));
  a.crm_dirty |= ImGui::InputTextWithHint("##crm_search", tr("Search names, titles, values..."), a.crm_search,
                                          sizeof a.crm_search);
  ui::track("##crm_search");
  if (!a.message.empty() && a.message_error) ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "%s", a.message.c_str());
  if (a.crm_rows.empty()) ImGui::TextDisabled("%s", a.crm_search[0] ? tr("Nothing matches the search.") : tr("Nothing here yet."));

  static std::string made_in;  // the language the rows were made in
  if (made_in != language()) a.crm_dirty = true;
  const auto& cols = columns(a.crm_kind);
  const int ncols = static_cast<int>(cols.size()) + 1;  // and the link to the chat
  if (ImGui::BeginTable(a.crm_kind == 2 ? "##crm_activities" : "##crm_items", ncols,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY |
                            ImGuiTableFlags_Sortable | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (std::size_t i = 0; i < cols.size(); ++i) {
      ImGuiTableColumnFlags flags = i + 1 == cols.size()  // Created: newest first
                                        ? ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending
                                        : ImGuiTableColumnFlags_None;
      // A fixed column that is not resizable fits its widest visible cell on every frame.
      flags |= cols[i].weight > 0 ? ImGuiTableColumnFlags_WidthStretch
                                  : ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoResize;
      ImGui::TableSetupColumn(tr(cols[i].header), flags, cols[i].weight);
    }
    ImGui::TableSetupColumn(tr("Chat"), ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed,
                            ImGui::CalcTextSize(tr("Open chat")).x + ImGui::GetStyle().FramePadding.x * 2 + 4);
    ImGui::TableHeadersRow();
    ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
    if (a.crm_dirty || (specs && specs->SpecsDirty)) {
      make_rows(app);
      if (specs && specs->SpecsCount > 0)
        sort_rows(a, specs->Specs[0].ColumnIndex, specs->Specs[0].SortDirection == ImGuiSortDirection_Descending);
      if (specs) specs->SpecsDirty = false;
      a.crm_dirty = false;
      made_in = language();
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(a.crm_rows.size()));
    while (clipper.Step())
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const auto& row = a.crm_rows[static_cast<std::size_t>(r)];
        ImGui::TableNextRow();
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
          ImGui::TableNextColumn();
          if (cols[i].weight > 0)
            ui::text_fit(row.cells[i].text, ImGui::GetContentRegionAvail().x);  // cut, whole on hover
          else
            ImGui::TextUnformatted(row.cells[i].text.c_str());  // its column fits it
        }
        ImGui::TableNextColumn();
        if (!row.conversation.empty() && app.model.conversation(row.conversation)) {
          if (ImGui::SmallButton((tr("Open chat") + ("##" + row.conversation)).c_str())) {
            app.selected = row.conversation;
            app.view = View::inbox;
          }
          ui::track(("crm_chat:" + row.cells[0].text).c_str());
        }
      }
    ImGui::EndTable();
  }
}

}  // namespace agent
