// Admin screens, part 2: users (list, add an agent, set the admin role with the core's set_role
// command), and the CRM lists (leads, deals, activities) for every agent.
#include "admin.hpp"
#include "app.hpp"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

void draw_users(App& app) {
  AdminState& a = app.admin;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted("Users");
  ImGui::PopFont();
  if (!a.message.empty())
    ImGui::TextColored(a.message_error ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.5f, 0.2f, 1), "%s",
                       a.message.c_str());
  // Live from the model: users are part of the state every agent holds.
  if (ImGui::BeginTable("##users", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
    ImGui::TableSetupColumn("Name");
    ImGui::TableSetupColumn("Email");
    ImGui::TableSetupColumn("Status");
    ImGui::TableSetupColumn("Admin");
    ImGui::TableHeadersRow();
    for (const auto& [id, u] : app.model.state.users) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.email.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.available() ? "online" : u.online ? "away" : "offline");
      ImGui::TableNextColumn();
      bool admin = u.role == Role::admin;
      std::string label = "##admin" + id;
      if (ImGui::Checkbox(label.c_str(), &admin)) app.send(SetRole{id, admin ? Role::admin : Role::regular});
      ui::track(("admin:" + u.name).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  ImGui::TextUnformatted("Add an agent");
  ImGui::SetNextItemWidth(220);
  ImGui::InputTextWithHint("##user_name", "Name", a.user_name, sizeof a.user_name);
  ui::track("##user_name");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(240);
  ImGui::InputTextWithHint("##user_email", "Email", a.user_email, sizeof a.user_email);
  ui::track("##user_email");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  ImGui::InputTextWithHint("##user_password", "Password (8+)", a.user_password, sizeof a.user_password,
                           ImGuiInputTextFlags_Password);
  ui::track("##user_password");
  ImGui::SameLine();
  ImGui::Checkbox("Admin", &a.user_admin);
  ImGui::SameLine();
  ui::push_primary();
  if (ui::button("Add agent"))
    app.rest("admin:user_added", "POST", "/api/users",
             json{{"name", a.user_name}, {"email", a.user_email}, {"password", a.user_password},
                  {"role", a.user_admin ? "admin" : "regular"}}
                 .dump(-1, ' ', false, json::error_handler_t::replace));
  ui::pop_primary();
}

void draw_crm(App& app) {
  AdminState& a = app.admin;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted("CRM");
  ImGui::PopFont();
  const char* kinds[] = {"Leads", "Deals", "Activities"};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    bool on = a.crm_kind == i;
    if (on) ui::push_primary();
    bool pressed = ui::button(kinds[i]);
    if (on) ui::pop_primary();
    if (pressed) {
      a.crm_kind = i;
      open_view(app, View::crm);
    }
  }
  if (!a.message.empty() && a.message_error) ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "%s", a.message.c_str());
  const char* cols[] = {"id", a.crm_kind == 2 ? "subject" : "title", a.crm_kind == 2 ? "type" : "status",
                        a.crm_kind == 2 ? "due_date" : "value_cents", "conversation_id"};
  if (ImGui::BeginTable("##crm", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) {
    for (const char* c : cols) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(a.crm.size()));
    while (clipper.Step())
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const json& row = a.crm[static_cast<std::size_t>(r)];
        ImGui::TableNextRow();
        for (const char* c : cols) {
          ImGui::TableNextColumn();
          auto it = row.find(c);
          std::string v = it == row.end() || it->is_null() ? "" : it->is_string() ? it->get<std::string>() : it->dump();
          if (std::string(c) == "conversation_id" && !v.empty() && app.model.conversation(v)) {
            if (ImGui::SmallButton(("Open chat##" + v).c_str())) {
              app.selected = v;
              app.view = View::inbox;
            }
          } else {
            ImGui::TextUnformatted(v.c_str());
          }
        }
      }
    ImGui::EndTable();
  }
}

}  // namespace agent
