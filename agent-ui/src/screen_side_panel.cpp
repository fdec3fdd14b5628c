// The side panel: deal value and currency, expected close date, person name/email/phone,
// organization name/address and notes. Checked with the core's validate_side_panel before
// update_side_panel is sent; stays editable after the conversation is closed. "Create lead" and
// the "..." menu's "Create deal" go through the REST API, which records the item on the
// conversation (the transcript then shows "Lead created - 14:32").
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app.hpp"
#include "date_picker.hpp"
#include "livechat/side_panel.hpp"
#include "livechat/validate.hpp"
#include "widgets.hpp"

namespace agent {

using namespace livechat;

namespace {

template <std::size_t N>
void copy(char (&dst)[N], const std::string& src) {
  std::snprintf(dst, N, "%s", src.c_str());
}

void load(PanelForm& f, const Conversation& c, uint64_t version) {
  const SidePanel& p = c.panel;
  f = PanelForm{};
  f.conversation = c.id;
  f.loaded_version = version;
  if (p.deal_value_cents >= 0)
    std::snprintf(f.deal_value, sizeof f.deal_value, "%lld.%02lld", static_cast<long long>(p.deal_value_cents / 100),
                  static_cast<long long>(p.deal_value_cents % 100));
  copy(f.currency, p.currency);
  copy(f.close_date, p.expected_close_date);
  copy(f.person_name, p.person_name);
  copy(f.email, p.email);
  copy(f.phone, p.phone);
  copy(f.org_name, p.organization_name);
  copy(f.org_address, p.organization_address);
  copy(f.notes, p.notes);
}

// "1234.5" -> 123450 cents; -1 for empty; false when it is not a number.
bool field(const char* label, const char* id, char* buf, std::size_t size, bool& dirty) {
  ImGui::TextDisabled("%s", label);
  ImGui::SetNextItemWidth(-1);
  bool changed = ImGui::InputText(id, buf, size);
  ui::track(id);
  dirty |= changed;
  return changed;
}

}  // namespace

void draw_side_panel(App& app, const Conversation& c) {
  PanelForm& f = app.panel;
  // Reload when another conversation is shown, or the server's panel changed and we have no edits.
  if (f.conversation != c.id || (!f.dirty && f.loaded_version != app.model.version)) load(f, c, app.model.version);

  ImGui::PushFont(app.fonts.bold);
  ImGui::TextUnformatted("Visitor details");
  ImGui::PopFont();
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - 30);
  if (ui::button("...##more")) ImGui::OpenPopup("more");
  if (ImGui::BeginPopup("more")) {
    if (ImGui::Selectable("Create deal")) app.create_item("deals");
    ui::track("Create deal");
    ImGui::EndPopup();
  }

  ImGui::TextDisabled("Deal value");
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 80);
  f.dirty |= ImGui::InputText("##deal_value", f.deal_value, sizeof f.deal_value, ImGuiInputTextFlags_CharsDecimal);
  ui::track("##deal_value");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  f.dirty |= ImGui::InputText("##currency", f.currency, sizeof f.currency, ImGuiInputTextFlags_CharsUppercase);
  ui::track("##currency");
  ImGui::TextDisabled("Expected close date (YYYY-MM-DD)");
  f.dirty |= date_field("##close_date", f.close_date, sizeof f.close_date, app.now_ms);
  ImGui::Separator();
  field("Person name", "##person_name", f.person_name, sizeof f.person_name, f.dirty);
  field("Email", "##email_field", f.email, sizeof f.email, f.dirty);
  field("Phone", "##phone", f.phone, sizeof f.phone, f.dirty);
  ImGui::Separator();
  field("Organization", "##org_name", f.org_name, sizeof f.org_name, f.dirty);
  field("Address", "##org_address", f.org_address, sizeof f.org_address, f.dirty);
  ImGui::TextDisabled("Notes");
  f.dirty |= ImGui::InputTextMultiline("##notes", f.notes, sizeof f.notes, ImVec2(-1, 80));
  ui::track("##notes");

  if (!f.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("%s", f.error.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(!f.dirty);
  ui::push_primary();
  bool save = ui::button("Save", ImVec2(100, 0));
  ui::pop_primary();
  ImGui::EndDisabled();
  if (save) {
    SidePanel p;
    if (!parse_money_cents(f.deal_value, p.deal_value_cents)) {
      f.error = "Deal value must be a number, e.g. 2500 or 2500.50";
    } else {
      p.currency = f.currency;
      p.expected_close_date = f.close_date;
      p.person_name = f.person_name;
      p.email = f.email;
      p.phone = f.phone;
      p.organization_name = f.org_name;
      p.organization_address = f.org_address;
      p.notes = f.notes;
      Status valid = validate_side_panel(p);
      if (!valid) {
        f.error = valid.error().message;
      } else {
        app.send(UpdateSidePanel{c.id, p});
        f.error.clear();
        f.dirty = false;
      }
    }
  }
  ImGui::SameLine();
  ui::push_primary();
  if (ui::button("Create lead", ImVec2(-1, 0))) app.create_item("leads");
  ui::pop_primary();

  if (!c.items.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("Created from this chat");
    for (const auto& item : c.items) {
      int kind = item.kind == ItemKind::lead ? 0 : item.kind == ItemKind::deal ? 1 : 2;
      const char* names[] = {"Lead", "Deal", "Activity"};
      std::string label = std::string(names[kind]) + " " + item.item_id + " - " + format_time(app.now_ms, item.at);
      ImGui::Bullet();
      if (ImGui::SmallButton(label.c_str())) {  // the panel links to what was created
        app.admin.crm_kind = kind;
        open_view(app, View::crm);
      }
      ui::track(("item:" + std::string(names[kind])).c_str());
    }
  }
}

}  // namespace agent
