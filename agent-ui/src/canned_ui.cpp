// Canned responses in the dashboard: see canned_ui.hpp. Matching, filling and who may edit are
// the core's (livechat/canned.hpp); the server checks every change again (server/src/api_canned.cpp).
#include "canned_ui.hpp"

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "i18n.hpp"
#include "livechat/validate.hpp"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

namespace {

const ImVec4 kMissing(0.62f, 0.32f, 0.0f, 1);  // dark orange on white: 5.1:1
const ImVec4 kError(0.75f, 0.1f, 0.1f, 1);
const ImVec4 kSaved(0.1f, 0.5f, 0.2f, 1);
constexpr std::size_t kPreviewBytes = 90;
constexpr std::size_t kSuggestions = 5;

CannedResponse from_json(const json& j) {
  CannedResponse c;
  c.id = j.value("id", std::string());
  c.shortcut = j.value("shortcut", std::string());
  c.owner = j.value("owner", std::string());
  if (j.contains("texts") && j["texts"].is_object())
    for (const auto& [lang, text] : j["texts"].items())
      if (text.is_string()) c.texts[lang] = text.get<std::string>();
  return c;
}


// "No value yet: {{person.phone}}, {{organization.name}}" for the variables a text leaves open.
std::string missing_words(const std::vector<std::string>& missing) {
  std::string out;
  for (const auto& m : missing) out += (out.empty() ? "" : ", ") + ("{{" + m + "}}");
  return out;
}

void clear_form(CannedState& s) {
  s.editing.clear();
  s.open = false;
  s.shortcut[0] = s.text_en[0] = s.text_it[0] = 0;
  s.shared = false;
  s.field.clear();
}

void edit(CannedState& s, const CannedResponse& c) {
  clear_form(s);
  s.open = true;
  s.editing = c.id;
  ui::copy_utf8(s.shortcut, sizeof s.shortcut, c.shortcut);
  if (auto en = c.texts.find("en"); en != c.texts.end()) ui::copy_utf8(s.text_en, sizeof s.text_en, en->second);
  if (auto it = c.texts.find("it"); it != c.texts.end()) ui::copy_utf8(s.text_it, sizeof s.text_it, it->second);
  s.shared = c.owner.empty();
  s.message.clear();
}

// The form as the request body: the texts typed (an empty language is left out).
std::string form_body(const CannedState& s, bool with_shared) {
  json texts = json::object();
  if (!trim(s.text_en).empty()) texts["en"] = s.text_en;
  if (!trim(s.text_it).empty()) texts["it"] = s.text_it;
  json body = {{"shortcut", s.shortcut}, {"texts", texts}};
  if (with_shared) body["shared"] = s.shared;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A field's label, with the server's refusal under it when it is about this field.
void field_error(const CannedState& s, const char* field) {
  if (s.error && s.field == field) ImGui::TextColored(kError, "%s", s.message.c_str());
}

}  // namespace

void fetch_canned(App& app) { app.rest("canned:list", "GET", "/api/canned"); }

bool on_canned_http(App& app, const std::string& tag, int status, const std::string& body) {
  if (tag.rfind("canned:", 0) != 0) return false;
  CannedState& s = app.canned;
  json j = json::parse(body, nullptr, false);
  if (tag == "canned:list") {
    if (status == 200 && j.is_array()) {
      s.all.clear();
      for (const auto& item : j) s.all.push_back(from_json(item));
    }
    return true;
  }
  if (status < 200 || status >= 300) {  // a change was refused: say why, next to its field
    ServerError e = server_error(body);
    s.message = status == 0 ? tr("The server cannot be reached.") : e.message;
    s.field = e.field.rfind("texts.", 0) == 0 ? e.field : e.field == "texts" ? "texts.en" : e.field;
    s.error = true;
    return true;
  }
  s.message = tag == "canned:deleted" ? tr("Deleted.") : tr("Saved.");
  s.error = false;
  clear_form(s);
  fetch_canned(app);
  return true;
}

namespace {
std::vector<const CannedResponse*> suggestions(App& app) {
  auto query = canned_query(app.composer);
  if (!query) return {};
  return canned_matches(app.canned.all, app.model.self(), *query, kSuggestions);
}

// The list's height for n suggestions (two lines each), without the spacing below it.
float list_height(std::size_t n) {
  return static_cast<float>(n) * 2 * ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().WindowPadding.y * 2;
}
}  // namespace

float canned_suggestions_height(App& app) {
  auto n = suggestions(app).size();
  return n == 0 ? 0 : list_height(n) + ImGui::GetStyle().ItemSpacing.y;
}

std::string draw_canned_suggestions(App& app, const Conversation& c, bool& enter) {
  CannedState& s = app.canned;
  const User* agent = &app.model.self();
  auto matches = suggestions(app);
  if (matches.empty()) {
    s.selected = 0;
    return {};
  }
  int n = static_cast<int>(matches.size());
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) s.selected = (s.selected + 1) % n;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) s.selected = (s.selected + n - 1) % n;
  if (s.selected >= n) s.selected = 0;

  CannedContext context{&c, agent};
  std::string picked;
  ImGui::BeginChild("##canned", ImVec2(0, list_height(matches.size())), true,
                    ImGuiWindowFlags_NoScrollbar);
  for (int i = 0; i < n; ++i) {
    const CannedResponse& r = *matches[static_cast<std::size_t>(i)];
    FilledCanned filled = fill_canned_text(canned_text(r, ""), context);
    ImGui::PushID(i);
    if (i == s.selected) {  // the choice Enter takes: drawn as selected
      ImVec2 at = ImGui::GetCursorScreenPos();
      ImGui::GetWindowDrawList()->AddRectFilled(
          at, ImVec2(at.x + ImGui::GetContentRegionAvail().x, at.y + 2 * ImGui::GetTextLineHeightWithSpacing()),
          ImGui::GetColorU32(ImGuiCol_Header));
    }
    std::string label = "/" + r.shortcut + (r.owner.empty() ? "" : std::string("  · ") + tr("personal"));
    float label_w = ImGui::CalcTextSize(label.c_str()).x;
    if (ui::selectable_text(label, "canned:" + r.shortcut) || (enter && i == s.selected)) picked = filled.text;
    if (!filled.missing.empty()) {  // on the first line, after the shortcut: what has no value yet
      ImGui::SameLine(label_w + ImGui::GetStyle().ItemSpacing.x * 3);
      ImGui::TextColored(kMissing, "%s %s", tr("No value yet:"), missing_words(filled.missing).c_str());
    }
    ImGui::Indent();
    ui::text_fit(std::string(utf8_prefix(filled.text, kPreviewBytes)), ImGui::GetContentRegionAvail().x, true);
    ImGui::Unindent();
    ImGui::PopID();
  }
  ImGui::EndChild();
  if (!picked.empty()) {
    enter = false;
    s.selected = 0;
  }
  return picked;
}

