// The REST routes of Leads > Chatbot: playbooks, the Live Chat template, the Live Chat card
// (add = "Save", pencil = edit, bin = delete), publishing, and the embed snippet.
// Admins only, except the snippet, which any signed-in agent may read.
// Every rule about a playbook's shape is the core's (validate_playbook, add_live_chat_card,
// remove_card); this file loads, parses the request, calls the core and saves.
// Maintenance reminder: the response shapes are listed in docs/protocol.md ("REST API").
#include <algorithm>
#include <charconv>
#include <climits>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <variant>

#include "api.hpp"
#include "api_internal.hpp"
#include "auth.hpp"
#include "livechat/playbook.hpp"
#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"

namespace livechat::server {

namespace {
using json = nlohmann::json;

// "embedded" once its widget has loaded from an allowed page; until then the Live Chat card
// runs offline-only (the article's rule, applied by the engine through PlaybookContext).
const char* status_name(const PlaybookRow& row) { return row.embedded ? "embedded" : "offline-only"; }

struct Loaded {
  PlaybookRow row;
  Playbook playbook;           // the draft (row.json) the builder edits
  std::optional<Playbook> live = {};  // the published version visitors get (row.published_version)
};

const char* change_kind_name(PlaybookChange::Kind kind) {
  switch (kind) {
    case PlaybookChange::Kind::setting: return "setting";
    case PlaybookChange::Kind::card_added: return "card_added";
    case PlaybookChange::Kind::card_removed: return "card_removed";
    case PlaybookChange::Kind::card_changed: return "card_changed";
  }
  return "setting";
}

// Whether the draft differs from the published version in anything (diff_playbooks names
// the settings and cards an admin reads; a setting it does not know still counts here).
bool draft_differs(const Loaded& l) {
  if (!l.live) return true;
  Playbook draft = l.playbook, live = *l.live;
  draft.published = live.published = true;
  return !(draft == live);
}

// The playbook view every route answers with: the draft, the published version's number, and
// what the draft changes compared with it ("changes": the core's diff_playbooks).
json view(const Loaded& l) {
  const PlaybookRow& row = l.row;
  Playbook draft = l.playbook;
  draft.published = row.published_version > 0;
  json changes = json::array();
  if (l.live)
    for (const PlaybookChange& c : diff_playbooks(*l.live, l.playbook))
      changes.push_back({{"kind", change_kind_name(c.kind)}, {"name", c.name}, {"fields", c.fields}});
  return {{"id", row.id},
          {"status", status_name(row)},
          {"embedded", row.embedded},
          {"embedded_on", row.embedded_origin},
          {"embedded_at", row.embedded_at},
          {"created_at", row.created_at},
          {"updated_at", row.updated_at},
          {"published_version", row.published_version},
          {"draft", draft_differs(l)},
          {"changes", std::move(changes)},
          {"playbook", playbook_to_json_value(draft)}};
}

// A stored version read back (nullopt when missing or unreadable: logged by the caller's answer).
std::optional<Playbook> stored_version(Store& store, const std::string& id, int64_t version) {
  if (version <= 0) return std::nullopt;
  auto row = store.playbook_version(id, version);
  if (!row) return std::nullopt;
  auto pb = playbook_from_json(row->json);
  if (!pb) return std::nullopt;
  return std::move(pb.value());
}

// Loads the playbook named by :id and its published version. With `parse`, also reads the
// draft's JSON. Answers 404 (or 409 for a stored draft that cannot be read: replace it
// with PUT) and returns nullopt on failure.
std::optional<Loaded> load(Api::Call& call, Store& store, bool parse = true) {
  const std::string& id = call.params["id"];
  auto row = store.playbook(id);
  if (!row) {
    call.error(404, ErrorCode::not_found, "playbook '" + id + "' does not exist", "id");
    return std::nullopt;
  }
  Loaded loaded{std::move(*row), {}};
  loaded.live = stored_version(store, id, loaded.row.published_version);
  if (!parse) return loaded;
  auto pb = playbook_from_json(loaded.row.json);
  if (!pb) {
    call.error(409, ErrorCode::conflict,
               "stored playbook '" + id + "' cannot be read (" + pb.error().message + "); replace it with PUT",
               pb.error().field);
    return std::nullopt;
  }
  loaded.playbook = std::move(pb.value());
  return loaded;
}

// Sends `w` through the engine and answers `status` with `body` once durable.
void answer_when_durable(Api::Call& call, Engine& engine, Write w, int status, json body) {
  engine.write(std::move(w), [respond = call.respond, status, body = std::move(body)](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, status, body);
  });
}

// Makes `loaded` durable (row json from the playbook, updated_at = now), refreshes the engine's
// cache, and answers `status` with the view once durable (wrapped as {"card_id", "playbook"}
// when card_id is given).
// The draft's changes never reach visitors here: only Publish (publish_playbook) does.
void save(Api::Call& call, Engine& engine, int64_t now, Loaded loaded, int status, std::string card_id = {}) {
  loaded.row.id = loaded.playbook.id;
  loaded.playbook.published = loaded.row.published_version > 0;
  loaded.row.json = playbook_to_json(loaded.playbook);
  loaded.row.updated_at = now;
  if (loaded.row.created_at == 0) loaded.row.created_at = now;
  json body = view(loaded);
  if (!card_id.empty()) body = {{"card_id", card_id}, {"playbook", std::move(body)}};
  Write w;
  w.playbooks.push_back(loaded.row);
  engine.playbook_changed(loaded.row);
  answer_when_durable(call, engine, std::move(w), status, std::move(body));
}

// Reads an optional string member into `out`. False (400 sent) when present with another type.
bool read_text(Api::Call& call, const json& body, const char* name, std::optional<std::string>& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    call.error(400, ErrorCode::bad_request, std::string("'") + name + "' must be a string", name);
    return false;
  }
  out = it->get<std::string>();
  return true;
}

