// The REST routes of the CRM records: persons, organizations, leads, deals, activities, notes.
// Any signed-in agent may list, read, create and update them (no delete: the article has none).
// Each record type is described once by a table of fields (JSON name -> member, and the rule
// its value must pass); the four routes are generic over that table.
// Maintenance reminder: the JSON names are the C++ member names of the rows in store.hpp; a
// field added there must be added to its table here and to docs/protocol.md ("REST API").
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api.hpp"
#include "api_internal.hpp"
#include "auth.hpp"
#include "livechat/side_panel.hpp"
#include "livechat/validate.hpp"

namespace livechat::server {

namespace {
using json = nlohmann::json;

constexpr std::size_t kMaxName = 200;      // titles, names, subjects, addresses, codes (bytes)
constexpr std::size_t kMaxLong = 10'000;   // notes and note content (bytes)

// What a field's value must be. Single-line text is trimmed; long text is kept as typed.
enum class Rule {
  fixed,         // read-only: set by the server (id, kind, source, author_id, times); ignored on input
  name,          // required single line, 1..200 bytes
  line,          // optional single line, <= 200 bytes
  long_text,     // optional, <= 10000 bytes
  content,       // required, 1..10000 bytes
  email, phone, date, currency,
  cents,         // integer 0..10^15, or null (-1)
  flag,          // boolean
  person, organization, conversation, lead, deal, user,  // ids of existing records, or ""
  status,        // leads: open | archived; deals: open | won | lost
  activity_type  // task | call | meeting | email | deadline | lunch
};

template <class Row>
struct Field {
  const char* name;
  std::variant<std::string Row::*, int64_t Row::*, bool Row::*> member;
  Rule rule;
};

// One record type: its prefix for new ids, its fields, and where its rows go in a Write.
template <class Row>
struct Kind;

template <>
struct Kind<PersonRow> {
  using Row_ = PersonRow;
  static constexpr const char* prefix = "person";
  static constexpr auto rows = &Write::persons;
  static inline const std::vector<Field<PersonRow>> fields = {
      {"id", &PersonRow::id, Rule::fixed},           {"name", &PersonRow::name, Rule::name},
      {"email", &PersonRow::email, Rule::email},     {"phone", &PersonRow::phone, Rule::phone},
      {"organization_id", &PersonRow::organization_id, Rule::organization},
      {"created_at", &PersonRow::created_at, Rule::fixed}, {"updated_at", &PersonRow::updated_at, Rule::fixed}};
  static std::vector<PersonRow> all(Store& s, const std::string&) { return s.persons(); }
  static std::optional<PersonRow> one(Store& s, const std::string& id) { return s.person(id); }
};

template <>
struct Kind<OrganizationRow> {
  using Row_ = OrganizationRow;
  static constexpr const char* prefix = "org";
  static constexpr auto rows = &Write::organizations;
  static inline const std::vector<Field<OrganizationRow>> fields = {
      {"id", &OrganizationRow::id, Rule::fixed}, {"name", &OrganizationRow::name, Rule::name},
      {"address", &OrganizationRow::address, Rule::line},
      {"created_at", &OrganizationRow::created_at, Rule::fixed},
      {"updated_at", &OrganizationRow::updated_at, Rule::fixed}};
  static std::vector<OrganizationRow> all(Store& s, const std::string&) { return s.organizations(); }
  static std::optional<OrganizationRow> one(Store& s, const std::string& id) { return s.organization(id); }
};

template <>
struct Kind<LeadRow> {
  using Row_ = LeadRow;  // leads and deals; `sub` is "lead" or "deal"
  static constexpr auto rows = &Write::leads;
  static inline const std::vector<Field<LeadRow>> fields = {
      {"id", &LeadRow::id, Rule::fixed},
      {"kind", &LeadRow::kind, Rule::fixed},
      {"title", &LeadRow::title, Rule::name},
      {"person_id", &LeadRow::person_id, Rule::person},
      {"organization_id", &LeadRow::organization_id, Rule::organization},
      {"conversation_id", &LeadRow::conversation_id, Rule::conversation},
      {"value_cents", &LeadRow::value_cents, Rule::cents},
      {"currency", &LeadRow::currency, Rule::currency},
      {"expected_close_date", &LeadRow::expected_close_date, Rule::date},
      {"owner_id", &LeadRow::owner_id, Rule::user},
      {"source", &LeadRow::source, Rule::fixed},
      {"status", &LeadRow::status, Rule::status},
      {"created_at", &LeadRow::created_at, Rule::fixed},
      {"updated_at", &LeadRow::updated_at, Rule::fixed}};
  static std::vector<LeadRow> all(Store& s, const std::string& sub) { return s.leads(sub); }
  static std::optional<LeadRow> one(Store& s, const std::string& id) { return s.lead(id); }
};

template <>
struct Kind<ActivityRow> {
  using Row_ = ActivityRow;
  static constexpr const char* prefix = "act";
  static constexpr auto rows = &Write::activities;
  static inline const std::vector<Field<ActivityRow>> fields = {
      {"id", &ActivityRow::id, Rule::fixed},
      {"subject", &ActivityRow::subject, Rule::name},
      {"type", &ActivityRow::type, Rule::activity_type},
      {"due_date", &ActivityRow::due_date, Rule::date},
      {"owner_id", &ActivityRow::owner_id, Rule::user},
      {"person_id", &ActivityRow::person_id, Rule::person},
      {"conversation_id", &ActivityRow::conversation_id, Rule::conversation},
      {"note", &ActivityRow::note, Rule::long_text},
      {"done", &ActivityRow::done, Rule::flag},
      {"created_at", &ActivityRow::created_at, Rule::fixed},
      {"updated_at", &ActivityRow::updated_at, Rule::fixed}};
  static std::vector<ActivityRow> all(Store& s, const std::string&) { return s.activities(); }
  static std::optional<ActivityRow> one(Store& s, const std::string& id) { return s.activity(id); }
};

template <>
struct Kind<NoteRow> {
  using Row_ = NoteRow;
  static constexpr const char* prefix = "note";
  static constexpr auto rows = &Write::notes;
  static inline const std::vector<Field<NoteRow>> fields = {
      {"id", &NoteRow::id, Rule::fixed},
      {"content", &NoteRow::content, Rule::content},
      {"lead_id", &NoteRow::lead_id, Rule::lead},
      {"deal_id", &NoteRow::deal_id, Rule::deal},
      {"person_id", &NoteRow::person_id, Rule::person},
      {"organization_id", &NoteRow::organization_id, Rule::organization},
      {"author_id", &NoteRow::author_id, Rule::fixed},
      {"created_at", &NoteRow::created_at, Rule::fixed},
      {"updated_at", &NoteRow::updated_at, Rule::fixed}};
  static std::vector<NoteRow> all(Store& s, const std::string&) { return s.notes(); }
  static std::optional<NoteRow> one(Store& s, const std::string& id) { return s.note(id); }
};

// The row as JSON: every field by its C++ name; value_cents null when unset (-1).
template <class Row>
json to_json(const Row& row) {
  json out = json::object();
  for (const auto& f : Kind<Row>::fields) {
    std::visit(
        [&](auto member) {
          const auto& v = row.*member;
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, int64_t>) {
            if (f.rule == Rule::cents && v < 0) out[f.name] = nullptr;
            else out[f.name] = v;
          } else {
            out[f.name] = v;
          }
        },
        f.member);
  }
  return out;
}

// What reference checks need: the store, the engine (committed conversations and users), the caller.
struct Refs {
  Store& store;
  Engine& engine;
  const UserId& caller;
  // Whether `id` names an existing record of `rule`'s kind (conversations: one the caller sees).
  bool exists(Rule rule, const std::string& id) const {
    switch (rule) {
      case Rule::person: return store.person(id).has_value();
      case Rule::organization: return store.organization(id).has_value();
      case Rule::lead:
      case Rule::deal: {
        auto l = store.lead(id);
        return l && l->kind == (rule == Rule::lead ? "lead" : "deal");
      }
      case Rule::user: return engine.committed().users.count(id) > 0;
      case Rule::conversation: {
        const Conversation* c = engine.conversation(id);
        return c && can_see(*c, caller);
      }
      default: return true;
    }
  }
};

Error bad(ErrorCode code, const std::string& field, const std::string& what) {
  return make_error(code, "'" + field + "' " + what, field);
}

// Checks one string value against its rule (after trimming single-line text).
std::optional<Error> check_text(Rule rule, const std::string& name, std::string& v, const std::string& sub,
                                const Refs& refs) {
  if (!is_valid_utf8(v)) return bad(ErrorCode::invalid_field, name, "is not valid UTF-8");
  bool long_text = rule == Rule::long_text || rule == Rule::content;
  if (!long_text) v = trim(v);
  std::size_t cap = long_text ? kMaxLong : kMaxName;
  if (v.size() > cap) return bad(ErrorCode::too_large, name, "is longer than " + std::to_string(cap) + " bytes");
  if ((rule == Rule::name || rule == Rule::content) && v.empty()) return bad(ErrorCode::invalid_field, name, "is required");
  if (rule == Rule::status) {
    bool ok = sub == "deal" ? (v == "open" || v == "won" || v == "lost") : (v == "open" || v == "archived");
    if (!ok) return bad(ErrorCode::invalid_field, name, sub == "deal" ? "must be open, won or lost" : "must be open or archived");
    return std::nullopt;
  }
  if (rule == Rule::activity_type) {
    static const char* const kTypes[] = {"task", "call", "meeting", "email", "deadline", "lunch"};
    if (std::find(std::begin(kTypes), std::end(kTypes), v) == std::end(kTypes))
      return bad(ErrorCode::invalid_field, name, "must be one of task, call, meeting, email, deadline, lunch");
    return std::nullopt;
  }
  if (v.empty()) return std::nullopt;  // every other field may be left empty
  switch (rule) {
    case Rule::email:
      if (!is_valid_email(v)) return bad(ErrorCode::invalid_field, name, "is not a valid email address");
      break;
    case Rule::phone:
      if (!is_valid_phone(v)) return bad(ErrorCode::invalid_field, name, "is not a valid phone number");
      break;
    case Rule::date:
      if (!is_valid_date(v)) return bad(ErrorCode::invalid_field, name, "must be a date written YYYY-MM-DD");
      break;
    case Rule::currency:
      if (!is_valid_currency(v)) return bad(ErrorCode::invalid_field, name, "must be a three-letter currency code");
      break;
    case Rule::person: case Rule::organization: case Rule::conversation:
    case Rule::lead: case Rule::deal: case Rule::user:
      if (!refs.exists(rule, v)) return bad(ErrorCode::invalid_field, name, "names no existing record");
      break;
    default: break;
  }
  return std::nullopt;
}

// Applies the members of `body` named in the table to `row`, checking each; fixed fields and
// unknown members are ignored. Then the checks that span fields (required names, currency).
template <class Row>
std::optional<Error> apply(const json& body, Row& row, const std::string& sub, const Refs& refs) {
  for (const auto& f : Kind<Row>::fields) {
    if (f.rule == Rule::fixed) continue;
    auto it = body.find(f.name);
    if (it == body.end()) continue;
    const json& v = *it;
    std::string name = f.name;
    std::optional<Error> err;
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(row.*member)>;
          if constexpr (std::is_same_v<T, std::string>) {
            if (!v.is_null() && !v.is_string()) return void(err = bad(ErrorCode::bad_request, name, "must be a string"));
            std::string s = v.is_null() ? std::string() : v.get<std::string>();
            if ((err = check_text(f.rule, name, s, sub, refs))) return;
            row.*member = std::move(s);
          } else if constexpr (std::is_same_v<T, int64_t>) {  // value_cents
            if (v.is_null()) return void(row.*member = -1);
            if (!v.is_number_integer()) return void(err = bad(ErrorCode::bad_request, name, "must be an integer or null"));
            bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(kMaxDealValueCents)
                                               : (v.get<int64_t>() >= 0 && v.get<int64_t>() <= kMaxDealValueCents);
            if (!fits)
              return void(err = bad(ErrorCode::invalid_field, name, "must be between 0 and 1000000000000000"));
            row.*member = v.is_number_unsigned() ? int64_t(v.get<uint64_t>()) : v.get<int64_t>();
          } else {  // bool
            if (!v.is_boolean()) return void(err = bad(ErrorCode::bad_request, name, "must be a boolean"));
            row.*member = v.get<bool>();
          }
        },
        f.member);
    if (err) return err;
  }
  for (const auto& f : Kind<Row>::fields) {  // required names, also when absent from the body
    if (f.rule != Rule::name && f.rule != Rule::content) continue;
    if ((row.*std::get<std::string Row::*>(f.member)).empty()) return bad(ErrorCode::invalid_field, f.name, "is required");
  }
  if constexpr (std::is_same_v<Row, LeadRow>) {
    if (row.value_cents >= 0 && row.currency.empty())
      return bad(ErrorCode::invalid_field, "currency", "is required when value_cents is set");
  }
  return std::nullopt;
}

