// The side panel: deal value and currency, expected close date, person name/email/phone,
// organization name/address and notes. Checked with the core's validate_side_panel before
// update_side_panel is sent; stays editable after the conversation is closed. "Create lead" and
// the "..." menu's "Create deal" go through the REST API, which records the item on the
// conversation (the transcript then shows "Lead created - 14:32").
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app.hpp"
#include "date_picker.hpp"
#include "i18n.hpp"
#include "livechat/side_panel.hpp"
#include "livechat/validate.hpp"
#include "widgets.hpp"

namespace agent {

using namespace livechat;

namespace {

template <std::size_t N>
void copy(char (&dst)[N], const std::string& src) {
  ui::copy_utf8(dst, N, src);
}

void load(PanelForm& f, const Conversation& c, uint64_t version) {
  const SidePanel& p = c.panel;
  f = PanelForm{};
  f.conversation = c.id;
  f.loaded_version = version;
  if (p.deal_value_cents >= 0)
    std::snprintf(f.deal_value, sizeof f.deal_value, "%lld%c%02lld", static_cast<long long>(p.deal_value_cents / 100),
                  decimal_point(), static_cast<long long>(p.deal_value_cents % 100));
  copy(f.currency, p.currency);
  copy(f.close_date, p.expected_close_date);
  copy(f.person_name, p.person_name);
  copy(f.email, p.email);
  copy(f.phone, p.phone);
  copy(f.org_name, p.organization_name);
  copy(f.org_address, p.organization_address);
  copy(f.notes, p.notes);
}

// The message next to a field: why a key was refused, or why the panel was not saved.
void field_error(const PanelForm& f, const char* name) {
  const std::string& text = f.refused_field == name ? f.refused : f.error_field == name ? f.error : std::string();
  if (text.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.70f, 0.08f, 0.08f, 1));  // 6.5:1 on white
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

// The core's validation error in plain words, for the field it names.
std::string plain_words(const Error& e) {
  if (e.field == "deal_value_cents")
    return e.message.find("negative") != std::string::npos ? tr("Deal value can't be negative.") : tr("Deal value is too large.");
  if (e.field == "currency")
    return e.message.find("needs") != std::string::npos ? tr("Add the currency of the deal value, e.g. EUR.")
                                                         : tr("Currency is a three-letter code, e.g. EUR.");
  if (e.field == "expected_close_date") return tr("Write the date as YYYY-MM-DD (e.g. 2026-12-31), or pick it.");
  if (e.field == "email") return tr("This email address doesn't look right (e.g. name@example.com).");
  if (e.field == "phone") return tr("This phone number doesn't look right (e.g. +39 02 1234567).");
  std::string m = e.message;  // text too long or not UTF-8: the core's words
  if (!m.empty()) m[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(m[0])));
  return m + ".";
}

// Filters keys for the deal value and the currency, saying why a key is refused.
int refuse_keys(ImGuiInputTextCallbackData* data) {
  auto* f = static_cast<PanelForm*>(data->UserData);
  bool money = (data->Flags & ImGuiInputTextFlags_CharsUppercase) == 0;
  ImWchar c = data->EventChar;
  const char* why = nullptr;
  if (money && c == '-') why = tr("Deal value can't be negative.");
  else if (money && !((c >= '0' && c <= '9') || c == '.' || c == ','))
    why = tr("Deal value takes digits and a decimal point, e.g. 2500.50.");
  else if (!money && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) why = tr("Currency is three letters, e.g. EUR.");
  if (!why) {
    f->refused.clear();
    return 0;
  }
  f->refused = why;
  f->refused_field = money ? "deal_value_cents" : "currency";
  return 1;
}

bool field(const PanelForm& f, const char* label, const char* id, const char* name, char* buf, std::size_t size,
           bool& dirty) {
  ImGui::TextDisabled("%s", label);
  ImGui::SetNextItemWidth(-1);
  bool changed = ImGui::InputText(id, buf, size);
  ui::track(id);
  field_error(f, name);
  dirty |= changed;
  return changed;
}

}  // namespace

