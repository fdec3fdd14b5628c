// The Live Chat inbox: folders on the left (Unassigned with its count, My conversations,
// Closed), the selected folder's list (ImGui's list clipper: only visible rows are drawn), the
// online switch and the signed-in agent in the bottom-left corner; the conversation and its side
// panel to the right. The folders are the core's inbox_for(): a chat assigned to someone else is
// in none of them.
#include <cstdio>

#include "app.hpp"
#include "bidi.hpp"
#include "i18n.hpp"
#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"
#include "widgets.hpp"

namespace agent {

using namespace livechat;

namespace {

constexpr float kLeftWidth = 310;
constexpr float kPanelWidth = 340;
constexpr float kBottomHeight = 104;

const std::vector<InboxRow>& rows_of(const Inbox& inbox, Folder f) {
  return f == Folder::unassigned ? inbox.unassigned : f == Folder::mine ? inbox.mine : inbox.closed;
}

std::string countdown(double now_ms, int64_t deadline) {
  double left = (static_cast<double>(deadline) - now_ms) / 1000.0;
  if (left < 0) left = 0;
  int s = static_cast<int>(left);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", s / 60, s % 60);
  return buf;
}

// `text` cut (at a UTF-8 boundary, with "...") so that it fits in `width` pixels.
std::string fit(std::string text, float width) {
  text.resize(utf8_prefix(text, 200).size());
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  while (!text.empty()) {
    text.resize(utf8_prefix(text, text.size() - 1).size());  // one character less
    if (ImGui::CalcTextSize((text + "...").c_str()).x <= width) break;
  }
  return text + "...";
}

// The online switch: a pill toggle. Returns true when clicked.
bool online_switch(bool on) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = 44, h = 24;
  bool clicked = ImGui::InvisibleButton("##online_switch", ImVec2(w, h));
  ui::track("online switch");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 bg = on ? IM_COL32(40, 167, 69, 255) : IM_COL32(170, 170, 178, 255);
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg, h / 2);
  float cx = on ? p.x + w - h / 2 : p.x + h / 2;
  dl->AddCircleFilled(ImVec2(cx, p.y + h / 2), h / 2 - 3, IM_COL32(255, 255, 255, 255));
  return clicked;
}

// The Closed folder is paged: its count is what has been loaded, with a "+" while older pages
// remain (counting a year of chats would read them all).
void draw_folder_tabs(App& app, const Inbox& inbox) {
  const std::size_t closed = app.model.closed_folder().size();
  struct Tab {
    Folder folder;
    const char* name;
    std::size_t count;
  } tabs[] = {{Folder::unassigned, tr("Unassigned"), inbox.unassigned.size()},
              {Folder::mine, tr("My conversations"), inbox.mine.size()},
              {Folder::closed, tr("Closed"), closed}};
  for (const auto& t : tabs) {
    char label[96];
    if (t.folder == Folder::unassigned)
      std::snprintf(label, sizeof label, "%s (%zu)##folder", t.name, t.count);
    else
      std::snprintf(label, sizeof label, "%s##folder", t.name);
    if (ui::selectable(label, app.folder == t.folder, t.name)) {
      app.folder = t.folder;
      app.view = View::inbox;
    }
    if (t.folder != Folder::unassigned) {  // the count, right-aligned
      char count[24];
      const bool more = t.folder == Folder::closed && !app.model.closed.done;
      std::snprintf(count, sizeof count, more ? "%zu+" : "%zu", t.count);
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(count).x - 4);
      ImGui::TextDisabled("%s", count);
    }
  }
}

