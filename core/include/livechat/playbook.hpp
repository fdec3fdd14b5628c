// Chatbot playbooks: the cards an admin arranges in Leads > Chatbot, their JSON form, their
// validation, the "Live Chat template", and the builder's rules: the links of a flow, the edits
// (insert any card on any link, link, edit, move, remove with relinking), the outline the
// dashboard draws, what Publish checks and what a draft changes. Plain values and pure
// functions; the interpreter is in playbook_run.hpp.
//
// Maintenance reminder: the JSON names below (card types, fields, ops, item kinds) are the wire
// and storage format; the admin UI's card editor and docs/protocol.md must change with them.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "livechat/model.hpp"  // ItemKind (lead | deal | activity): item_kind_name, parse_item_kind
#include "livechat/result.hpp"

namespace livechat {

// Limits validate_playbook enforces.
inline constexpr std::size_t kMaxPlaybookCards = 200;
inline constexpr std::size_t kMaxCardText = 4000;        // any rich text or title, UTF-8 bytes
inline constexpr std::size_t kMaxCardIdBytes = 64;       // ids: ASCII letters, digits, '_' and '-'
inline constexpr std::size_t kMaxButtons = 10;
inline constexpr std::size_t kMaxButtonLabel = 100;      // bytes
inline constexpr std::size_t kMaxConditions = 20;
inline constexpr std::size_t kMaxAllowedOrigins = 50;
inline constexpr std::size_t kMaxUrlBytes = 2000;
inline constexpr std::size_t kMaxPlaybookJsonBytes = 4 * 1024 * 1024;
inline constexpr int kMinWaitSeconds = 1;
inline constexpr int kMaxWaitSeconds = 3600;

// --- cards ------------------------------------------------------------------------------------
// Every `next`-style field holds the id of another card of the same playbook.

// Shows rich text (Markdown subset: **bold**, *italic*, [link](url), ![img](url), "- " bullets;
// only the source is stored, the rich-text renderer parses it), then goes on to `next`.
struct MessageCard {
  std::string text;
  std::string next;
  bool operator==(const MessageCard&) const = default;
};

struct Button {
  std::string label;
  std::string next;
  bool operator==(const Button&) const = default;
};

// Asks a question. With buttons (1..10) the visitor picks one and the run follows its `next`;
// without buttons the visitor types free text and the run goes to `next` (which must then be
// set, and must be empty when there are buttons). The answer is stored under answer_key, or
// under the card id when answer_key is empty.
struct QuestionCard {
  std::string text;
  std::vector<Button> buttons;
  std::string next;
  std::string answer_key;
  bool operator==(const QuestionCard&) const = default;
};

enum class CaptureKind { name, email, phone, company };

// Asks for one piece of contact data and validates it (see playbook_run.hpp). The answer is
// stored under answer_key, or under the field's name ("name", "email", "phone", "company") when
// answer_key is empty.
struct CaptureCard {
  std::string text;
  CaptureKind field = CaptureKind::email;
  std::string next;
  std::string answer_key;
  bool operator==(const CaptureCard&) const = default;
};

enum class ConditionOp { equals, not_equals, contains, not_empty, empty };

// One test on a stored answer. Answers and values are compared trimmed and ASCII
// case-insensitively; a missing answer counts as empty. `value` is required for equals,
// not_equals and contains, and ignored (but kept) for empty and not_empty.
struct Condition {
  std::string answer_key;
  ConditionOp op = ConditionOp::not_empty;
  std::string value;
  bool operator==(const Condition&) const = default;
};

enum class Match { all, any };

// Qualifies or disqualifies the lead: 1..20 conditions combined with all/any.
struct QualificationCard {
  std::vector<Condition> conditions;
  Match match = Match::all;
  std::string qualified_next;
  std::string unqualified_next;
  bool operator==(const QualificationCard&) const = default;
};

// The Live Chat card. Online (someone available and the playbook embedded in a page): shows
// online_message and asks for a human, who has wait_seconds to take the chat. Otherwise, or
// when the wait time runs out: shows offline_message and runs the offline flow from
// offline_next (empty: the run ends after the offline message).
struct LiveChatCard {
  std::string online_message;
  int wait_seconds = 120;
  std::string offline_message;
  std::string offline_next;
  bool operator==(const LiveChatCard&) const = default;
};

// Creates a lead, deal or activity. `title` may quote answers as {{key}}. `fields` maps an item
// field (person_name, email, phone, organization, deal_value, note) to the answer key feeding it.
struct CreateItemCard {
  ItemKind item = ItemKind::lead;
  std::string title;
  std::map<std::string, std::string> fields;
  std::string next;
  bool operator==(const CreateItemCard&) const = default;
};

// Ends the run, optionally with a last message.
struct EndCard {
  std::string text;
  bool operator==(const EndCard&) const = default;
};

// The card type is the index of the body's alternative: keep CardType in the same order.
enum class CardType { message, question, capture, qualification, live_chat, create_item, end };
using CardBody =
    std::variant<MessageCard, QuestionCard, CaptureCard, QualificationCard, LiveChatCard, CreateItemCard, EndCard>;

struct Card {
  std::string id;
  CardBody body;
  CardType type() const { return static_cast<CardType>(body.index()); }
  bool operator==(const Card&) const = default;
};

struct Playbook {
  std::string id;
  std::string name;
  std::string bot_name;                      // the chatbot's display name (may be empty)
  std::string bot_avatar_url;                // empty or an http(s) URL
  bool published = false;
  std::vector<std::string> allowed_origins;  // "https://shop.example.com[:port]" where the widget may run
  std::string start;                         // id of the first card
  std::vector<Card> cards;                   // in the builder's display order
  bool operator==(const Playbook&) const = default;
};

// --- names (the JSON spelling) ------------------------------------------------------------------
std::string_view card_type_name(CardType);
std::string_view capture_kind_name(CaptureKind);
std::string_view condition_op_name(ConditionOp);
std::string_view match_name(Match);
// Item fields a create_item card may fill: person_name, email, phone, organization, deal_value, note.
bool is_item_field(std::string_view name);

// The card with this id, or nullptr.
const Card* find_card(const Playbook&, std::string_view id);
Card* find_card(Playbook&, std::string_view id);

// Checks the whole playbook and returns the first problem found, or ok:
//  - id (1..64 of [A-Za-z0-9_-]), name (non-empty), bot_name, avatar URL, allowed origins
//    (http(s)://host[:port], no path) — Error.field is the top-level name ("allowed_origins.2").
//  - 1..200 cards; card ids well formed and unique (conflict); start names an existing card.
//  - per card: texts valid UTF-8 (invalid_field) and at most 4000 bytes (too_large), required
//    texts non-empty; buttons 1..10 with unique non-empty labels; wait_seconds in 1..3600;
//    conditions 1..20 with an answer key (and a value where the op needs one); create_item
//    fields known and mapped to a key; every next/branch target exists (not_found).
// Card errors read "card 'ask_email': field 'next' points to unknown card 'nope'" with
// Error.field "cards.ask_email.next" (nested: "cards.q.buttons.1.next"); a card whose own id is
// malformed is named by position ("card #3", "cards.3.id"). Unreachable cards are allowed.
Status validate_playbook(const Playbook&);

// A site as an admin types it ("  HTTPS://Shop.Example.com:443/ ") in the form a browser sends
// as Origin and allowed_origins holds ("https://shop.example.com"): trimmed, lower case, one
// trailing '/' dropped, the scheme's default port (:443, :80) dropped. "" when it is not an
// origin (another scheme, a path, a query, a '*' wildcard, characters a host cannot hold).
// Wildcards are not supported: each subdomain is a site of its own (docs/embedding.md).
std::string origin_of(std::string_view site);

// --- JSON -------------------------------------------------------------------------------------
// Parses and validates. Malformed JSON, a missing required member or a member of the wrong type
// gives bad_request naming the member ("card 'lc': field 'wait_seconds' must be an integer",
// field "cards.lc.wait_seconds"); unknown type/field/op/match/item names give invalid_field;
// then validate_playbook. Unknown members are ignored. Never aborts, whatever the input.
Result<Playbook> playbook_from_json(std::string_view text);
// The same from an already parsed document (named differently: a string literal would make
// an overload ambiguous, both std::string_view and nlohmann::json accept it).
Result<Playbook> playbook_from_json_value(const nlohmann::json& doc);

// Compact JSON with a stable member order; playbook_from_json(playbook_to_json(p)) == p for any
// valid p. Optional members (answer_key, fields, end text, empty value) are left out when empty.
// Never aborts: invalid UTF-8 (only possible in an unvalidated playbook) is replaced by U+FFFD.
std::string playbook_to_json(const Playbook&);
nlohmann::json playbook_to_json_value(const Playbook&);

// One card as it appears in "cards" (the builder's REST edits): parsed only, its links unchecked
// (the edit that uses it validates the playbook); errors name the member as for a playbook.
Result<Card> card_from_json_value(const nlohmann::json& card);
nlohmann::json card_to_json_value(const Card&);

// --- builder helpers ----------------------------------------------------------------------------
// The "Live Chat template": greeting -> question ("I want a demo" / "Just browsing") -> email
// capture -> name capture -> Live Chat card (wait 120 s) -> offline flow: qualification (email
// not empty) -> create lead "Chat lead: {{name}}" -> end. "Just browsing" and the unqualified
// branch end politely. Unpublished, no allowed origins yet; valid for any well-formed id/name.
Playbook live_chat_template(std::string id, std::string name);

// An empty playbook for building a flow from scratch: its one card ends the chat ("end", with a
// thank-you text). Every card the builder adds goes before or around it.
Playbook empty_playbook(std::string id, std::string name);

// A link of the flow: the field of card `card` that names the next card ("next",
// "buttons.1.next", "qualified_next", "unqualified_next", "offline_next"), or the playbook's
// `start` when `card` is empty. An empty field on a card means its single next (see insert_card).
struct Link {
  std::string card;
  std::string field;
  bool operator==(const Link&) const = default;
};

// Every link of the playbook: start first, then each card's links in display order.
std::vector<Link> links_of(const Playbook&);

// The card a link names ("" for an empty offline flow), or nullptr for a link that does not
// exist (unknown card, a field the card does not have).
const std::string* link_target(const Playbook&, const Link&);

// Where "Add Live Chat card" proposes the new card: the end of the qualifying path. The path
// runs from start taking each question's first button, a qualification's qualified branch and a
// Live Chat card's offline flow; it stops before the first card that ends it (end, create_item,
// Live Chat) or at a card already seen. The proposal is the link leading to that card (for the
// template: ask_name's next, just before its Live Chat card).
Link proposed_live_chat_link(const Playbook&);

// Adds a card of `body` at link `at`: the link now leads to the new card, and every link of the
// new card (next, each button's next, both qualification branches, the offline flow) takes over
// the link's old target, so the flow goes on as before after the new card. An end card drops
// the old target from this path (it stays in the playbook; validate_for_publish reports it if
// nothing else reaches it). `at` with an empty field on a card means that card's single next.
// The new card is shown right after the card of `at` (first for start). Its id is the type's
// name ("message", "live_chat"...), or name_2, name_3... if taken; it is returned. Refused
// (playbook unchanged): unknown card or field (not_found); an empty field on a card without a
// single next — a question with buttons, a qualification, an end card (conflict); a card that
// needs a next at a link with no target (an empty offline flow; conflict); or a result that
// fails validate_playbook.
Result<std::string> insert_card(Playbook&, const Link& at, CardBody body);

// insert_card for a Live Chat card (the REST API's and the dashboard's "Add Live Chat card").
Result<std::string> add_live_chat_card(Playbook&, const Link& at, const LiveChatCard& card);

// Points link `link` at the existing card `target` ("" only for an offline flow). Refused: a
// link that does not exist or a target that does not exist (not_found); a card linked to itself
// (conflict). The playbook stays valid.
Status set_link(Playbook&, const Link& link, std::string_view target);

// Replaces the fields of card `card.id` with `card.body` (same type; its links as given). Refused
// (unchanged): unknown card (not_found), another type (conflict), a result that fails
// validate_playbook.
Status edit_card(Playbook&, const Card& card);

// Removes a card, relinking: when the card has a single next (message, free-text question,
// capture, create_item, Live Chat with an offline_next), every reference to it — including
// `start` — is redirected to that next, so the flow just skips it. When it has no single next
// (end, question with buttons, qualification, Live Chat without offline flow) it is removed only
// if nothing points to it; otherwise the playbook is unchanged and the error (conflict) names
// the first referring card and field: "card 'x' cannot be removed: card 'y' field 'next' still
// points to it" (Error.field "cards.y.next", or "start"). Unknown id: not_found.
Status remove_card(Playbook&, std::string_view card_id);

// Moves a card with a single next (message, free-text question, capture, create_item, Live Chat
// with an offline flow) to link `to`: it is cut out as remove_card relinks, then the link `to`
// leads to it and its single next takes over that link's old target. Id and fields are kept.
// Refused (unchanged): unknown card or link (not_found); a card with branches or without a next,
// a link of the card itself, a link with no target (conflict); a result that fails validation.
Status move_card(Playbook&, std::string_view card_id, const Link& to);

// The flow as an outline the builder draws: a walk from start, each card shown once. A card's
// single next follows at the same depth; each branch (a button, qualified/unqualified, the
// offline flow) is a `branch` row one level deeper with its path below it; a link to a card
// already shown is a `jump` row; cards no path reaches come last as `unreachable` rows.
struct OutlineRow {
  enum class Kind { card, branch, jump, unreachable };
  Kind kind = Kind::card;
  int depth = 0;
  std::string card;  // card/unreachable: the card; jump: the card jumped to; branch: the branching card
  Link link;         // card/jump: the link leading here ({} for unreachable); branch: the branch's link
  std::string label; // branch: the button's label ("" for other branches)
  bool operator==(const OutlineRow&) const = default;
};
std::vector<OutlineRow> outline(const Playbook&);

// What Publish checks beyond validate_playbook (whose error, if any, comes alone): a card no path
// from start reaches (Error.field "cards.<id>"), a Live Chat card without an offline flow
// ("cards.<id>.offline_next"), a capture whose answer nothing uses — no qualification
// condition, create_item field or {{key}} in a title ("cards.<id>.answer_key"). One error per
// problem, in display order, each naming its card; empty when the playbook may be published.
std::vector<Error> publish_problems(const Playbook&);

// What a draft changes compared with another version: one entry per playbook setting (name,
// bot_name, bot_avatar_url, allowed_origins, start) or card that differs, settings first, then
// cards in the draft's display order, then removed cards. `fields` lists the card's members that
// differ, as the JSON names them, in alphabetical order ("buttons", "next", "text"...; "type"
// when the type changed).
struct PlaybookChange {
  enum class Kind { setting, card_added, card_removed, card_changed };
  Kind kind = Kind::setting;
  std::string name;                  // the setting's name, or the card id
  std::vector<std::string> fields;   // card_changed: the members that differ
  bool operator==(const PlaybookChange&) const = default;
};
std::vector<PlaybookChange> diff_playbooks(const Playbook& from, const Playbook& to);

}  // namespace livechat
