// Playbooks: names, find_card and validation. JSON load/dump is in playbook_json.cpp; the Live
// Chat template and the builder's edits are in playbook_edit.cpp; the helpers they share are in
// playbook_internal.hpp.
// [SECTION] names  [SECTION] validation
#include "livechat/playbook.hpp"

#include <array>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>

#include "livechat/validate.hpp"
#include "playbook_internal.hpp"

namespace livechat {

using detail::card_where;
using detail::err;
using detail::excerpt;
using detail::FirstError;
using detail::for_each_target;
using detail::kPlaybook;
using detail::MaybeError;
using detail::NameTable;
using detail::Where;

// [SECTION] names ---------------------------------------------------------------------------------
namespace detail {

constexpr NameTable<CardType, 7> kCardTypes{{{CardType::message, "message"}, {CardType::question, "question"},
                                             {CardType::capture, "capture"}, {CardType::qualification, "qualification"},
                                             {CardType::live_chat, "live_chat"}, {CardType::create_item, "create_item"},
                                             {CardType::end, "end"}}};
constexpr NameTable<CaptureKind, 4> kCaptureKinds{{{CaptureKind::name, "name"}, {CaptureKind::email, "email"},
                                                   {CaptureKind::phone, "phone"}, {CaptureKind::company, "company"}}};
constexpr NameTable<ConditionOp, 5> kOps{{{ConditionOp::equals, "equals"}, {ConditionOp::not_equals, "not_equals"},
                                          {ConditionOp::contains, "contains"}, {ConditionOp::not_empty, "not_empty"},
                                          {ConditionOp::empty, "empty"}}};
constexpr NameTable<Match, 2> kMatches{{{Match::all, "all"}, {Match::any, "any"}}};

}  // namespace detail

namespace {

constexpr std::array<std::string_view, 6> kItemFields{"person_name",  "email",      "phone",
                                                      "organization", "deal_value", "note"};

template <class E, std::size_t N>
std::string_view name_in(const NameTable<E, N>& table, E value) {
  for (const auto& [e, n] : table)
    if (e == value) return n;
  return "unknown";
}

}  // namespace

std::string_view card_type_name(CardType v) { return name_in(detail::kCardTypes, v); }
std::string_view capture_kind_name(CaptureKind v) { return name_in(detail::kCaptureKinds, v); }
std::string_view condition_op_name(ConditionOp v) { return name_in(detail::kOps, v); }
std::string_view match_name(Match v) { return name_in(detail::kMatches, v); }

bool is_item_field(std::string_view name) {
  for (auto f : kItemFields)
    if (f == name) return true;
  return false;
}

const Card* find_card(const Playbook& p, std::string_view id) {
  for (const auto& c : p.cards)
    if (c.id == id) return &c;
  return nullptr;
}

Card* find_card(Playbook& p, std::string_view id) {
  return const_cast<Card*>(find_card(static_cast<const Playbook&>(p), id));
}

// [SECTION] validation ------------------------------------------------------------------------------
namespace {

bool is_well_formed_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxCardIdBytes) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

}  // namespace

namespace detail {

// A short, UTF-8-safe quotation of user text for error messages.
std::string excerpt(std::string_view s) { return livechat::excerpt(s, 40); }

const Where kPlaybook{"playbook", ""};

Where card_where(const std::string& id, std::size_t index) {
  if (is_well_formed_id(id)) return {"card '" + id + "'", "cards." + id + "."};
  auto i = std::to_string(index);
  return {"card #" + i, "cards." + i + "."};
}

Error err(ErrorCode code, const Where& w, std::string_view field, std::string_view problem) {
  return make_error(code, w.label + ": field '" + std::string(field) + "' " + std::string(problem),
                    w.prefix + std::string(field));
}

}  // namespace detail