void draw_row(App& app, const InboxRow& row) {
  ++app.rows_drawn;
  const float h = ImGui::GetTextLineHeightWithSpacing() * 2 + 8;
  const std::string& name = row.visitor_name;  // the core's visitor_display_name
  ImVec2 start = ImGui::GetCursorPos();
  ImGui::PushID(row.id.c_str());
  if (ImGui::Selectable("##row", app.selected == row.id, 0, ImVec2(0, h))) {
    app.open_conversation(row.id);
    app.focus_composer = true;
  }
  ui::track(("row:" + name).c_str());
  ImGui::PopID();
  ImVec2 end = ImGui::GetCursorPos();
  float right = ImGui::GetContentRegionAvail().x;
  ImGui::SetCursorPos(ImVec2(start.x + 4, start.y + 3));
  std::string when = row.closed_at ? format_time(app.now_ms, row.closed_at) : format_time(app.now_ms, row.last_at);
  ImGui::PushFont(app.fonts.bold);
  ui::text_fit(bidi::visual(name), right - ImGui::CalcTextSize(when.c_str()).x - 16);
  ImGui::PopFont();
  ImGui::SameLine(right - ImGui::CalcTextSize(when.c_str()).x);
  ImGui::TextDisabled("%s", when.c_str());
  ImGui::SetCursorPos(ImVec2(start.x + 4, start.y + 3 + ImGui::GetTextLineHeightWithSpacing()));
  std::string preview = to_plain_text(row.last_message);
  for (auto& ch : preview)
    if (ch == '\n') ch = ' ';
  std::string mark;
  if (app.folder == Folder::unassigned && row.missed) {
    mark = tr("Missed");
  } else if (app.folder == Folder::unassigned && row.wait_deadline) {
    mark = countdown(app.now_ms, row.wait_deadline);
    app.countdown_shown = app.countdown_shown || row.wait_deadline > app.now_ms;
  }
  preview = fit(preview, right - ImGui::CalcTextSize(mark.c_str()).x - 16);
  ImGui::TextDisabled("%s", preview.c_str());
  if (!mark.empty()) {
    ImGui::SameLine(right - ImGui::CalcTextSize(mark.c_str()).x);
    ImGui::TextColored(row.missed ? ImVec4(0.8f, 0.1f, 0.1f, 1) : ImVec4(0.85f, 0.45f, 0.0f, 1), "%s", mark.c_str());
  }
  ImGui::SetCursorPos(end);
  ImGui::Separator();
}

// Below the Closed folder's rows: what the next page is doing, in plain words. Asks for the next
// page once the list is scrolled to its end (an empty list is at its end).
void draw_closed_status(App& app) {
  auto& pages = app.model.closed;
  if (!pages.error.empty()) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", pages.error.c_str());
    if (ui::button(tr("Try again##closed"))) {
      pages.error.clear();
      app.load_closed_page();
    }
  } else if (pages.loading) {
    ImGui::TextDisabled("%s", tr("Loading older conversations..."));
  } else if (pages.done) {
    if (!app.model.closed_folder().empty()) ImGui::TextDisabled("%s", tr("No older conversations."));
  } else if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4) {
    app.load_closed_page();
  }
}

// The search box above the folders: Enter searches closed chats or CRM records.
void draw_search_box(App& app) {
  static const char* const kinds[] = {"Chats", "People", "Organizations", "Leads", "Deals"};
  ImGui::SetNextItemWidth(-112);
  bool enter = ImGui::InputTextWithHint("##search", tr("Search..."), app.search, sizeof app.search,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
  ui::track("search");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  bool open = ImGui::BeginCombo("##search_kind", tr(kinds[app.search_kind]));
  ui::track("search kind");
  if (open) {
    for (int i = 0; i < 5; ++i) {
      if (ImGui::Selectable(tr(kinds[i]), app.search_kind == i)) {
        app.search_kind = i;
        enter = app.search[0] != 0;
      }
      ui::track((std::string("kind:") + kinds[i]).c_str());
    }
    ImGui::EndCombo();
  }
  if (enter) app.run_search(false);
}

// The results in place of the folder's list. A chat opens in the middle; a record shows its card.
void draw_search_results(App& app) {
  ImGui::Text(tr("Results for \"%s\""), app.searched.c_str());
  const char* clear = tr("Clear##search");
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(clear, nullptr, true).x -
                  ImGui::GetStyle().FramePadding.x * 2);
  if (ui::button(clear)) {
    app.searched.clear();
    app.search[0] = 0;
    return;
  }
  ImGui::Separator();
  int i = 0;
  for (const auto& r : app.search_results) {
    std::string kind = r.value("kind", std::string()), id = r.value("id", std::string());
    bool chat = kind == "conversation";
    std::string title = chat ? r.value("visitor_name", std::string()) : r.value("name", std::string());
    for (auto& ch : title)
      if (ch == '\n') ch = ' ';
    std::string detail = chat ? r.value("snippet", std::string()) : r.value("email", std::string());
    if (!chat && detail.empty()) detail = r.value("organization", std::string());
    for (auto& ch : detail)
      if (ch == '\n') ch = ' ';
    ImGui::PushID(i++);
    const float h = ImGui::GetTextLineHeightWithSpacing() * 2 + 8;
    ImVec2 start = ImGui::GetCursorPos();
    bool open = app.selected == id || (app.record.is_object() && app.record.value("id", std::string()) == id);
    if (ImGui::Selectable("##result", open, 0, ImVec2(0, h))) {
      if (chat) {
        app.folder = Folder::closed;
        app.open_conversation(id);
      } else {
        app.record = r;
        app.selected.clear();
        app.view = View::inbox;
      }
    }
    ui::track(("result:" + title).c_str());
    ImGui::PopID();
    ImVec2 end = ImGui::GetCursorPos();
    float right = ImGui::GetContentRegionAvail().x;
    ImGui::SetCursorPos(ImVec2(start.x + 4, start.y + 3));
    ImGui::PushFont(app.fonts.bold);
    ui::text_fit(bidi::visual(title), right - 8);
    ImGui::PopFont();
    ImGui::SetCursorPos(ImVec2(start.x + 4, start.y + 3 + ImGui::GetTextLineHeightWithSpacing()));
    ImGui::TextDisabled("%s", fit(detail, right - 8).c_str());
    ImGui::SetCursorPos(end);
    ImGui::Separator();
  }
  if (!app.search_error.empty()) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", app.search_error.c_str());
  } else if (app.search_loading) {
    ImGui::TextDisabled("%s", tr("Searching..."));
  } else if (app.search_results.empty()) {
    ImGui::TextDisabled("%s", tr("Nothing found."));
  } else if (!app.search_next.empty() && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4) {
    app.run_search(true);
  }
}

