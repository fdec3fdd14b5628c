// The columns of every record the Store upserts, defined once per record type: the column's name,
// its type, and the field of the row struct (store.hpp) it holds. From these tables the SQLite
// stores build their upserts, bind their writes, build their SELECTs and read their rows
// (store_sqlite.hpp, store_pg.hpp); a test checks each migrated schema has exactly these columns
// with these types. Nothing here is one engine's: each store maps the same tables to its own SQL
// (PostgreSQL: text, bigint, boolean for a flag).
//
// The first column is the key (upserts replace every other column except created_at).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store.hpp"

namespace livechat::server::columns {

enum class Type {
  text,     // TEXT NOT NULL
  id,       // TEXT, a link or optional id: "" is stored as NULL (so foreign keys accept "no link")
  integer,  // INTEGER NOT NULL
  amount,   // INTEGER, -1 ("no value") is stored as NULL
  flag,     // INTEGER NOT NULL, 0 or 1
};

template <class Row>
struct Column {
  const char* name;
  Type type;
  std::string Row::*text = nullptr;  // text, id
  int64_t Row::*number = nullptr;    // integer, amount
  bool Row::*flag = nullptr;         // flag
};

template <class Row>
constexpr Column<Row> text(const char* name, std::string Row::*field) { return {name, Type::text, field}; }
template <class Row>
constexpr Column<Row> id(const char* name, std::string Row::*field) { return {name, Type::id, field}; }
template <class Row>
constexpr Column<Row> integer(const char* name, int64_t Row::*field) { return {name, Type::integer, nullptr, field}; }
template <class Row>
constexpr Column<Row> amount(const char* name, int64_t Row::*field) { return {name, Type::amount, nullptr, field}; }
template <class Row>
constexpr Column<Row> flag(const char* name, bool Row::*field) { return {name, Type::flag, nullptr, nullptr, field}; }

template <class Row, std::size_t N>
struct Table {
  const char* name;
  std::array<Column<Row>, N> columns;
};

inline constexpr Table<OrganizationRow, 5> kOrganizations{
    "organizations",
    {text("id", &OrganizationRow::id), text("name", &OrganizationRow::name), text("address", &OrganizationRow::address),
     integer("created_at", &OrganizationRow::created_at), integer("updated_at", &OrganizationRow::updated_at)}};

inline constexpr Table<PersonRow, 7> kPersons{
    "persons",
    {text("id", &PersonRow::id), text("name", &PersonRow::name), text("email", &PersonRow::email),
     text("phone", &PersonRow::phone), id("organization_id", &PersonRow::organization_id),
     integer("created_at", &PersonRow::created_at), integer("updated_at", &PersonRow::updated_at)}};

inline constexpr Table<LeadRow, 14> kLeads{
    "leads",
    {text("id", &LeadRow::id), text("kind", &LeadRow::kind), text("title", &LeadRow::title),
     id("person_id", &LeadRow::person_id), id("organization_id", &LeadRow::organization_id),
     id("conversation_id", &LeadRow::conversation_id), amount("value_cents", &LeadRow::value_cents),
     text("currency", &LeadRow::currency), text("expected_close_date", &LeadRow::expected_close_date),
     id("owner_id", &LeadRow::owner_id), text("source", &LeadRow::source), text("status", &LeadRow::status),
     integer("created_at", &LeadRow::created_at), integer("updated_at", &LeadRow::updated_at)}};

inline constexpr Table<ActivityRow, 11> kActivities{
    "activities",
    {text("id", &ActivityRow::id), text("subject", &ActivityRow::subject), text("type", &ActivityRow::type),
     text("due_date", &ActivityRow::due_date), id("owner_id", &ActivityRow::owner_id),
     id("person_id", &ActivityRow::person_id), id("conversation_id", &ActivityRow::conversation_id),
     text("note", &ActivityRow::note), flag("done", &ActivityRow::done),
     integer("created_at", &ActivityRow::created_at), integer("updated_at", &ActivityRow::updated_at)}};

inline constexpr Table<NoteRow, 9> kNotes{
    "notes",
    {text("id", &NoteRow::id), text("content", &NoteRow::content), id("lead_id", &NoteRow::lead_id),
     id("deal_id", &NoteRow::deal_id), id("person_id", &NoteRow::person_id),
     id("organization_id", &NoteRow::organization_id), id("author_id", &NoteRow::author_id),
     integer("created_at", &NoteRow::created_at), integer("updated_at", &NoteRow::updated_at)}};

inline constexpr Table<CredentialRow, 2> kCredentials{
    "credentials", {text("user_id", &CredentialRow::user_id), text("password_hash", &CredentialRow::password_hash)}};

inline constexpr Table<SessionRow, 4> kSessions{
    "sessions",
    {text("token_hash", &SessionRow::token_hash), text("user_id", &SessionRow::user_id),
     integer("created_at", &SessionRow::created_at), integer("expires_at", &SessionRow::expires_at)}};

inline constexpr Table<VisitorRow, 4> kVisitors{
    "visitors",
    {text("token_hash", &VisitorRow::token_hash), text("visitor_id", &VisitorRow::visitor_id),
     id("playbook_id", &VisitorRow::playbook_id), integer("created_at", &VisitorRow::created_at)}};

inline constexpr Table<PlaybookRow, 8> kPlaybooks{
    "playbooks",
    {text("id", &PlaybookRow::id), text("json", &PlaybookRow::json), flag("embedded", &PlaybookRow::embedded),
     integer("created_at", &PlaybookRow::created_at), integer("updated_at", &PlaybookRow::updated_at),
     text("embedded_origin", &PlaybookRow::embedded_origin), integer("embedded_at", &PlaybookRow::embedded_at),
     integer("published_version", &PlaybookRow::published_version)}};

inline constexpr Table<PlaybookVersionRow, 6> kPlaybookVersions{
    "playbook_versions",
    {text("id", &PlaybookVersionRow::id), text("playbook_id", &PlaybookVersionRow::playbook_id),
     integer("version", &PlaybookVersionRow::version), text("json", &PlaybookVersionRow::json),
     text("author_id", &PlaybookVersionRow::author_id), integer("created_at", &PlaybookVersionRow::created_at)}};

inline constexpr Table<PlaybookSettingsRow, 3> kPlaybookSettings{
    "playbook_settings",
    {text("playbook_id", &PlaybookSettingsRow::playbook_id), text("business_hours", &PlaybookSettingsRow::business_hours),
     integer("updated_at", &PlaybookSettingsRow::updated_at)}};

inline constexpr Table<RunRow, 4> kRuns{
    "runs",
    {text("conversation_id", &RunRow::conversation_id), id("playbook_id", &RunRow::playbook_id),
     text("json", &RunRow::json), integer("playbook_version", &RunRow::playbook_version)}};

inline constexpr Table<CannedRow, 6> kCanned{
    "canned_responses",
    {text("id", &CannedRow::id), text("owner_id", &CannedRow::owner_id), text("shortcut", &CannedRow::shortcut),
     text("texts_json", &CannedRow::texts_json), integer("created_at", &CannedRow::created_at),
     integer("updated_at", &CannedRow::updated_at)}};

// Calls f(table) for every table above (schema checks, a second store's set-up).
template <class F>
void for_each_table(F&& f) {
  f(kOrganizations), f(kPersons), f(kLeads), f(kActivities), f(kNotes);
  f(kCredentials), f(kSessions), f(kVisitors), f(kPlaybooks), f(kPlaybookVersions), f(kRuns), f(kCanned),
      f(kPlaybookSettings);
}

// "a, b, c": the table's column names in order.
template <class Row, std::size_t N>
std::string names(const Table<Row, N>& t) {
  std::string out;
  for (const auto& c : t.columns) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

// "INSERT INTO t (k, a, b, created_at) VALUES (m1, m2, m3, m4) ON CONFLICT(k) DO UPDATE SET
// a = excluded.a, ..." — every column but the key and created_at (the first insert's is kept).
// mark(i) is the engine's placeholder for parameter i (1-based): "?" for SQLite, "$i" for PostgreSQL.
template <class Row, std::size_t N, class Mark>
std::string upsert_sql(const Table<Row, N>& t, Mark mark) {
  std::string marks, sets;
  int i = 0;
  for (const auto& c : t.columns) {
    marks += (marks.empty() ? "" : ", ") + mark(++i);
    if (&c == &t.columns[0] || std::string_view(c.name) == "created_at") continue;
    sets += (sets.empty() ? "" : ", ") + std::string(c.name) + " = excluded." + c.name;
  }
  return std::string("INSERT INTO ") + t.name + " (" + names(t) + ") VALUES (" + marks + ") ON CONFLICT(" +
         t.columns[0].name + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
}

// "SELECT <every column> FROM t <tail>", in the table's column order (the stores read that order).
template <class Row, std::size_t N>
std::string select_sql(const Table<Row, N>& t, const char* tail) {
  return "SELECT " + names(t) + " FROM " + t.name + " " + tail;
}

}  // namespace livechat::server::columns