void draw_side_panel(App& app, const Conversation& c) {
  PanelForm& f = app.panel;
  // Reload when another conversation is shown, or the server's panel changed and we have no edits.
  if (f.conversation != c.id || (!f.dirty && f.loaded_version != app.model.version)) load(f, c, app.model.version);

  ImGui::PushFont(app.fonts.bold);
  ImGui::TextUnformatted(tr("Visitor details"));
  ImGui::PopFont();
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - 30);
  if (ui::button("...##more")) ImGui::OpenPopup("more");
  if (ImGui::BeginPopup("more")) {
    if (ImGui::Selectable(tr("Create deal"))) app.create_item("deals");
    ui::track(tr("Create deal"));
    ImGui::EndPopup();
  }

  ImGui::TextDisabled("%s", tr("Deal value"));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 80);
  f.dirty |= ImGui::InputText("##deal_value", f.deal_value, sizeof f.deal_value, ImGuiInputTextFlags_CallbackCharFilter,
                               refuse_keys, &f);
  ui::track("##deal_value");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  f.dirty |= ImGui::InputText("##currency", f.currency, sizeof f.currency,
                               ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CallbackCharFilter, refuse_keys, &f);
  ui::track("##currency");
  field_error(f, "deal_value_cents");
  field_error(f, "currency");
  ImGui::TextDisabled("%s", tr("Expected close date (YYYY-MM-DD)"));
  f.dirty |= date_field("##close_date", f.close_date, sizeof f.close_date, app.now_ms);
  field_error(f, "expected_close_date");
  ImGui::Separator();
  field(f, tr("Person name"), "##person_name", "person_name", f.person_name, sizeof f.person_name, f.dirty);
  field(f, tr("Email"), "##email_field", "email", f.email, sizeof f.email, f.dirty);
  field(f, tr("Phone"), "##phone", "phone", f.phone, sizeof f.phone, f.dirty);
  ImGui::Separator();
  field(f, tr("Organization"), "##org_name", "organization_name", f.org_name, sizeof f.org_name, f.dirty);
  field(f, tr("Address"), "##org_address", "organization_address", f.org_address, sizeof f.org_address, f.dirty);
  ImGui::TextDisabled("%s", tr("Notes"));
  f.dirty |= ImGui::InputTextMultiline("##notes", f.notes, sizeof f.notes, ImVec2(-1, 80));
  ui::track("##notes");
  field_error(f, "notes");
  ImGui::BeginDisabled(!f.dirty);
  ui::push_primary();
  bool save = ui::button(tr("Save"), ImVec2(100, 0));
  ui::pop_primary();
  ImGui::EndDisabled();
  if (save) {
    SidePanel p;
    f.refused.clear();
    if (!parse_money_cents(f.deal_value, p.deal_value_cents, decimal_point())) {
      f.error = f.deal_value[0] == '-' ? tr("Deal value can't be negative.") : tr("Deal value must be a number, e.g. 2500 or 2500.50.");
      f.error_field = "deal_value_cents";
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
        f.error = plain_words(valid.error());
        f.error_field = valid.error().field;
      } else {
        app.send(UpdateSidePanel{c.id, p});
        f.error.clear();
        f.error_field.clear();
        f.dirty = false;
      }
    }
  }
  ImGui::SameLine();
  ui::push_primary();
  if (ui::button(tr("Create lead"), ImVec2(-1, 0))) app.create_item("leads");
  ui::pop_primary();

  if (!c.items.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr("Created from this chat"));
    for (const auto& item : c.items) {
      int kind = item.kind == ItemKind::lead ? 0 : item.kind == ItemKind::deal ? 1 : 2;
      const char* names[] = {N_("Lead"), N_("Deal"), N_("Activity")};  // tracked in English: "item:Lead"
      std::string label = std::string(tr(names[kind])) + " - " + format_time(app.now_ms, item.at) + "##" + item.item_id;
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