// Runs `f(Kind<Row>{}, sub)` for the collection named by the route (sub: "lead" or "deal" for
// those two, else ""); answers 404 itself for an unknown collection.
template <class F>
void dispatch(Api::Call& call, F&& f) {
  const std::string collection = call.params["kind"];
  if (collection == "persons") f(Kind<PersonRow>{}, std::string());
  else if (collection == "organizations") f(Kind<OrganizationRow>{}, std::string());
  else if (collection == "leads") f(Kind<LeadRow>{}, std::string("lead"));
  else if (collection == "deals") f(Kind<LeadRow>{}, std::string("deal"));
  else if (collection == "activities") f(Kind<ActivityRow>{}, std::string());
  else if (collection == "notes") f(Kind<NoteRow>{}, std::string());
  else call.error(404, ErrorCode::not_found, "no such collection: " + collection);
}

// The record named by :id in this collection (a lead is not a deal), or nullopt (404 sent).
template <class Row>
std::optional<Row> find(Api::Call& call, Store& store, const std::string& sub) {
  const std::string& id = call.params["id"];
  auto row = Kind<Row>::one(store, id);
  if constexpr (std::is_same_v<Row, LeadRow>)
    if (row && row->kind != sub) row.reset();
  if (!row) call.error(404, ErrorCode::not_found, "no " + call.params["kind"] + " record has id '" + id + "'", "id");
  return row;
}