void draw_canned_screen(App& app) {
  CannedState& s = app.canned;
  const User* agent = &app.model.self();
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted(tr("Canned responses"));
  ImGui::PopFont();
  ImGui::TextWrapped("%s", tr("Type / and part of a shortcut in the composer to use one. Shared ones are the team's "
                              "(admins manage them); personal ones are yours."));
  if (!s.message.empty() && s.field.empty()) ImGui::TextColored(s.error ? kError : kSaved, "%s", s.message.c_str());

  if (ImGui::BeginTable("##canned_list", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
    ImGui::TableSetupColumn(tr("Shortcut"), ImGuiTableColumnFlags_WidthFixed, 160);
    ImGui::TableSetupColumn(tr("Text"));
    ImGui::TableSetupColumn(tr("For"), ImGuiTableColumnFlags_WidthFixed, 90);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, 150);
    ImGui::TableHeadersRow();
    for (const CannedResponse& r : s.all) {
      ImGui::PushID(r.id.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::text_fit("/" + r.shortcut, ImGui::GetContentRegionAvail().x);
      ImGui::TableNextColumn();
      ui::text_fit(canned_text(r, ""), ImGui::GetContentRegionAvail().x);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.owner.empty() ? tr("the team") : tr("you"));
      ImGui::TableNextColumn();
      if (may_edit_canned(*agent, r)) {
        if (ui::button((std::string(tr("Edit")) + "##" + r.shortcut).c_str())) edit(s, r);
        ImGui::SameLine();
        if (ui::button((std::string(tr("Delete")) + "##" + r.shortcut).c_str()))
          app.rest("canned:deleted", "DELETE", "/api/canned/" + r.id);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (s.all.empty()) ImGui::TextDisabled("%s", tr("No canned responses yet."));
  if (!s.open) {
    if (ui::button(tr("New canned response"))) {
      clear_form(s);
      s.open = true;
      s.message.clear();
    }
    return;
  }

  ImGui::Separator();
  ImGui::TextUnformatted(s.editing.empty() ? tr("New canned response") : tr("Edit canned response"));
  ImGui::TextUnformatted(tr("Shortcut"));
  ImGui::SetNextItemWidth(240);
  ImGui::InputTextWithHint("##canned_shortcut", "prices", s.shortcut, sizeof s.shortcut);
  ui::track("##canned_shortcut");
  field_error(s, "shortcut");
  const float text_w = ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted(tr("Text in English"));
  ImGui::InputTextMultiline("##canned_en", s.text_en, sizeof s.text_en, ImVec2(text_w, 80));
  ui::track("##canned_en");
  field_error(s, "texts.en");
  ImGui::TextUnformatted(tr("Text in Italian (optional)"));
  ImGui::InputTextMultiline("##canned_it", s.text_it, sizeof s.text_it, ImVec2(text_w, 80));
  ui::track("##canned_it");
  field_error(s, "texts.it");
  std::string variables;
  for (auto v : canned_variables()) variables += (variables.empty() ? "" : "  ") + ("{{" + std::string(v) + "}}");
  ImGui::TextDisabled("%s", tr("Variables:"));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", variables.c_str());

  // Preview with the open conversation's details (or none): what has no value yet is marked.
  const Conversation* open = app.model.conversation(app.selected);
  FilledCanned preview = fill_canned_text(s.text_en[0] ? s.text_en : s.text_it, CannedContext{open, agent});
  ImGui::TextDisabled("%s", open ? tr("Preview with the open conversation:") : tr("Preview:"));
  ImGui::Indent();
  draw_rich_text(app.fonts, preview.text);
  if (!preview.missing.empty())
    ImGui::TextColored(kMissing, "%s %s", tr("No value yet:"), missing_words(preview.missing).c_str());
  ImGui::Unindent();

  if (s.editing.empty() && agent->role == Role::admin) {
    ImGui::Checkbox(tr("Shared with the team"), &s.shared);
    ui::track("canned_shared");
  }
  ui::push_primary();
  bool save = ui::button(tr("Save##canned"));
  ui::pop_primary();
  ImGui::SameLine();
  if (ui::button(tr("Cancel##canned"))) clear_form(s);
  if (save) {
    s.message.clear();
    s.field.clear();
    if (s.editing.empty()) app.rest("canned:created", "POST", "/api/canned", form_body(s, true));
    else app.rest("canned:changed", "PATCH", "/api/canned/" + s.editing, form_body(s, false));
  }
}

}  // namespace agent
