// The conversation view: header (visitor, state, "Assign to me", the reassign dropdown in the
// top-right corner, "Close conversation" with confirmation), the transcript (bot, visitor and
// agent messages as rich text; system rows such as "Anna Rossi joined", "Lead created - 14:32"),
// and the composer (Enter sends, Shift+Enter starts a new line). Closed chats are read-only.
// Private notes: on a pale yellow card marked "Private note"; the composer's "Private note" tab
// writes one (the only composer on a chat in Unassigned, where every user may leave a note).
// What is allowed is the core's: the buttons ask decide() or its queries (may_write, may_reassign,
// may_close in rules.hpp) first, so a refused action is disabled or hidden here, never re-derived.
#include <algorithm>

#include "app.hpp"
#include "bidi.hpp"
#include "i18n.hpp"
#include "input.hpp"
#include "livechat/rules.hpp"
#include "livechat/validate.hpp"
#include "platform.hpp"
#include "widgets.hpp"

namespace agent {

using namespace livechat;

namespace {

// Would the server accept this from me now? (The same rules, run locally.)
Status allowed(const App& app, const Command& command) {
  auto d = decide(app.model.state, command, Actor{Actor::Kind::agent, app.model.me.id}, static_cast<TimeMs>(app.now_ms));
  if (!d) return d.error();
  return ok_status();
}

std::string system_row(const App& app, const Message& m) {
  const Model& model = app.model;
  std::string when = format_time(app.now_ms, m.at);
  switch (m.note) {
    case SystemNote::live_chat_requested: return tr("The visitor asked for a human - waiting in Unassigned");
    case SystemNote::wait_expired: return tr("Nobody took the chat within the wait time - missed");
    case SystemNote::joined: return format(tr("%s joined"), model.user_name(m.subject).c_str());
    case SystemNote::reassigned: return format(tr("Reassigned to %s"), model.user_name(m.subject).c_str());
    case SystemNote::unassigned: return format(tr("%s moved the chat to Unassigned"), model.user_name(m.subject).c_str());
    case SystemNote::lead_created: return format(tr("Lead created - %s"), when.c_str());
    case SystemNote::deal_created: return format(tr("Deal created - %s"), when.c_str());
    case SystemNote::activity_created: return format(tr("Activity created - %s"), when.c_str());
    case SystemNote::closed:
      return m.subject.empty() ? format(tr("Closed by the chatbot - %s"), when.c_str())
                               : format(tr("Closed by %s - %s"), model.user_name(m.subject).c_str(), when.c_str());
    case SystemNote::none: break;
  }
  return m.text;
}

void draw_header(App& app, const Conversation& c) {
  std::string name = visitor_display_name(c);
  // The actions take the top-right corner and the name and status the rest, each cut to its width
  // with the full text on hover. When the pane is too narrow for both, the actions get rows of
  // their own above the name: nothing overlaps at any width.
  const bool mine = may_reassign(c, app.model.me.id).ok();  // the core says whether the actions are shown
  float actions_w = mine ? 460 : c.phase == Phase::unassigned ? 270 : 0;
  int action_rows = mine ? 1 : c.phase == Phase::unassigned ? 2 : 0;
  float avail = ImGui::GetContentRegionAvail().x, top = ImGui::GetCursorPosY();
  bool stacked = actions_w > 0 && avail - actions_w < 260;
  float text_w = stacked ? avail : avail - actions_w - 12;
  if (stacked) ImGui::SetCursorPosY(top + action_rows * ImGui::GetFrameHeightWithSpacing());
  ImGui::PushFont(app.fonts.large);
  ui::text_fit(bidi::visual(name), text_w);
  ui::track("header:name");
  ImGui::PopFont();
  std::string status_line =
      c.phase == Phase::closed       ? format(tr("Closed %s - read only"), format_time(app.now_ms, c.closed_at).c_str())
      : c.phase == Phase::assigned   ? format(tr("Assigned to %s"), app.model.user_name(c.assignee).c_str())
      : c.phase == Phase::unassigned ? std::string(c.missed ? tr("Unassigned - missed") : tr("Unassigned"))
                                     : std::string(c.missed ? tr("With the chatbot - missed") : tr("With the chatbot"));
  ui::text_fit(status_line, text_w, true);
  float below_text = ImGui::GetCursorPosY();

  // Top-right corner: the actions (from the pane's left edge when it is narrower than they are).
  float right = ImGui::GetWindowContentRegionMax().x;
  float actions_x = std::max(ImGui::GetWindowContentRegionMin().x, right - 460);
  ImGui::SetCursorPos(ImVec2(actions_x, top));
  ImGui::BeginGroup();
  if (c.phase == Phase::unassigned) {
    Status ok = allowed(app, AssignToMe{c.id});
    ImGui::SetCursorPosX(right - 140);
    ImGui::BeginDisabled(!ok.ok());
    ui::push_primary();
    if (ui::button(tr("Assign to me"), ImVec2(140, 0))) app.send(AssignToMe{c.id});
    ui::pop_primary();
    ImGui::EndDisabled();
    if (!ok.ok()) {
      ImGui::SetCursorPosX(right - 260);
      ImGui::TextDisabled("%s", app.model.online() ? ok.error().message.c_str() : tr("Go online to take chats"));
    }
  } else if (mine) {
    ImGui::SetCursorPosX(actions_x);
    ImGui::SetNextItemWidth(std::min(240.0f, right - actions_x - 200 - ImGui::GetStyle().ItemSpacing.x));
    std::string current = format(tr("Assigned to: %s"), app.model.user_name(c.assignee).c_str());
    if (ImGui::BeginCombo("##reassign", current.c_str())) {
      if (ImGui::Selectable(tr("Unassigned"))) app.send(Reassign{c.id, ""});
      ui::track((std::string("reassign:") + tr("Unassigned")).c_str());
      for (const auto& [id, u] : app.model.state.users) {
        if (id == app.model.me.id) continue;
        ImGui::PushID(id.c_str());
        if (ui::selectable_text(u.available() ? format(tr("%s  (online)"), u.name.c_str()) : u.name, "reassign:" + u.name))
          app.send(Reassign{c.id, id});
        ImGui::PopID();
      }
      ImGui::EndCombo();
    }
    ui::track("reassign");
    ImGui::SameLine();
    ImGui::BeginDisabled(!may_close(c, app.model.me.id).ok());
    if (ui::button(tr("Close conversation"), ImVec2(200, 0))) ImGui::OpenPopup(tr("Close conversation?"));
    ImGui::EndDisabled();
  }
  ImGui::EndGroup();
  float below_actions = ImGui::GetCursorPosY();
  if (ImGui::BeginPopupModal(tr("Close conversation?"), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(tr("A closed conversation can never be reopened."));
    ImGui::TextDisabled("%s", tr("Its side panel stays editable and leads and deals can still be created."));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.15f, 0.15f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    if (ui::button(tr("Close it"), ImVec2(120, 0))) {
      app.send(CloseConversation{c.id});
      ImGui::CloseCurrentPopup();
    }
    ImGui::PopStyleColor(2);
    ImGui::SameLine();
    if (ui::button(tr("Cancel"), ImVec2(120, 0))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::SetCursorPosY((below_text > below_actions ? below_text : below_actions) + 4);
  ImGui::Separator();
}

// A private note: on a pale yellow card marked "Private note", so nobody mistakes it for
// something the visitor read.
const ImU32 kNoteFill = IM_COL32(255, 244, 196, 255), kNoteEdge = IM_COL32(222, 190, 90, 255);

void draw_note(App& app, const Message& m) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);  // the text over the card drawn after it
  ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::Indent(8);
  ImGui::Dummy(ImVec2(0, 2));
  ImGui::PushFont(app.fonts.bold);
  ImGui::TextColored(ImVec4(0.55f, 0.4f, 0.0f, 1), "%s", tr("Private note"));
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("%s - %s", app.model.user_name(m.author_id).c_str(), format_time(app.now_ms, m.at).c_str());
  ImGui::PushTextWrapPos(ImGui::GetContentRegionMax().x - 8);
  draw_rich_text(app.fonts, m.text);
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, 2));
  ImGui::Unindent(8);
  ImVec2 bottom(top.x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y);
  draw->ChannelsSetCurrent(0);
  draw->AddRectFilled(top, bottom, kNoteFill, 4);
  draw->AddRect(top, bottom, kNoteEdge, 4);
  draw->ChannelsMerge();
  ImGui::Spacing();
}

void draw_message(App& app, const Conversation& c, const Message& m) {
  if (m.author == Author::system) {
    std::string row = system_row(app, m);
    float w = ImGui::CalcTextSize(row.c_str()).x;
    float avail = ImGui::GetContentRegionAvail().x;
    if (w < avail) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - w) / 2);
    ImGui::TextDisabled("%s", row.c_str());
    // Lead/deal/activity rows lead to the CRM lists.
    int kind = m.note == SystemNote::lead_created ? 0 : m.note == SystemNote::deal_created ? 1
               : m.note == SystemNote::activity_created ? 2 : -1;
    if (kind >= 0 && ImGui::IsItemHovered()) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::SetTooltip("%s", tr("Open it in the CRM"));
    }
    if (kind >= 0 && ImGui::IsItemClicked()) {
      app.admin.crm_kind = kind;
      open_view(app, View::crm);
    }
    return;
  }
  if (m.author == Author::note) return draw_note(app, m);
  std::string who = m.author == Author::bot     ? tr("Chatbot")
                    : m.author == Author::agent ? app.model.user_name(m.author_id)
                                                : visitor_display_name(c);
  ImVec4 color = m.author == Author::visitor ? ImVec4(0.05f, 0.45f, 0.25f, 1)
                 : m.author == Author::agent ? ImVec4(0.15f, 0.35f, 0.75f, 1)
                                             : ImVec4(0.45f, 0.35f, 0.6f, 1);
  ImGui::PushFont(app.fonts.bold);
  ImGui::TextColored(color, "%s", who.c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("%s", format_time(app.now_ms, m.at).c_str());
  ImGui::Indent(8);
  if (m.author == Author::visitor) {
    bidi::draw_wrapped(m.text);
  } else {
    draw_rich_text(app.fonts, m.text);
  }
  ImGui::Unindent(8);
  ImGui::Spacing();
}