// Reads an optional integer member (wait_seconds) into `out`, clamped to int: the core's
// validation then reports anything outside 1..3600. False (400 sent) for another JSON type.
bool read_int(Api::Call& call, const json& body, const char* name, std::optional<int>& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_number_integer()) {
    call.error(400, ErrorCode::bad_request, std::string("'") + name + "' must be an integer", name);
    return false;
  }
  int64_t v = it->is_number_unsigned() ? (it->get<uint64_t>() > uint64_t(INT_MAX) ? int64_t(INT_MAX)
                                                                                   : int64_t(it->get<uint64_t>()))
                                       : it->get<int64_t>();
  out = static_cast<int>(std::clamp<int64_t>(v, INT_MIN, INT_MAX));
  return true;
}

// The Live Chat card fields a request may set.
struct LiveChatEdit {
  std::optional<std::string> online_message, offline_message, offline_next;
  std::optional<int> wait_seconds;
  bool any() const { return online_message || offline_message || offline_next || wait_seconds; }
  void apply(LiveChatCard& card) const {
    if (online_message) card.online_message = *online_message;
    if (wait_seconds) card.wait_seconds = *wait_seconds;
    if (offline_message) card.offline_message = *offline_message;
    if (offline_next) card.offline_next = *offline_next;
  }
};

bool read_live_chat_edit(Api::Call& call, const json& body, LiveChatEdit& edit) {
  return read_text(call, body, "online_message", edit.online_message) &&
         read_int(call, body, "wait_seconds", edit.wait_seconds) &&
         read_text(call, body, "offline_message", edit.offline_message) &&
         read_text(call, body, "offline_next", edit.offline_next);
}

// The Live Chat card of the template: the defaults for a new card's empty fields.
LiveChatCard default_live_chat_card() {
  Playbook t = live_chat_template("template", "template");
  for (const Card& c : t.cards)
    if (auto* l = std::get_if<LiveChatCard>(&c.body)) return *l;
  return LiveChatCard{};
}

}  // namespace

// GET /api/playbooks -> [{id, name, published, status, cards, live_chat_cards, updated_at}]
void Api::list_playbooks(Call& call) {
  if (!call.require_admin()) return;
  auto rows = store_.playbooks();
  std::stable_sort(rows.begin(), rows.end(),
                   [](const PlaybookRow& a, const PlaybookRow& b) { return a.created_at < b.created_at; });
  json out = json::array();
  for (const auto& row : rows) {
    json item{{"id", row.id}, {"status", status_name(row)}, {"embedded", row.embedded},
              {"embedded_on", row.embedded_origin}, {"embedded_at", row.embedded_at},
              {"created_at", row.created_at}, {"updated_at", row.updated_at},
              {"published_version", row.published_version}};
    auto pb = playbook_from_json(row.json);
    if (pb) {
      const Playbook& p = pb.value();
      item["name"] = p.name;
      item["published"] = row.published_version > 0;
      item["cards"] = p.cards.size();
      item["live_chat_cards"] = std::count_if(p.cards.begin(), p.cards.end(),
                                              [](const Card& c) { return c.type() == CardType::live_chat; });
    } else {  // listed anyway, so an admin can see it and replace or delete it
      item["name"] = "";
      item["published"] = false;
      item["cards"] = 0;
      item["live_chat_cards"] = 0;
      item["error"] = pb.error().message;
    }
    out.push_back(std::move(item));
  }
  call.json(200, out);
}

