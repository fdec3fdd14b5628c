// Admin screens, part 1c: "Try it". The open playbook runs in the dashboard with the core's own
// interpreter (playbook_run.hpp), as the visitor would meet it: the bot's messages, the buttons
// or the answer field, validation messages. "Someone is online" picks the path at the Live Chat
// card: online (the online message; "Nobody takes it" then lets the wait time run out) or
// offline (the offline message and the offline flow). Nothing is sent to the server: effects
// such as a lead to create are shown as notes, so trying creates no conversation and no record.
#include <string>

#include "admin.hpp"
#include "app.hpp"
#include "i18n.hpp"
#include "misc/cpp/imgui_stdlib.h"
#include "widgets.hpp"

namespace agent {

using namespace livechat;

namespace {

PlaybookContext context(const PlaybookPreview& p) { return {p.anyone_online, true}; }

// Adds what a step said and did to the preview's transcript.
void take(PlaybookPreview& p, const Step& step) {
  for (const auto& m : step.messages) p.lines.push_back({false, m.text});
  char buf[200];
  for (const auto& e : step.effects) {
    if (const auto* item = std::get_if<effect::CreateItem>(&e)) {
      std::string fields;
      for (const auto& [field, value] : item->fields) fields += (fields.empty() ? "" : ", ") + field + ": " + value;
      std::snprintf(buf, sizeof buf, tr("(would create a %s \"%s\"%s%s)"), std::string(item_kind_name(item->kind)).c_str(),
                    item->title.c_str(), fields.empty() ? "" : " - ", fields.c_str());
      p.lines.push_back({false, std::string("*") + buf + "*"});
    } else if (const auto* live = std::get_if<effect::RequestLiveChat>(&e)) {
      std::snprintf(buf, sizeof buf, tr("(asks for an agent, who has %d s to take the chat)"), live->wait_seconds);
      p.lines.push_back({false, std::string("*") + buf + "*"});
    }
  }
  if (step.input_error && step.messages.empty()) p.lines.push_back({false, "*" + step.input_error->message + "*"});
  p.prompt = step.prompt;
}

void reply(App& app, const std::string& text) {
  PlaybookPreview& p = app.admin.preview;
  p.lines.push_back({true, text});
  take(p, answer(app.admin.playbook, p.run, text, context(p)));
  p.input.clear();
}

}  // namespace

void restart_preview(App& app) {
  PlaybookPreview& p = app.admin.preview;
  p.run = PlaybookRun{};
  p.lines.clear();
  p.input.clear();
  take(p, start(app.admin.playbook, p.run, context(p)));
}

void draw_preview(App& app) {
  PlaybookPreview& p = app.admin.preview;
  ImGui::PushFont(app.fonts.bold);
  ImGui::TextUnformatted(tr("Try it"));
  ImGui::PopFont();
  if (ImGui::Checkbox(tr("Someone is online"), &p.anyone_online)) restart_preview(app);
  ui::track(tr("Someone is online"));
  ImGui::SameLine();
  if (ui::button(tr("Restart##preview"))) restart_preview(app);
  ImGui::SameLine();
  if (ui::button(tr("Close##preview"))) p.open = false;
  ImGui::Separator();
  for (const auto& [visitor, text] : p.lines) {
    if (visitor) {
      ImGui::TextColored(ImVec4(0.1f, 0.3f, 0.7f, 1), "%s %s", tr("Visitor:"), text.c_str());
    } else {
      draw_rich_text(app.fonts, text);
    }
  }
  ImGui::Separator();
  const Prompt& prompt = p.prompt;
  if (prompt.kind == PromptKind::buttons) {
    for (const auto& label : prompt.buttons) {
      ImGui::PushID(label.c_str());
      bool pressed = ImGui::Button(label.c_str());
      ImGui::PopID();
      ui::track(("preview:" + label).c_str());
      if (pressed) {
        reply(app, label);
        break;
      }
      ImGui::SameLine();
    }
    ImGui::NewLine();
  } else if (prompt.kind == PromptKind::free_text || prompt.kind == PromptKind::capture) {
    ImGui::SetNextItemWidth(240);
    ImGui::InputTextWithHint("##preview_answer", tr("The visitor's answer"), &p.input);
    bool enter = ImGui::IsItemFocused() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter));
    ui::track("##preview_answer");
    ImGui::SameLine();
    if ((ui::button(tr("Send##preview")) || enter) && !p.input.empty()) reply(app, p.input);
  } else if (prompt.kind == PromptKind::waiting_for_agent) {
    ImGui::TextDisabled("%s", tr("Waiting for an agent: on the site, an agent takes the chat now."));
    if (ui::button(tr("Nobody takes it"))) take(p, wait_expired(app.admin.playbook, p.run, context(p)));
  } else {
    ImGui::TextDisabled("%s", tr("The chat ended."));
  }
}

}  // namespace agent
