// Leads, deals and activities made from a conversation: the CRM rows (person and organization
// from the side panel or the chatbot's answers) and the "Lead created" record on the chat, in
// one transaction.
#include "auth.hpp"
#include "engine.hpp"
#include "engine_session.hpp"
#include "livechat/validate.hpp"

namespace livechat::server {

namespace {
std::string field_or(const std::map<std::string, std::string>& fields, const char* key, const std::string& fallback) {
  auto it = fields.find(key);
  return it == fields.end() || it->second.empty() ? fallback : it->second;
}
}  // namespace

Result<std::string> Engine::stage_item(const ConversationId& conversation, ItemKind kind, const Actor& actor,
                                       std::string title, const std::map<std::string, std::string>& fields, TimeMs now,
                                       Write& w) {
  const char* prefix = kind == ItemKind::lead ? "lead" : kind == ItemKind::deal ? "deal" : "act";
  std::string id = new_id(prefix);
  auto staged = stage(RecordItem{conversation, kind, id}, actor, now, w);  // the rules decide who may
  if (!staged) return staged.error();
  const Conversation& c = live_.conversations.at(conversation);
  const SidePanel& p = c.panel;
  std::string person_name = field_or(fields, "person_name", p.person_name);
  std::string email = field_or(fields, "email", p.email);
  std::string phone = field_or(fields, "phone", p.phone);
  std::string org_name = field_or(fields, "organization", p.organization_name);
  std::string owner = actor.kind == Actor::Kind::agent ? actor.id : std::string();
  if (owner.empty()) {  // the chatbot's items go to the first admin, so someone owns them
    for (const auto& [uid, u] : live_.users)
      if (u.role == Role::admin) {
        owner = uid;
        break;
      }
  }

  std::string org_id;
  if (!org_name.empty()) {
    org_id = new_id("org");
    w.organizations.push_back(OrganizationRow{org_id, org_name, p.organization_address, now, now});
  }
  std::string person_id;
  if (!person_name.empty() || !email.empty() || !phone.empty()) {
    person_id = new_id("person");
    w.persons.push_back(PersonRow{person_id, person_name.empty() ? email : person_name, email, phone, org_id, now, now});
  }
  std::string who = !person_name.empty() ? person_name : !email.empty() ? email : std::string("website visitor");
  if (title.empty()) title = std::string(kind == ItemKind::deal ? "Deal" : kind == ItemKind::lead ? "Lead" : "Follow up") +
                             " from chat: " + who;
  std::string source = actor.kind == Actor::Kind::agent ? "live_chat" : "chatbot";
  std::string note = field_or(fields, "note", p.notes);

  if (kind == ItemKind::activity) {
    ActivityRow a;
    a.id = id;
    a.subject = title;
    a.type = "call";
    a.due_date = utc_date(now);
    a.owner_id = owner;
    a.person_id = person_id;
    a.conversation_id = conversation;
    a.note = note;
    a.created_at = a.updated_at = now;
    w.activities.push_back(std::move(a));
    return id;
  }
  LeadRow row;
  row.id = id;
  row.kind = kind == ItemKind::deal ? "deal" : "lead";
  row.title = title;
  row.person_id = person_id;
  row.organization_id = org_id;
  row.conversation_id = conversation;
  int64_t value = p.deal_value_cents;
  if (auto it = fields.find("deal_value"); it != fields.end()) if (!parse_money_cents(it->second, value)) value = -1;
  row.value_cents = value;
  row.currency = value >= 0 ? (p.currency.empty() ? std::string("EUR") : p.currency) : std::string();
  row.expected_close_date = p.expected_close_date;
  row.owner_id = owner;
  row.source = source;
  row.created_at = row.updated_at = now;
  w.leads.push_back(std::move(row));
  if (!note.empty()) {
    NoteRow n;
    n.id = new_id("note");
    n.content = note;
    (kind == ItemKind::deal ? n.deal_id : n.lead_id) = id;
    n.person_id = person_id;
    n.organization_id = org_id;
    n.author_id = actor.kind == Actor::Kind::agent ? actor.id : std::string();
    n.created_at = n.updated_at = now;
    w.notes.push_back(std::move(n));
  }
  return id;
}

void Engine::create_item(const ConversationId& conversation, ItemKind kind, const Actor& actor, std::string title,
                         std::function<void(Result<std::string>)> reply) {
  Write w;
  auto id = stage_item(conversation, kind, actor, std::move(title), {}, loop_.now_ms(), w);
  if (!id) return reply(id.error());
  submit(std::move(w), [reply, id = id.value()]() { reply(id); });
}

}  // namespace livechat::server