// POST /api/playbooks {"name", "template"?: "live_chat" | "empty"} -> 201 view
void Api::create_playbook(Call& call) {
  if (!call.require_admin()) return;
  auto body = call.body();
  if (!body) return;
  auto name = string_member(*body, "name");
  if (!name) return call.error(400, ErrorCode::bad_request, "'name' must be a string", "name");
  if (!is_valid_utf8(*name)) return call.error(400, ErrorCode::invalid_field, "'name' is not valid UTF-8", "name");
  std::string trimmed = trim(*name);
  if (trimmed.empty()) return call.error(400, ErrorCode::invalid_field, "'name' is required", "name");
  if (trimmed.size() > kMaxNameBytes)
    return call.error(413, ErrorCode::too_large, "'name' is longer than " + std::to_string(kMaxNameBytes) + " bytes",
                      "name");
  auto tmpl = string_member(*body, "template", "live_chat");
  if (!tmpl || (*tmpl != "live_chat" && *tmpl != "empty"))
    return call.error(400, ErrorCode::invalid_field, "'template' must be \"live_chat\" or \"empty\"", "template");

  int64_t now = loop_.now_ms();
  Loaded loaded{PlaybookRow{new_id("pb"), "", false, now, now}, {}};
  Playbook& pb = loaded.playbook;
  pb = *tmpl == "empty" ? empty_playbook(loaded.row.id, trimmed) : live_chat_template(loaded.row.id, trimmed);
  if (pb.bot_name.empty()) pb.bot_name = "Chatbot";
  // No sites yet: the server's own pages may preview it (the engine lets its own origin in), but
  // only a load from a listed site makes it embedded; until then Live Chat runs offline-only.
  pb.allowed_origins.clear();
  pb.published = false;
  if (auto s = validate_playbook(pb); !s) return call.error(s.error());
  save(call, engine_, now, std::move(loaded), 201);
}

// GET /api/playbooks/:id -> view
void Api::get_playbook(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  call.json(200, view(*loaded));
}

// PUT /api/playbooks/:id <playbook JSON> (or {"playbook": <playbook JSON>}) -> view
void Api::put_playbook(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_, false);
  if (!loaded) return;
  auto body = call.body();
  if (!body) return;
  json doc = std::move(*body);
  // Accept the view's "playbook" member too, so a client can send back what it got.
  if (!doc.contains("cards") && doc.contains("playbook") && doc["playbook"].is_object()) {
    json inner = std::move(doc["playbook"]);
    doc = std::move(inner);
  }
  doc["id"] = loaded->row.id;  // the path names the playbook; the body cannot move it
  auto pb = playbook_from_json_value(doc);  // parses and validates
  if (!pb) return call.error(pb.error());
  loaded->playbook = std::move(pb.value());
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
}

// DELETE /api/playbooks/:id -> 204
void Api::delete_playbook(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_, false);
  if (!loaded) return;
  Write w;
  w.deleted_playbooks.push_back(loaded->row.id);
  engine_.write(std::move(w), [respond = call.respond](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, 204, nullptr);
  });
  engine_.playbook_deleted(loaded->row.id);
}

// POST /api/playbooks/:id/live-chat-card {"after"?, "branch"?, "online_message"?, "wait_seconds"?,
// "offline_message"?, "offline_next"?} -> 201 {"card_id", "playbook": view}. The card goes on the
// link "branch" of card "after" (its single next when "branch" is absent; the start when "after"
// is ""); without "after", where the core proposes: the end of the qualifying path.
void Api::add_live_chat_card(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  auto body = call.body();
  if (!body) return;
  std::optional<std::string> after, branch;
  LiveChatEdit edit;
  if (!read_text(call, *body, "after", after) || !read_text(call, *body, "branch", branch) ||
      !read_live_chat_edit(call, *body, edit))
    return;
  LiveChatCard card = default_live_chat_card();
  edit.apply(card);
  Playbook& pb = loaded->playbook;
  Link at = after ? Link{*after, branch.value_or("")} : proposed_live_chat_link(pb);
  auto id = livechat::add_live_chat_card(pb, at, card);  // also validates
  if (!id) return call.error(id.error());
  if (edit.offline_next) {  // the core hands the old target to the new card; the request overrides it
    if (auto s = livechat::set_link(pb, {id.value(), "offline_next"}, *edit.offline_next); !s)
      return call.error(s.error());
  }
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 201, id.value());
}