// A CRM record opened from the search results.
void draw_record(App& app) {
  const auto& r = app.record;
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted(r.value("name", std::string()).c_str());
  ImGui::PopFont();
  ImGui::TextDisabled("%s", tr(r.value("kind", std::string()) == "person" ? "Person" : r.value("kind", std::string()) == "organization" ? "Organization" : r.value("kind", std::string()) == "deal" ? "Deal" : "Lead"));
  ImGui::Separator();
  for (auto [label, key] : {std::pair{"Email", "email"}, std::pair{"Phone", "phone"}, std::pair{"Organization", "organization"}}) {
    std::string value = r.value(key, std::string());
    if (value.empty()) continue;
    ImGui::TextDisabled("%s", tr(label));
    ImGui::TextWrapped("%s", value.c_str());
  }
  if (ui::button(tr("Close##record"))) app.record = nullptr;
}

// The screens besides the inbox: playbooks and users for admins only, CRM for everyone.
void draw_nav(App& app) {
  struct Item {
    View view;
    const char* label;
    bool admin_only;
  } items[] = {{View::inbox, tr("Inbox"), false}, {View::playbooks, tr("Playbooks"), true},
               {View::users, tr("Users"), true}, {View::crm, tr("CRM"), false},
               {View::canned, tr("Canned responses"), false}};
  bool first = true;
  for (const auto& it : items) {
    if (it.admin_only && !app.model.is_admin()) continue;
    if (!first) ImGui::SameLine();
    first = false;
    bool on = app.view == it.view;
    if (on) ui::push_primary();
    if (ui::button(it.label)) open_view(app, it.view);
    if (on) ui::pop_primary();
  }
  if (!app.model.is_admin() && (app.view == View::playbooks || app.view == View::users)) app.view = View::inbox;
  ImGui::Separator();
}

// Which desktop notifications the agent wants; stored on the server (set_notification_settings).
void draw_notification_settings(App& app) {
  if (!ImGui::BeginPopup("notification settings")) return;
  NotificationSettings n = app.model.self().notifications;
  bool changed = false;
  ImGui::TextUnformatted(tr("Notify me when"));
  changed |= ImGui::Checkbox(tr("a new chat enters Unassigned"), &n.new_unassigned);
  ui::track("notify:new_unassigned");
  changed |= ImGui::Checkbox(tr("a chat is assigned to me"), &n.assigned_to_me);
  ui::track("notify:assigned_to_me");
  changed |= ImGui::Checkbox(tr("a visitor writes in my chat"), &n.new_message);
  ui::track("notify:new_message");
  if (changed) app.send(SetNotificationSettings{n});
  ImGui::EndPopup();
}

void draw_bottom(App& app);

