// Sign in: email and password, POST /api/login (App::sign_in). The token is kept in
// localStorage so the session survives a reload.
#include "app.hpp"
#include "i18n.hpp"
#include "widgets.hpp"

namespace agent {

void draw_signin(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##signin_bg", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                           ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::End();

  const ImVec2 size(380, 0);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x / 2, io.DisplaySize.y / 2), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(1, 1, 1, 1));
  ImGui::Begin("##signin", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                        ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted("Live Chat");
  ImGui::PopFont();
  ImGui::SameLine(ImGui::GetContentRegionMax().x - 110);
  ui::language_picker(110);
  ImGui::TextDisabled("%s", tr("Sign in to the agent dashboard"));
  ImGui::Spacing();

  bool submit = false;
  ImGui::TextUnformatted(tr("Email"));
  ImGui::SetNextItemWidth(-1);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  submit |= ImGui::InputText("##email", app.email, sizeof app.email, ImGuiInputTextFlags_EnterReturnsTrue);
  ui::track("##email");
  ImGui::TextUnformatted(tr("Password"));
  ImGui::SetNextItemWidth(-1);
  submit |= ImGui::InputText("##password", app.password, sizeof app.password,
                             ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ui::track("##password");
  ImGui::Spacing();
  if (!app.signin_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("%s", app.signin_error.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(app.signing_in || !app.email[0] || !app.password[0]);
  ui::push_primary();
  submit |= ui::button(app.signing_in ? tr("Signing in...##signin") : tr("Sign in"), ImVec2(-1, 0));
  ui::pop_primary();
  ImGui::EndDisabled();
  if (submit && app.email[0] && app.password[0]) app.sign_in();
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace agent