namespace {

// The link a request names: card "after" (its single next, or its link "branch"); "" = the start.
// False (400 sent) when "after" is missing or a member is not a string.
bool read_link(Api::Call& call, const json& body, Link& link) {
  std::optional<std::string> after, branch;
  if (!read_text(call, body, "after", after) || !read_text(call, body, "branch", branch)) return false;
  if (!after) {
    call.error(400, ErrorCode::bad_request, "'after' is required: a card id, or \"\" for the start", "after");
    return false;
  }
  link = {*after, after->empty() ? std::string("start") : branch.value_or("")};
  return true;
}

}  // namespace

namespace {

// One builder edit of an admin (the routes below): loads the playbook, reads the JSON body, lets
// `edit` change the playbook with one of the core's edits, saves, and answers the view (201
// with the new card's id when the edit made a card). `edit` returns false once it has answered
// a refusal itself.
template <class Edit>
void builder_edit(Api::Call& call, Store& store, Engine& engine, int64_t now, Edit&& edit) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store);
  if (!loaded) return;
  auto body = call.body();
  if (!body) return;
  std::string card_id;
  if (!edit(loaded->playbook, *body, card_id)) return;
  save(call, engine, now, std::move(*loaded), card_id.empty() ? 200 : 201, card_id);
}

// Answers a core refusal; true when the edit was done.
bool done(Api::Call& call, const Status& s) {
  if (!s) call.error(s.error());
  return s.ok();
}

}  // namespace

// POST /api/playbooks/:id/cards {"after", "branch"?, "card": {"type", ...its fields, links ""}}
// -> 201 {"card_id", "playbook": view}. The core's insert_card: the new card's links take over
// the link's old target; its id is made from its type.
void Api::insert_card(Call& call) {
  builder_edit(call, store_, engine_, loop_.now_ms(), [&](Playbook& pb, const json& body, std::string& card_id) {
    Link at;
    if (!read_link(call, body, at)) return false;
    auto it = body.find("card");
    if (it == body.end() || !it->is_object()) {
      call.error(400, ErrorCode::bad_request, "'card' must be an object", "card");
      return false;
    }
    json doc = *it;
    doc["id"] = "new";  // the core names it
    auto card = card_from_json_value(doc);
    if (!card) return done(call, card.error());
    auto id = livechat::insert_card(pb, at, std::move(card.value().body));
    if (!id) return done(call, id.error());
    card_id = id.value();
    return true;
  });
}

// PUT /api/playbooks/:id/cards/:card <card JSON, every field> -> view (the core's edit_card: same
// type, links as given, the playbook validated).
void Api::replace_card(Call& call) {
  builder_edit(call, store_, engine_, loop_.now_ms(), [&](Playbook& pb, const json& body, std::string&) {
    json doc = body.is_object() ? body : json::object();
    doc["id"] = call.params["card"];
    auto card = card_from_json_value(doc);
    return card ? done(call, livechat::edit_card(pb, card.value())) : done(call, card.error());
  });
}

// POST /api/playbooks/:id/cards/:card/move {"after", "branch"?} -> view (the core's move_card).
void Api::move_card(Call& call) {
  builder_edit(call, store_, engine_, loop_.now_ms(), [&](Playbook& pb, const json& body, std::string&) {
    Link to;
    return read_link(call, body, to) && done(call, livechat::move_card(pb, call.params["card"], to));
  });
}

// PUT /api/playbooks/:id/links {"after", "branch"?, "target"} -> view: the link now leads to
// card "target" (the core's set_link).
void Api::set_link(Call& call) {
  builder_edit(call, store_, engine_, loop_.now_ms(), [&](Playbook& pb, const json& body, std::string&) {
    Link link;
    std::optional<std::string> target;
    if (!read_link(call, body, link) || !read_text(call, body, "target", target)) return false;
    if (!target) {
      call.error(400, ErrorCode::bad_request, "'target' is required", "target");
      return false;
    }
    return done(call, livechat::set_link(pb, link, *target));
  });
}