void draw_left(App& app) {
  const Inbox& inbox = app.model.inbox();
  ImGui::BeginChild("##left", ImVec2(kLeftWidth, 0), true);
  ImGui::PushFont(app.fonts.large);
  ImGui::TextUnformatted("Live Chat");
  ImGui::PopFont();
  ImGui::SameLine(ImGui::GetContentRegionMax().x - 100);
  ui::language_picker(100);
  draw_nav(app);
  draw_search_box(app);
  const bool closed = app.folder == Folder::closed;
  const auto& rows = closed ? app.model.closed_folder() : rows_of(inbox, app.folder);
  draw_folder_tabs(app, inbox);
  ImGui::Separator();

  ImGui::BeginChild("##list", ImVec2(0, -kBottomHeight), false);
  if (!app.searched.empty()) {
    draw_search_results(app);
    ImGui::EndChild();
    draw_bottom(app);
    return;
  }
  if (rows.empty() && (!closed || app.model.closed.done)) ImGui::TextDisabled("%s", tr("No conversations here."));
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()), ImGui::GetTextLineHeightWithSpacing() * 2 + 8 +
                                                   ImGui::GetStyle().ItemSpacing.y * 2 + 1);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) draw_row(app, rows[static_cast<std::size_t>(i)]);
  if (closed) draw_closed_status(app);
  ImGui::EndChild();
  draw_bottom(app);
}

// Bottom-left corner: the online switch, who is signed in, sign out. Ends the left column.
void draw_bottom(App& app) {
  ImGui::Separator();
  bool on = app.model.online();
  if (online_switch(on)) app.send(SetOnline{!on});
  ImGui::SameLine();
  ImGui::TextColored(on ? ImVec4(0.1f, 0.55f, 0.2f, 1) : ImVec4(0.4f, 0.4f, 0.45f, 1), "%s",
                     on ? tr("Online") : tr("Offline"));
  ImGui::SameLine();
  ImGui::TextDisabled("- %s%s", app.model.self().name.c_str(), app.model.is_admin() ? tr(" (admin)") : "");
  if (ui::button(tr("Notifications"))) ImGui::OpenPopup("notification settings");
  draw_notification_settings(app);
  ImGui::SameLine();
  if (ui::button(tr("Sign out"))) app.sign_out();
  ImGui::EndChild();
}

}  // namespace

void draw_inbox(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##inbox", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                       ImGuiWindowFlags_NoBringToFrontOnFocus);
  draw_left(app);
  ImGui::SameLine();
  const Conversation* c = app.model.conversation(app.selected);
  if (!c && app.selected != app.fetching) app.selected.clear();
  if (!app.model.connected) {
    ImGui::BeginChild("##offline_note", ImVec2(0, 0), true);
    ImGui::TextDisabled("%s", tr("Reconnecting..."));
    ImGui::EndChild();
  } else if (app.view != View::inbox) {
    ImGui::BeginChild("##admin", ImVec2(0, 0), true);
    if (app.view == View::playbooks) draw_playbooks(app);
    if (app.view == View::users) draw_users(app);
    if (app.view == View::crm) draw_crm(app);
    if (app.view == View::canned) draw_canned_screen(app);
    ImGui::EndChild();
  } else if (app.record.is_object()) {
    ImGui::BeginChild("##center", ImVec2(0, 0), true);
    draw_record(app);
    ImGui::EndChild();
  } else if (!c && !app.selected.empty()) {  // a closed conversation on its way from the server
    ImGui::BeginChild("##center", ImVec2(0, 0), true);
    if (app.fetch_error.empty()) {
      ImGui::TextDisabled("%s", tr("Loading the conversation..."));
    } else {
      ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", app.fetch_error.c_str());
      if (ui::button(tr("Try again##conversation"))) app.open_conversation(app.selected);
    }
    ImGui::EndChild();
  } else if (c) {
    ImGui::BeginChild("##center", ImVec2(-kPanelWidth - ImGui::GetStyle().ItemSpacing.x, 0), true);
    draw_conversation(app, *c);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##panel", ImVec2(0, 0), true);
    draw_side_panel(app, *c);
    ImGui::EndChild();
  } else {
    ImGui::BeginChild("##center", ImVec2(0, 0), true);
    ImGui::SetCursorPos(ImVec2(ImGui::GetContentRegionAvail().x / 2 - 140, ImGui::GetContentRegionAvail().y / 2));
    ImGui::TextDisabled("%s", tr("Select a conversation on the left."));
    ImGui::EndChild();
  }
  ImGui::End();
}

}  // namespace agent