// While the composer is active, input.cpp owns Enter (read from the key event, see input.hpp):
// Shift+Enter arrives as a '\n' character, a plain Enter as a send request taken here. The
// active field keeps its own copy of the text, so a send empties it through the callback.
struct ComposerSend {
  bool requested = false;  // Enter asked to send this frame
  bool taken = false;      // the callback took the text out of the active field
  std::string text;
  std::string replace;     // a canned response picked: it replaces the field's text
  bool replaced = false;
};

int take_for_sending(ImGuiInputTextCallbackData* data) {
  auto* send = static_cast<ComposerSend*>(data->UserData);
  if (send->requested && !send->taken) {
    send->text.assign(data->Buf, static_cast<std::size_t>(data->BufTextLen));
    send->taken = true;
    data->DeleteChars(0, data->BufTextLen);
  }
  if (!send->replace.empty() && !send->replaced) {
    data->DeleteChars(0, data->BufTextLen);
    data->InsertChars(0, send->replace.c_str());
    send->replaced = true;
  }
  return 0;
}

// The composer writes a reply (the assignee) or a private note (anyone who sees the chat):
// two tabs when both are allowed, the note alone when only it is.
void draw_composer(App& app, const Conversation& c, bool may_reply) {
  const bool note_mode = app.note_mode || !may_reply;  // the tab chosen, or the only one there is
  if (may_reply) {
    auto tab = [&](const char* label, bool note) {
      bool on = app.note_mode == note;
      if (on) ui::push_primary();
      if (ui::button(label, ImVec2(0, 0))) {
        app.note_mode = note;
        app.focus_composer = true;
      }
      if (on) ui::pop_primary();
    };
    tab(tr("Reply"), false);
    ImGui::SameLine();
    tab(tr("Private note"), true);
    if (note_mode) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", tr("Only your colleagues see notes; @Name notifies them"));
    }
  }
  if (may_reply && app.focus_when_mine == c.id) {  // taken with Alt+A: now the reply composer
    app.focus_when_mine.clear();
    app.focus_composer = true;
  }
  if (app.focus_composer) {
    ImGui::SetKeyboardFocusHere();
    app.focus_composer = false;
  }
  ComposerSend send;
  send.requested = input::take_send_request();
  send.replace = std::string(utf8_prefix(draw_canned_suggestions(app, c, send.requested), kMaxMessageBytes));
  if (note_mode) ImGui::PushStyleColor(ImGuiCol_FrameBg, kNoteFill);
  ImGui::InputTextMultiline("##composer", app.composer, sizeof app.composer, ImVec2(-110, 70),
                            ImGuiInputTextFlags_CallbackAlways, take_for_sending, &send);
  if (note_mode) ImGui::PopStyleColor();
  input::composer_drawn(ImGui::IsItemActive());
  ui::track("##composer");
  ImGui::SameLine();
  ui::push_primary();
  send.requested |= ui::button(note_mode ? tr("Add note") : tr("Send"), ImVec2(100, 70));
  ui::pop_primary();
  if (send.requested && !send.taken) {  // the field is not active: its buffer is ours
    send.text = app.composer;
    app.composer[0] = 0;
  }
  if (!send.replace.empty() && !send.replaced) {  // picked with a click: the field is not active
    ui::copy_utf8(app.composer, sizeof app.composer, send.replace);
    app.focus_composer = true;
  }
  // Typing indicator for the visitor: on while the composer holds a reply, off once sent or
  // emptied; never while writing a note (the visitor must not even learn one is being written).
  bool typing_now = app.composer[0] != 0 && !send.requested && !note_mode;
  if (typing_now != (app.typing_in == c.id)) {
    platform::ws_send(app.model.typing_frame(c.id, typing_now));
    app.typing_in = typing_now ? c.id : std::string();
  }
  if (send.requested) {
    std::string text = send.text;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty() && note_mode) app.send(PostNote{c.id, text, app.model.next_client_id()});
    else if (!text.empty()) app.send(SendMessage{c.id, text, app.model.next_client_id()});
    app.focus_composer = !send.taken;  // after the Send button: back to typing
  }
}

}  // namespace