// PATCH /api/playbooks/:id/cards/:card -> view. Live Chat: online_message, wait_seconds,
// offline_message, offline_next; message, end, question, capture: text; create_item: title.
void Api::edit_card(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  const std::string& card_id = call.params["card"];
  Card* card = find_card(loaded->playbook, card_id);
  if (!card) return call.error(404, ErrorCode::not_found, "card '" + card_id + "' does not exist", "card");
  auto body = call.body();
  if (!body) return;

  std::optional<std::string> text;
  bool changed = false;
  if (auto* live = std::get_if<LiveChatCard>(&card->body)) {
    LiveChatEdit edit;
    if (!read_live_chat_edit(call, *body, edit)) return;
    edit.apply(*live);
    changed = edit.any();
    if (!changed)
      return call.error(400, ErrorCode::bad_request,
                        "nothing to change: a live_chat card takes online_message, wait_seconds, offline_message, "
                        "offline_next");
  } else if (std::holds_alternative<QualificationCard>(card->body)) {
    return call.error(409, ErrorCode::conflict,
                      "a qualification card has no text to edit here; change its conditions with PUT "
                      "/api/playbooks/" + loaded->row.id,
                      "card");
  } else {
    bool item = std::holds_alternative<CreateItemCard>(card->body);
    const char* name = item ? "title" : "text";
    if (!read_text(call, *body, name, text)) return;
    if (!text)
      return call.error(400, ErrorCode::bad_request,
                        std::string("nothing to change: a ") + std::string(card_type_name(card->type())) +
                            " card takes '" + name + "'",
                        name);
    std::visit(
        [&](auto& b) {
          using B = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<B, CreateItemCard>) b.title = *text;
          else if constexpr (requires { b.text; }) b.text = *text;
        },
        card->body);
  }
  if (auto s = validate_playbook(loaded->playbook); !s) return call.error(s.error());
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
}

// DELETE /api/playbooks/:id/cards/:card -> view (the flow is relinked around the card)
void Api::delete_card(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  if (auto s = remove_card(loaded->playbook, call.params["card"]); !s) return call.error(s.error());
  if (auto s = validate_playbook(loaded->playbook); !s) return call.error(s.error());  // e.g. the last card
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
}

// POST /api/playbooks/:id/publish {"published"?: bool (default true)} -> view. Publishing checks
// the draft first: refused while publish_problems finds anything (an unreachable card, a Live
// Chat card without offline flow, a capture nothing uses), with the first problem; then the
// draft becomes the next published version (none when it equals the published one). false:
// visitors get nothing until published again; the versions are kept.
void Api::publish_playbook(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  auto body = call.body();
  if (!body) return;
  bool published = true;
  if (auto it = body->find("published"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) return call.error(400, ErrorCode::bad_request, "'published' must be a boolean", "published");
    published = it->get<bool>();
  }
  if (!published) {
    loaded->row.published_version = 0;
    loaded->live.reset();
    return save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
  }
  // every problem Publish checks, the first one answered (the dashboard shows them all)
  if (auto problems = publish_problems(loaded->playbook); !problems.empty()) return call.error(problems.front());
  if (auto s = validate_playbook(loaded->playbook); !s) return call.error(s.error());
  if (!draft_differs(*loaded)) return call.json(200, view(*loaded));  // nothing new to publish
  loaded->row.updated_at = loop_.now_ms();
  loaded->playbook.published = true;
  loaded->row.json = playbook_to_json(loaded->playbook);
  Write w;
  engine_.publish(loaded->row, loaded->playbook, call.user->id, w);
  loaded->live = loaded->playbook;
  answer_when_durable(call, engine_, std::move(w), 200, view(*loaded));
}

// POST /api/playbooks/:id/discard -> view: the draft goes back to the published version.
void Api::discard_draft(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  if (!loaded->live)
    return call.error(409, ErrorCode::conflict, "nothing to go back to: the playbook has no published version",
                      "published_version");
  loaded->playbook = *loaded->live;
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
}

namespace {

// The version named by :version of the playbook in `loaded` (404 sent when there is none).
std::optional<PlaybookVersionRow> version_of(Api::Call& call, Store& store, const Loaded& loaded) {
  const std::string& text = call.params["version"];
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  bool whole = ec == std::errc() && end == text.data() + text.size();
  auto row = whole && number > 0 ? store.playbook_version(loaded.row.id, number) : std::nullopt;
  if (!row)
    call.error(404, ErrorCode::not_found, "playbook '" + loaded.row.id + "' has no version '" + text + "'", "version");
  return row;
}

}  // namespace

