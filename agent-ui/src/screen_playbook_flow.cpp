// Admin screens, part 1b: the playbook builder. The flow as the core's outline (one row per card,
// branches indented below the card that opens them, "goes to" rows for links back to a card
// already shown, unreachable cards last); "+" on every link adds a card of any type there; each
// card can be edited (every field, links as drop-downs), moved (its "+" targets become "Move
// here") and deleted. "Add Live Chat card" asks where, proposing the end of the qualifying path.
// "Try it" runs the flow beside the outline (screen_playbook_preview.cpp).
// Every rule is the core's (insert_card, set_link, edit_card, move_card, remove_card,
// publish_problems): the dashboard applies the edit to its copy and saves the whole playbook
// (PUT /api/playbooks/:id), where the server validates it again.
#include <algorithm>
#include <cstdio>
#include <string>

#include "admin.hpp"
#include "app.hpp"
#include "i18n.hpp"
#include "misc/cpp/imgui_stdlib.h"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void save_playbook(App& app, const Playbook& pb) {
  app.rest("admin:pb_changed", "PUT", "/api/playbooks/" + pb.id, dump(playbook_to_json_value(pb)));
}

void refuse(AdminState& a, const Error& e) {
  a.message = e.message;
  a.message_error = true;
}

// Applies a core edit to a copy of the open playbook and saves it; the refusal is shown instead.
template <class Edit>
bool apply(App& app, Edit&& edit) {
  Playbook copy = app.admin.playbook;
  Status s = edit(copy);
  if (!s) {
    refuse(app.admin, s.error());
    return false;
  }
  app.admin.playbook = copy;  // drawn at once; the server's answer replaces it
  save_playbook(app, copy);
  return true;
}

const char* type_words(CardType t) {
  switch (t) {
    case CardType::message: return tr("Message");
    case CardType::question: return tr("Question");
    case CardType::capture: return tr("Capture");
    case CardType::qualification: return tr("Qualification");
    case CardType::live_chat: return tr("Live Chat");
    case CardType::create_item: return tr("Create item");
    case CardType::end: return tr("End");
  }
  return "";
}

// The first line of a text, for the outline.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string summary(const Card& card) {
  char buf[160];
  if (auto* m = std::get_if<MessageCard>(&card.body)) return first_line(m->text);
  if (auto* q = std::get_if<QuestionCard>(&card.body))
    return first_line(q->text) + (q->buttons.empty() ? std::string(" ") + tr("(free text)") : std::string());
  if (auto* c = std::get_if<CaptureCard>(&card.body)) {
    std::snprintf(buf, sizeof buf, tr("asks for the %s: "), std::string(capture_kind_name(c->field)).c_str());
    return buf + first_line(c->text);
  }
  if (auto* q = std::get_if<QualificationCard>(&card.body)) {
    std::string words;
    for (const auto& c : q->conditions) {
      if (!words.empty()) words += q->match == Match::all ? tr(" and ") : tr(" or ");
      words += c.answer_key + " " + std::string(condition_op_name(c.op)) + (c.value.empty() ? "" : " \"" + c.value + "\"");
    }
    return words;
  }
  if (auto* l = std::get_if<LiveChatCard>(&card.body)) {
    std::snprintf(buf, sizeof buf, tr("waits %d s for an agent"), l->wait_seconds);
    return buf;
  }
  if (auto* i = std::get_if<CreateItemCard>(&card.body)) {
    std::snprintf(buf, sizeof buf, tr("creates a %s: "), std::string(item_kind_name(i->item)).c_str());
    return buf + i->title;
  }
  if (auto* e = std::get_if<EndCard>(&card.body)) return first_line(e->text);
  return "";
}

// A link in words: "At the start", "After greeting", "ask_intent: button \"I want a demo\"".
std::string link_words(const Playbook& pb, const Link& link) {
  if (link.card.empty()) return tr("At the start");
  const Card* card = find_card(pb, link.card);
  if (link.field == "next") return std::string(tr("After ")) + link.card;
  if (link.field == "qualified_next") return link.card + ": " + tr("qualified");
  if (link.field == "unqualified_next") return link.card + ": " + tr("not qualified");
  if (link.field == "offline_next") return link.card + ": " + tr("offline flow");
  const auto* q = card ? std::get_if<QuestionCard>(&card->body) : nullptr;
  std::size_t i = 0;
  if (q && std::sscanf(link.field.c_str(), "buttons.%zu.next", &i) == 1 && i < q->buttons.size())
    return link.card + ": " + tr("button") + " \"" + q->buttons[i].label + "\"";
  return link.card + "." + link.field;
}