void draw_conversation(App& app, const Conversation& c) {
  draw_header(app, c);
  bool mine_open = may_write(c, Actor{Actor::Kind::agent, app.model.me.id}).ok();
  bool may_note = allowed(app, PostNote{c.id, "x", ""}).ok();
  const ImGuiStyle& style = ImGui::GetStyle();
  float tabs_h = mine_open && may_note ? ImGui::GetFrameHeight() + style.ItemSpacing.y : 0;
  float composer_h =
      mine_open || may_note ? 70 + style.ItemSpacing.y * 2 + tabs_h + canned_suggestions_height(app) : 0;
  float typing_h = ImGui::GetTextLineHeightWithSpacing();
  ImGui::BeginChild("##transcript", ImVec2(0, -(composer_h + typing_h)), false);
  static std::string last_id;
  static std::size_t last_count = 0;
  for (std::size_t i = 0; i < c.messages.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    draw_message(app, c, c.messages[i]);
    ImGui::PopID();
  }
  if (last_id != c.id || last_count != c.messages.size()) ImGui::SetScrollHereY(1.0f);
  last_id = c.id;
  last_count = c.messages.size();
  ImGui::EndChild();
  if (auto t = app.model.typing.find(c.id); t != app.model.typing.end() && c.phase != Phase::closed)
    // The server names the visitor "visitor" (docs/protocol.md says their name or ""): show the name.
    ImGui::TextDisabled(tr("%s is typing..."),
                        t->second.empty() || t->second == "visitor" ? visitor_display_name(c).c_str() : t->second.c_str());
  else
    ImGui::Dummy(ImVec2(0, ImGui::GetTextLineHeight()));
  if (mine_open || may_note) draw_composer(app, c, mine_open);
}

}  // namespace agent