// GET /api/playbooks/:id/versions -> {"published_version", "versions": [{"version", "author_id",
// "author_name", "created_at"}], newest first}
void Api::list_playbook_versions(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_, false);
  if (!loaded) return;
  json versions = json::array();
  const auto& users = engine_.committed().users;
  for (const PlaybookVersionRow& v : store_.playbook_versions(loaded->row.id)) {
    auto author = users.find(v.author_id);
    versions.push_back({{"version", v.version}, {"author_id", v.author_id},
                        {"author_name", author == users.end() ? "" : author->second.name},
                        {"created_at", v.created_at}});
  }
  call.json(200, {{"published_version", loaded->row.published_version}, {"versions", std::move(versions)}});
}

// GET /api/playbooks/:id/versions/:version -> {"version", "author_id", "created_at", "playbook"}
void Api::get_playbook_version(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_, false);
  if (!loaded) return;
  auto v = version_of(call, store_, *loaded);
  if (!v) return;
  call.json(200, {{"version", v->version}, {"author_id", v->author_id}, {"created_at", v->created_at},
                  {"playbook", json::parse(v->json, nullptr, false)}});
}

// POST /api/playbooks/:id/versions/:version/restore -> view: the draft becomes that version's
// playbook (going back); Publish then makes it the next version. Nothing is rewritten.
void Api::restore_playbook_version(Call& call) {
  if (!call.require_admin()) return;
  auto loaded = load(call, store_);
  if (!loaded) return;
  auto v = version_of(call, store_, *loaded);
  if (!v) return;
  auto pb = playbook_from_json(v->json);
  if (!pb) return call.error(pb.error());
  loaded->playbook = std::move(pb.value());
  loaded->playbook.id = loaded->row.id;
  save(call, engine_, loop_.now_ms(), std::move(*loaded), 200);
}

// GET /api/playbooks/:id/snippet -> {"snippet", "playbook"} (any signed-in agent); 409 for a
// draft, whose widget could never start.
void Api::snippet(Call& call) {
  if (!call.user) return call.error(401, ErrorCode::forbidden, "sign in first");
  auto loaded = load(call, store_);
  if (!loaded) return;
  if (!loaded->playbook.published)
    return call.error(409, ErrorCode::conflict, "publish the playbook first: its widget starts only when published",
                      "published");
  const std::string& id = loaded->row.id;
  std::string tag = "<script src=\"" + html_escape(options_.public_origin) +
                    "/widget/loader.js\" data-playbook=\"" + html_escape(id) + "\" async></script>";
  call.json(200, {{"snippet", tag}, {"playbook", id}});
}

// GET /api/embed/:id (public) -> 200 {"ok": true} when a page at the request's Origin may run
// the playbook's widget; 404 when no published playbook has that id; 403 when the Origin is not
// one of its allowed sites. The widget asks only after its WebSocket failed to open, to tell the
// site owner why (docs/embedding.md). The answer is the WebSocket's own rule (Engine::admit),
// asked twice: from the server's own origin (only the playbook can fail), then from the caller's.
void Api::embed_check(Call& call) {
  HttpRequest upgrade = call.request;
  const std::string& id = upgrade.query["playbook"] = call.params["id"];
  std::string origin = upgrade.header("origin");
  if (origin.empty()) origin = "http://" + upgrade.header("host");  // same-origin GETs carry no Origin
  upgrade.headers["origin"] = options_.public_origin;
  std::string refusal = engine_.admit(Channel::visitor, upgrade);
  int status = 404;
  ErrorCode code = ErrorCode::not_found;
  std::string message = "no published playbook '" + id + "' on this server: publish it in the dashboard, or check "
                        "data-playbook in the snippet";
  if (refusal.empty()) {
    upgrade.headers["origin"] = origin;
    refusal = engine_.admit(Channel::visitor, upgrade);
    status = 403;
    code = ErrorCode::forbidden;
    message = origin + " is not one of the allowed sites of playbook '" + id + "': add it in the dashboard";
  }
  HttpResponse r;
  r.status = refusal.empty() ? 200 : status;
  json body = json{{"ok", true}};
  if (!refusal.empty()) body = {{"error", {{"code", std::string(error_code_name(code))}, {"message", message}}}};
  r.body = body.dump();
  r.headers.push_back({"Access-Control-Allow-Origin", "*"});  // any site may ask; no credentials
  r.headers.push_back({"Cache-Control", "no-store"});
  (*call.respond)(std::move(r));
}

}  // namespace livechat::server