// Makes `row` durable and answers `status` with it once it is.
template <class Row>
void save(Api::Call& call, Engine& engine, Row row, int status) {
  json body = to_json(row);
  Write w;
  (w.*Kind<Row>::rows).push_back(std::move(row));
  engine.write(std::move(w), [respond = call.respond, status, body = std::move(body)](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, status, body);
  });
}
}  // namespace

// GET /api/<kind>[?conversation=<id>] -> [record], newest first
void Api::crm_list(Call& call) {
  if (!call.user) return call.error(401, ErrorCode::forbidden, "sign in first");
  auto q = call.request.query.find("conversation");
  bool by_conversation = q != call.request.query.end();
  dispatch(call, [&](auto kind, const std::string& sub) {
    using Row = typename decltype(kind)::Row_;
    auto rows = decltype(kind)::all(store_, sub);
    if (by_conversation) {
      if constexpr (requires(Row r) { r.conversation_id; }) {
        std::erase_if(rows, [&](const Row& r) { return r.conversation_id != q->second; });
      } else {
        return call.error(400, ErrorCode::bad_request,
                          "'conversation' filters leads, deals and activities only", "conversation");
      }
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    json out = json::array();
    for (const auto& r : rows) out.push_back(to_json(r));
    call.json(200, out);
  });
}

// GET /api/<kind>/:id -> record
void Api::crm_get(Call& call) {
  if (!call.user) return call.error(401, ErrorCode::forbidden, "sign in first");
  dispatch(call, [&](auto kind, const std::string& sub) {
    using Row = typename decltype(kind)::Row_;
    if (auto row = find<Row>(call, store_, sub)) call.json(200, to_json(*row));
  });
}

// POST /api/<kind> {fields} -> 201 record
void Api::crm_create(Call& call) {
  if (!call.user) return call.error(401, ErrorCode::forbidden, "sign in first");
  auto body = call.body();
  if (!body) return;
  int64_t now = loop_.now_ms();
  Refs refs{store_, engine_, call.user->id};
  dispatch(call, [&](auto kind, const std::string& sub) {
    using Row = typename decltype(kind)::Row_;
    Row row;
    if constexpr (std::is_same_v<Row, LeadRow>) {
      row.kind = sub;
      row.source = "live_chat";  // made by an agent (the chatbot's come from the engine)
      row.id = new_id(sub);
    } else {
      row.id = new_id(decltype(kind)::prefix);
    }
    if constexpr (requires { row.owner_id; }) row.owner_id = call.user->id;  // the body may name another
    if constexpr (requires { row.author_id; }) row.author_id = call.user->id;
    row.created_at = row.updated_at = now;
    if (auto err = apply(*body, row, sub, refs)) return call.error(*err);
    save(call, engine_, std::move(row), 201);
  });
}

// PATCH /api/<kind>/:id {some fields} -> record
void Api::crm_update(Call& call) {
  if (!call.user) return call.error(401, ErrorCode::forbidden, "sign in first");
  Refs refs{store_, engine_, call.user->id};
  dispatch(call, [&](auto kind, const std::string& sub) {
    using Row = typename decltype(kind)::Row_;
    auto row = find<Row>(call, store_, sub);
    if (!row) return;
    auto body = call.body();
    if (!body) return;
    if (auto err = apply(*body, *row, sub, refs)) return call.error(*err);
    row->updated_at = loop_.now_ms();
    save(call, engine_, std::move(*row), 200);
  });
}

}  // namespace livechat::server