namespace {

MaybeError check_text(const Where& w, std::string_view field, const std::string& s, bool required,
                      std::size_t max = kMaxCardText) {
  if (!is_valid_utf8(s)) return err(ErrorCode::invalid_field, w, field, "is not valid UTF-8");
  if (s.size() > max) return err(ErrorCode::too_large, w, field, "is longer than " + std::to_string(max) + " bytes");
  if (required && trim(s).empty()) return err(ErrorCode::invalid_field, w, field, "must not be empty");
  return std::nullopt;
}

MaybeError check_key(const Where& w, std::string_view field, const std::string& key, bool required) {
  if (key.empty() && !required) return std::nullopt;
  if (!is_well_formed_id(key))
    return err(ErrorCode::invalid_field, w, field, "must be 1 to 64 ASCII letters, digits, '_' or '-'");
  return std::nullopt;
}

// scheme://host[:port] with scheme http or https, a lower-case host of letters, digits, '-' and
// '.', and no path: exactly what a browser sends in the Origin header.
bool is_origin(std::string_view s) {
  std::string_view rest;
  if (s.substr(0, 7) == "http://") rest = s.substr(7);
  else if (s.substr(0, 8) == "https://") rest = s.substr(8);
  else return false;
  auto colon = rest.find(':');
  std::string_view host = rest.substr(0, colon);
  if (host.empty() || host.front() == '.' || host.back() == '.') return false;
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  if (colon == std::string_view::npos) return true;
  std::string_view port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_http_url(std::string_view s) {
  if (!(s.substr(0, 7) == "http://" || s.substr(0, 8) == "https://")) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>') return false;
  return true;
}

std::string lower_trim(std::string_view s) {
  std::string t = trim(s);
  for (auto& c : t)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return t;
}

}  // namespace

std::string origin_of(std::string_view site) {
  std::string s = lower_trim(site);
  if (!s.empty() && s.back() == '/') s.pop_back();
  using SchemePort = std::pair<std::string_view, std::string_view>;
  for (auto [scheme, port] : {SchemePort{"https://", ":443"}, SchemePort{"http://", ":80"}})
    if (s.rfind(scheme, 0) == 0 && s.size() > port.size() && s.compare(s.size() - port.size(), port.size(), port) == 0)
      s.resize(s.size() - port.size());
  return s.size() <= 255 && is_origin(s) ? s : std::string();
}

namespace {

// The card's own fields (targets are checked separately).
MaybeError check_card_fields(const Card& card, const Where& w) {
  FirstError e;
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, MessageCard>) {
          e(check_text(w, "text", b.text, true));
        } else if constexpr (std::is_same_v<B, QuestionCard>) {
          e(check_text(w, "text", b.text, true));
          e(check_key(w, "answer_key", b.answer_key, false));
          if (b.buttons.size() > kMaxButtons)
            e(err(ErrorCode::invalid_field, w, "buttons", "must have 1 to 10 entries"));
          if (!b.buttons.empty() && !b.next.empty())
            e(err(ErrorCode::invalid_field, w, "next", "must be empty when the question has buttons"));
          std::set<std::string> labels;
          for (std::size_t i = 0; i < b.buttons.size(); ++i) {
            std::string field = "buttons." + std::to_string(i) + ".label";
            e(check_text(w, field, b.buttons[i].label, true, kMaxButtonLabel));
            if (!labels.insert(lower_trim(b.buttons[i].label)).second)
              e(err(ErrorCode::conflict, w, field, "repeats the label of another button"));
          }
        } else if constexpr (std::is_same_v<B, CaptureCard>) {
          e(check_text(w, "text", b.text, true));
          e(check_key(w, "answer_key", b.answer_key, false));
        } else if constexpr (std::is_same_v<B, QualificationCard>) {
          if (b.conditions.empty() || b.conditions.size() > kMaxConditions)
            e(err(ErrorCode::invalid_field, w, "conditions", "must have 1 to 20 entries"));
          for (std::size_t i = 0; i < b.conditions.size(); ++i) {
            const auto& c = b.conditions[i];
            std::string base = "conditions." + std::to_string(i) + ".";
            e(check_key(w, base + "answer_key", c.answer_key, true));
            bool needs_value = c.op == ConditionOp::equals || c.op == ConditionOp::not_equals ||
                               c.op == ConditionOp::contains;
            e(check_text(w, base + "value", c.value, needs_value));
          }
        } else if constexpr (std::is_same_v<B, LiveChatCard>) {
          e(check_text(w, "online_message", b.online_message, true));
          if (b.wait_seconds < kMinWaitSeconds || b.wait_seconds > kMaxWaitSeconds)
            e(err(ErrorCode::invalid_field, w, "wait_seconds", "must be between 1 and 3600 seconds"));
          e(check_text(w, "offline_message", b.offline_message, true));
        } else if constexpr (std::is_same_v<B, CreateItemCard>) {
          e(check_text(w, "title", b.title, true));
          for (const auto& [target, key] : b.fields) {
            if (!is_item_field(target))
              e(err(ErrorCode::invalid_field, w, "fields." + excerpt(target),
                    "is not an item field (person_name, email, phone, organization, deal_value, note)"));
            e(check_key(w, "fields." + excerpt(target), key, true));
          }
        } else if constexpr (std::is_same_v<B, EndCard>) {
          e(check_text(w, "text", b.text, false));
        }
      },
      card.body);
  return e.error;
}