std::string link_key(const Link& l) { return l.card + "." + l.field; }

// A new card of type t with the fields a first-time admin would start from.
CardBody new_body(CardType t) {
  switch (t) {
    case CardType::message: return MessageCard{tr("Hi there! Welcome."), ""};
    case CardType::question: return QuestionCard{tr("What brings you here today?"), {{tr("Yes"), ""}, {tr("No"), ""}}, "", ""};
    case CardType::capture: return CaptureCard{tr("What is your email address?"), CaptureKind::email, "", ""};
    case CardType::qualification: return QualificationCard{{{"email", ConditionOp::not_empty, ""}}, Match::all, "", ""};
    case CardType::live_chat: {
      for (const Card& c : live_chat_template("t", "t").cards)
        if (auto* l = std::get_if<LiveChatCard>(&c.body)) return *l;
      return LiveChatCard{};
    }
    case CardType::create_item:
      return CreateItemCard{ItemKind::lead, "Chat lead: {{name}}", {{"person_name", "name"}, {"email", "email"}}, ""};
    case CardType::end: return EndCard{tr("Thank you! We will be in touch soon.")};
  }
  return EndCard{};
}

// [SECTION] the card form ------------------------------------------------------------------------------

// A drop-down of the playbook's cards for a link; "" (none) only where allowed.
void link_combo(const char* id, std::string& target, const Playbook& pb, const std::string& self, bool may_be_empty) {
  ImGui::SetNextItemWidth(220);
  if (ImGui::BeginCombo(id, target.empty() ? tr("(none)") : target.c_str())) {
    if (may_be_empty && ImGui::Selectable(tr("(none)"), target.empty())) target.clear();
    for (const auto& c : pb.cards) {
      if (c.id == self) continue;
      if (ImGui::Selectable(c.id.c_str(), c.id == target)) target = c.id;
      ui::track((std::string(id) + ":" + c.id).c_str());
    }
    ImGui::EndCombo();
  }
  ui::track(id);
}

template <class E, std::size_t N>
void enum_combo(const char* id, E& value, const E (&values)[N], std::string_view (*name)(E)) {
  ImGui::SetNextItemWidth(160);
  if (ImGui::BeginCombo(id, std::string(name(value)).c_str())) {
    for (E v : values) {
      if (ImGui::Selectable(std::string(name(v)).c_str(), v == value)) value = v;
      ui::track((std::string(id) + ":" + std::string(name(v))).c_str());  // "##field:name" -> "field:name"
    }
    ImGui::EndCombo();
  }
  ui::track(id);
}

void text_field(const char* label, const char* id, std::string& s, float width, float height = 0) {
  ImGui::TextDisabled("%s", label);
  if (height > 0) ImGui::InputTextMultiline(id, &s, ImVec2(width, height));
  else {
    ImGui::SetNextItemWidth(width);
    ImGui::InputText(id, &s);
  }
  ui::track(id);
}

void rich_preview(App& app, const char* title, const std::string& text) {
  ImGui::TextDisabled("%s", title);
  ImGui::Indent();
  draw_rich_text(app.fonts, text);
  ImGui::Unindent();
}