MaybeError check_header(const Playbook& p) {
  FirstError e;
  if (!is_well_formed_id(p.id))
    e(err(ErrorCode::invalid_field, kPlaybook, "id", "must be 1 to 64 ASCII letters, digits, '_' or '-'"));
  e(check_text(kPlaybook, "name", p.name, true, kMaxNameBytes));
  e(check_text(kPlaybook, "bot_name", p.bot_name, false, kMaxNameBytes));
  e(check_text(kPlaybook, "bot_avatar_url", p.bot_avatar_url, false, kMaxUrlBytes));
  if (!p.bot_avatar_url.empty() && !is_http_url(p.bot_avatar_url))
    e(err(ErrorCode::invalid_field, kPlaybook, "bot_avatar_url", "must be an http:// or https:// URL"));
  if (p.allowed_origins.size() > kMaxAllowedOrigins)
    e(err(ErrorCode::too_large, kPlaybook, "allowed_origins", "has more than 50 entries"));
  for (std::size_t i = 0; i < p.allowed_origins.size(); ++i)
    if (p.allowed_origins[i].size() > 255 || !is_origin(p.allowed_origins[i]))
      e(err(ErrorCode::invalid_field, kPlaybook, "allowed_origins." + std::to_string(i),
            "must look like https://example.com or http://localhost:8080 (lower case, no path)"));
  return e.error;
}

}  // namespace

Status validate_playbook(const Playbook& p) {
  if (auto e = check_header(p)) return *e;
  if (p.cards.empty()) return err(ErrorCode::invalid_field, kPlaybook, "cards", "must have at least one card");
  if (p.cards.size() > kMaxPlaybookCards)
    return err(ErrorCode::too_large, kPlaybook, "cards", "has more than 200 cards");
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < p.cards.size(); ++i) {
    const auto& id = p.cards[i].id;
    Where w = card_where(id, i);
    if (!is_well_formed_id(id))
      return err(ErrorCode::invalid_field, w, "id", "must be 1 to 64 ASCII letters, digits, '_' or '-'");
    if (!ids.insert(id).second) return err(ErrorCode::conflict, w, "id", "is used by more than one card");
  }
  if (p.start.empty()) return err(ErrorCode::invalid_field, kPlaybook, "start", "must name the first card");
  if (!ids.count(p.start))
    return err(ErrorCode::not_found, kPlaybook, "start", "points to unknown card '" + excerpt(p.start) + "'");
  for (std::size_t i = 0; i < p.cards.size(); ++i) {
    const Card& card = p.cards[i];
    Where w = card_where(card.id, i);
    if (auto e = check_card_fields(card, w)) return *e;
    FirstError e;
    for_each_target(card, [&](const std::string& target, const std::string& field, bool may_be_empty) {
      if (target.empty()) {
        if (!may_be_empty) e(err(ErrorCode::invalid_field, w, field, "must name the next card"));
      } else if (!ids.count(target)) {
        e(err(ErrorCode::not_found, w, field, "points to unknown card '" + excerpt(target) + "'"));
      }
    });
    if (e.error) return *e.error;
  }
  return ok_status();
}

}  // namespace livechat