void form_fields(App& app, Card& card, const Playbook& pb, float w) {
  const std::string& self = card.id;
  if (auto* m = std::get_if<MessageCard>(&card.body)) {
    text_field(tr("Message (**bold**, *italic*, [link](url), ![image](url), - bullets)"), "##text", m->text, w, 90);
    rich_preview(app, tr("Preview"), m->text);
    ImGui::TextDisabled("%s", tr("Then"));
    link_combo("##next", m->next, pb, self, false);
  } else if (auto* q = std::get_if<QuestionCard>(&card.body)) {
    text_field(tr("Question"), "##text", q->text, w, 60);
    text_field(tr("Store the answer as (empty: the card id)"), "##answer_key", q->answer_key, 200);
    bool buttons = !q->buttons.empty();
    if (ImGui::Checkbox(tr("Answer with buttons"), &buttons)) {
      if (buttons) {
        q->buttons.push_back({tr("Yes"), q->next});
        q->next.clear();
      } else {
        q->next = q->buttons.empty() ? std::string() : q->buttons[0].next;
        q->buttons.clear();
      }
    }
    ui::track(tr("Answer with buttons"));
    for (std::size_t i = 0; i < q->buttons.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      ImGui::SetNextItemWidth(180);
      ImGui::InputText("##button", &q->buttons[i].label);
      ui::track(("button:" + std::to_string(i)).c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s", tr("goes to"));
      ImGui::SameLine();
      link_combo("##button_next", q->buttons[i].next, pb, self, false);
      ImGui::SameLine();
      bool remove = ImGui::SmallButton(tr("Remove##button"));
      ImGui::PopID();
      if (remove) {
        q->buttons.erase(q->buttons.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (buttons && q->buttons.size() < kMaxButtons && ui::button(tr("Add button")))
      q->buttons.push_back({"", q->buttons.empty() ? std::string() : q->buttons.back().next});
    if (!buttons) {
      ImGui::TextDisabled("%s", tr("Then"));
      link_combo("##next", q->next, pb, self, false);
    }
  } else if (auto* c = std::get_if<CaptureCard>(&card.body)) {
    text_field(tr("Question"), "##text", c->text, w, 60);
    ImGui::TextDisabled("%s", tr("Field (the widget checks the answer: a real email, phone number...)"));
    static const CaptureKind kinds[] = {CaptureKind::name, CaptureKind::email, CaptureKind::phone, CaptureKind::company};
    enum_combo("##field", c->field, kinds, capture_kind_name);
    text_field(tr("Store the answer as (empty: the field's name)"), "##answer_key", c->answer_key, 200);
    ImGui::TextDisabled("%s", tr("Then"));
    link_combo("##next", c->next, pb, self, false);
  } else if (auto* q = std::get_if<QualificationCard>(&card.body)) {
    ImGui::TextDisabled("%s", tr("Qualified when"));
    static const Match matches[] = {Match::all, Match::any};
    enum_combo("##match", q->match, matches, match_name);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("of these hold:"));
    static const ConditionOp ops[] = {ConditionOp::equals, ConditionOp::not_equals, ConditionOp::contains,
                                      ConditionOp::not_empty, ConditionOp::empty};
    for (std::size_t i = 0; i < q->conditions.size(); ++i) {
      auto& cond = q->conditions[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::SetNextItemWidth(120);
      ImGui::InputTextWithHint("##cond_key", tr("answer"), &cond.answer_key);
      ui::track(("condition_key:" + std::to_string(i)).c_str());
      ImGui::SameLine();
      enum_combo("##cond_op", cond.op, ops, condition_op_name);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(120);
      ImGui::InputTextWithHint("##cond_value", tr("value"), &cond.value);
      ImGui::SameLine();
      bool remove = ImGui::SmallButton(tr("Remove##condition"));
      ImGui::PopID();
      if (remove) {
        q->conditions.erase(q->conditions.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (q->conditions.size() < kMaxConditions && ui::button(tr("Add condition")))
      q->conditions.push_back({"email", ConditionOp::not_empty, ""});
    ImGui::TextDisabled("%s", tr("Qualified: go to"));
    link_combo("##qualified_next", q->qualified_next, pb, self, false);
    ImGui::TextDisabled("%s", tr("Not qualified: go to"));
    link_combo("##unqualified_next", q->unqualified_next, pb, self, false);
  } else if (auto* l = std::get_if<LiveChatCard>(&card.body)) {
    text_field(tr("Online message (shown while someone is available)"), "##online_message", l->online_message, w, 70);
    ImGui::TextDisabled(tr("Wait time (seconds, %d..%d)"), kMinWaitSeconds, kMaxWaitSeconds);
    ImGui::SetNextItemWidth(160);
    ImGui::InputInt("##wait_seconds", &l->wait_seconds);
    ui::track("##wait_seconds");
    text_field(tr("Offline message (nobody took the chat in time)"), "##offline_message", l->offline_message, w, 80);
    ImGui::TextDisabled("%s", tr("Offline flow starts at"));
    link_combo("##offline_next", l->offline_next, pb, self, true);
    rich_preview(app, tr("Preview - online"), l->online_message);
    rich_preview(app, tr("Preview - offline"), l->offline_message);
  } else if (auto* i = std::get_if<CreateItemCard>(&card.body)) {
    ImGui::TextDisabled("%s", tr("Creates a"));
    static const ItemKind kinds[] = {ItemKind::lead, ItemKind::deal, ItemKind::activity};
    enum_combo("##item", i->item, kinds, item_kind_name);
    text_field(tr("Title ({{name}} quotes an answer)"), "##title", i->title, w);
    ImGui::TextDisabled("%s", tr("Fields filled from answers (empty: not filled)"));
    for (const char* f : {"person_name", "email", "phone", "organization", "deal_value", "note"}) {
      std::string key = i->fields.count(f) ? i->fields[f] : std::string();
      ImGui::SetNextItemWidth(140);
      std::string id = std::string("##map_") + f;
      if (ImGui::InputText(id.c_str(), &key)) {
        if (key.empty()) i->fields.erase(f);
        else i->fields[f] = key;
      }
      ui::track(id.c_str());
      ImGui::SameLine();
      ImGui::TextUnformatted(f);
    }
    ImGui::TextDisabled("%s", tr("Then"));
    link_combo("##next", i->next, pb, self, false);
  } else if (auto* e = std::get_if<EndCard>(&card.body)) {
    text_field(tr("Last message (optional)"), "##text", e->text, w, 60);
    rich_preview(app, tr("Preview"), e->text);
  }
}

void draw_form(App& app) {
  AdminState& a = app.admin;
  Card& card = *a.editing;
  ImGui::PushFont(app.fonts.bold);
  ImGui::Text("%s \"%s\"", type_words(card.type()), card.id.c_str());
  ImGui::PopFont();
  ImGui::SameLine();  // the buttons first: always in view, however long the form
  ui::push_primary();
  if (ui::button(tr("Save card"))) apply(app, [&](Playbook& pb) { return edit_card(pb, card); });
  ui::pop_primary();
  ImGui::SameLine();
  if (ui::button(tr("Done"))) a.editing.reset();
  form_fields(app, card, a.playbook, ImGui::GetContentRegionAvail().x - 8);
}

// [SECTION] the outline --------------------------------------------------------------------------------

// The "+" on a link: opens the card-type menu, or moves the card being moved there.
void add_button(App& app, const Link& link) {
  AdminState& a = app.admin;
  std::string id = (a.moving.empty() ? std::string(tr("+ Add")) : std::string(tr("Move here"))) + "##add:" + link_key(link);
  if (ImGui::SmallButton(id.c_str())) {
    if (!a.moving.empty()) {
      std::string card = a.moving;
      a.moving.clear();
      apply(app, [&](Playbook& pb) { return move_card(pb, card, link); });
    } else {
      a.adding_at = link;  // the menu opens at the outline's level (add_card_menu)
    }
  }
  ui::track(("add:" + link_key(link)).c_str());
}

bool has_problem(const AdminState& a, const std::string& card) {
  for (const auto& e : a.problems)
    if (e.field == "cards." + card || e.field.rfind("cards." + card + ".", 0) == 0) return true;
  return false;
}

// One card of the outline: its buttons first (always in view, however deep the row), then type,
// summary (cut to the room left) and id, then "+ Add" after it when it has a single next.
void card_row(App& app, const Card& card, const OutlineRow& row) {
  AdminState& a = app.admin;
  if (ImGui::SmallButton(tr("Edit"))) {
    a.editing = card;
    a.preview.open = false;
  }
  ui::track(("edit:" + card.id).c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton(a.moving == card.id ? tr("Moving") : tr("Move"))) a.moving = a.moving == card.id ? std::string() : card.id;
  ui::track(("move:" + card.id).c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton(tr("Delete"))) {
    Playbook copy = a.playbook;  // asked first: a refusal is shown at once, no dialog
    if (Status s = remove_card(copy, card.id); !s) refuse(a, s.error());
    else ImGui::OpenPopup("##delete_card");
  }
  ui::track(("delete:" + card.id).c_str());
  ImGui::SameLine();
  bool open = a.editing && a.editing->id == card.id;
  bool add_after = row.kind == OutlineRow::Kind::card && link_target(a.playbook, {card.id, "next"});
  ImVec4 color = has_problem(a, card.id) ? ImVec4(0.75f, 0.1f, 0.1f, 1)
                 : open                  ? ImVec4(0.1f, 0.3f, 0.7f, 1)
                                         : ImGui::GetStyleColorVec4(ImGuiCol_Text);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::PushFont(app.fonts.bold);
  ImGui::TextUnformatted(type_words(card.type()));
  ImGui::PopFont();
  ImGui::SameLine();
  const ImGuiStyle& style = ImGui::GetStyle();
  float tail = ImGui::CalcTextSize(card.id.c_str()).x + style.ItemSpacing.x * 2 + style.ScrollbarSize +
               (add_after ? ImGui::CalcTextSize(a.moving.empty() ? tr("+ Add") : tr("Move here")).x +
                                style.FramePadding.x * 2 + style.ItemSpacing.x
                          : 0);
  ui::text_fit(summary(card), std::max(40.0f, ImGui::GetContentRegionAvail().x - tail), false);
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("%s", card.id.c_str());
  if (add_after) {
    ImGui::SameLine();
    add_button(app, {card.id, "next"});
  }
  if (ImGui::BeginPopupModal("##delete_card", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text(tr("Delete the card \"%s\"? The flow is relinked around it."), card.id.c_str());
    if (ui::button(tr("Delete card"))) {
      if (a.editing && a.editing->id == card.id) a.editing.reset();
      std::string id = card.id;
      apply(app, [&](Playbook& pb) { return remove_card(pb, id); });
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ui::button(tr("Cancel##card"))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

void add_card_menu(App& app) {
  AdminState& a = app.admin;
  if (a.adding_at && !ImGui::IsPopupOpen("##add_card")) ImGui::OpenPopup("##add_card");
  if (!ImGui::BeginPopup("##add_card")) {
    a.adding_at.reset();  // closed by a click outside
    return;
  }
  ImGui::TextDisabled("%s", a.adding_at ? link_words(a.playbook, *a.adding_at).c_str() : "");
  for (CardType t : {CardType::message, CardType::question, CardType::capture, CardType::qualification,
                     CardType::live_chat, CardType::create_item, CardType::end}) {
    if (ui::button(type_words(t), ImVec2(200, 0)) && a.adding_at) {
      Link at = *a.adding_at;
      Playbook copy = a.playbook;
      auto id = insert_card(copy, at, new_body(t));
      if (!id) refuse(a, id.error());
      else {
        a.playbook = copy;
        save_playbook(app, copy);
        a.editing = *find_card(copy, id.value());
        a.preview.open = false;
      }
      a.adding_at.reset();
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::EndPopup();
}

void draw_outline(App& app) {
  AdminState& a = app.admin;
  const Playbook& pb = a.playbook;
  if (!a.moving.empty()) {
    ImGui::TextColored(ImVec4(0.1f, 0.3f, 0.7f, 1), tr("Moving \"%s\": press \"Move here\" where it should go."),
                       a.moving.c_str());
    ImGui::SameLine();
    if (ui::button(tr("Cancel move"))) a.moving.clear();
  }
  add_button(app, {"", "start"});
  bool unreachable_title = false;
  for (const auto& row : outline(pb)) {
    ImGui::PushID(link_key(row.link).c_str());
    ImGui::PushID(row.card.c_str());
    float indent = 18.0f * static_cast<float>(row.depth);
    if (indent > 0) ImGui::Indent(indent);
    const Card* card = find_card(pb, row.card);
    if (row.kind == OutlineRow::Kind::branch) {
      ImGui::TextColored(ImVec4(0.35f, 0.35f, 0.6f, 1), "%s", link_words(pb, row.link).c_str());
      ImGui::SameLine();
      add_button(app, row.link);
    } else if (row.kind == OutlineRow::Kind::jump) {
      ImGui::TextDisabled(tr("-> goes to %s"), row.card.c_str());
    } else if (card) {
      if (row.kind == OutlineRow::Kind::unreachable && !unreachable_title) {
        unreachable_title = true;
        ImGui::Separator();
        ImGui::TextDisabled("%s", tr("Not reachable from the start (link them, or delete them):"));
      }
      card_row(app, *card, row);
    }
    if (indent > 0) ImGui::Unindent(indent);
    ImGui::PopID();
    ImGui::PopID();
  }
  add_card_menu(app);
}

// "Add Live Chat card": where, proposing the end of the qualifying path.
void live_chat_dialog(App& app) {
  AdminState& a = app.admin;
  if (a.live_chat_asked) {  // opened here, in the id scope of the BeginPopupModal below
    a.live_chat_asked = false;
    ImGui::OpenPopup(tr("Add Live Chat card"));
  }
  if (!ImGui::BeginPopupModal(tr("Add Live Chat card"), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const Playbook& pb = a.playbook;
  auto links = links_of(pb);
  Link proposed = proposed_live_chat_link(pb);
  if (a.live_chat_link < 0 || a.live_chat_link >= static_cast<int>(links.size()))
    for (std::size_t i = 0; i < links.size(); ++i)
      if (links[i] == proposed) a.live_chat_link = static_cast<int>(i);
  ImGui::TextUnformatted(tr("Where does the visitor meet the Live Chat card?"));
  ImGui::TextDisabled("%s", tr("Proposed: the end of the qualifying path, once the visitor has answered."));
  ImGui::SetNextItemWidth(420);
  auto words = [&](std::size_t i) {
    std::string w = link_words(pb, links[i]);
    if (links[i] == proposed) w += std::string(" ") + tr("(proposed)");
    return w;
  };
  int chosen = a.live_chat_link < 0 ? 0 : a.live_chat_link;
  if (ImGui::BeginCombo("##live_chat_where", words(static_cast<std::size_t>(chosen)).c_str())) {
    for (std::size_t i = 0; i < links.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::Selectable(words(i).c_str(), static_cast<int>(i) == chosen)) a.live_chat_link = static_cast<int>(i);
      ui::track(("where:" + link_key(links[i])).c_str());
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  ui::track("##live_chat_where");
  ui::push_primary();
  if (ui::button(tr("Add here"))) {
    const Link& at = links[static_cast<std::size_t>(chosen)];
    app.rest("admin:pb_changed", "POST", "/api/playbooks/" + pb.id + "/live-chat-card",
             dump({{"after", at.card}, {"branch", at.card.empty() ? std::string() : at.field}}));
    a.live_chat_link = -1;
    ImGui::CloseCurrentPopup();
  }
  ui::pop_primary();
  ImGui::SameLine();
  if (ui::button(tr("Cancel##live_chat"))) {
    a.live_chat_link = -1;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace

void open_live_chat_dialog(App& app) {
  app.admin.live_chat_link = -1;
  app.admin.live_chat_asked = true;
}

bool check_before_publish(App& app) {
  AdminState& a = app.admin;
  a.problems = publish_problems(a.playbook);
  if (a.problems.empty()) return true;
  a.message = tr("Not published: fix the cards marked in red first.");
  a.message_error = true;
  return false;
}

void draw_flow(App& app) {
  AdminState& a = app.admin;
  live_chat_dialog(app);
  if (!a.problems.empty()) {
    for (std::size_t i = 0; i < a.problems.size(); ++i) {
      const Error& e = a.problems[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "%s", e.message.c_str());
      std::string card = e.field.rfind("cards.", 0) == 0 ? e.field.substr(6, e.field.find('.', 6) - 6) : "";
      if (const Card* c = find_card(a.playbook, card)) {
        ImGui::SameLine();
        if (ImGui::SmallButton(tr("Show card"))) a.editing = *c;
        ui::track(("problem:" + card).c_str());
      }
      ImGui::PopID();
    }
  }
  if (ui::button(tr("Try it"))) {
    a.editing.reset();
    a.preview.open = true;
    restart_preview(app);
  }
  float height = std::max(260.0f, ImGui::GetContentRegionAvail().y - 150);
  bool side = a.editing || a.preview.open;
  float outline_w = side ? ImGui::GetContentRegionAvail().x * 0.55f : 0;
  ImGui::BeginChild("##outline", ImVec2(outline_w, height), true);
  draw_outline(app);
  ImGui::EndChild();
  if (side) {
    ImGui::SameLine();
    ImGui::BeginChild("##side", ImVec2(0, height), true);
    if (a.editing) draw_form(app);
    else draw_preview(app);
    ImGui::EndChild();
  }
}

}  // namespace agent
