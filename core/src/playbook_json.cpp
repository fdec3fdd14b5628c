// Playbooks: JSON load (parse, then validate_playbook) and dump.
// [SECTION] JSON read  [SECTION] JSON write
#include "livechat/playbook.hpp"

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "livechat/model.hpp"
#include "playbook_internal.hpp"

namespace livechat {

using nlohmann::json;
using detail::card_where;
using detail::err;
using detail::excerpt;
using detail::FirstError;
using detail::kCaptureKinds;
using detail::kCardTypes;
using detail::kMatches;
using detail::kOps;
using detail::kPlaybook;
using detail::MaybeError;
using detail::NameTable;
using detail::parse_in;
using detail::Where;

namespace {

// [SECTION] JSON read --------------------------------------------------------------------------------
// One JSON object being read; `sub` prefixes member names in errors ("buttons.1.").
class Reader {
 public:
  Reader(const json& j, Where w, std::string sub = {}) : j_(j), w_(std::move(w)), sub_(std::move(sub)) {}

  const json* member(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  Error error(ErrorCode code, std::string_view key, std::string_view problem) const {
    return err(code, w_, sub_ + std::string(key), problem);
  }
  MaybeError str(const char* key, std::string& out, bool required) const {
    const json* m = member(key);
    if (!m) return required ? MaybeError(error(ErrorCode::bad_request, key, "is missing")) : std::nullopt;
    if (!m->is_string()) return error(ErrorCode::bad_request, key, "must be a string");
    out = m->get_ref<const std::string&>();
    return std::nullopt;
  }
  MaybeError boolean(const char* key, bool& out) const {
    const json* m = member(key);
    if (!m) return std::nullopt;
    if (!m->is_boolean()) return error(ErrorCode::bad_request, key, "must be true or false");
    out = m->get<bool>();
    return std::nullopt;
  }
  // Out-of-range integers are clamped to int; validation then reports the range.
  MaybeError integer(const char* key, int& out) const {
    const json* m = member(key);
    if (!m) return error(ErrorCode::bad_request, key, "is missing");
    if (!m->is_number_integer()) return error(ErrorCode::bad_request, key, "must be an integer");
    if (m->is_number_unsigned()) {
      auto u = m->get<std::uint64_t>();
      out = u > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(u);
    } else {
      auto v = m->get<std::int64_t>();
      out = v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : static_cast<int>(v);
    }
    return std::nullopt;
  }
  // A member naming an enum value; `parse(name, out)` is false for an unknown name.
  template <class E, class Parse>
    requires std::is_invocable_r_v<bool, Parse&, std::string_view, E&>
  MaybeError name(const char* key, Parse parse, E& out, bool required = true) const {
    std::string s;
    if (auto e = str(key, s, required)) return e;
    if (!member(key)) return std::nullopt;
    if (!parse(s, out)) return error(ErrorCode::invalid_field, key, "has unknown value '" + excerpt(s) + "'");
    return std::nullopt;
  }
  // The same with the names of a NameTable.
  template <class E, std::size_t N>
  MaybeError name(const char* key, const NameTable<E, N>& table, E& out, bool required = true) const {
    return name(key, [&table](std::string_view s, E& v) { return parse_in(table, s, v); }, out, required);
  }
  // An optional array member: nullptr when absent, an error when not an array.
  MaybeError array(const char* key, const json*& out, bool required) const {
    out = member(key);
    if (!out) return required ? MaybeError(error(ErrorCode::bad_request, key, "is missing")) : std::nullopt;
    if (!out->is_array()) return error(ErrorCode::bad_request, key, "must be an array");
    return std::nullopt;
  }
  const Where& where() const { return w_; }

 private:
  const json& j_;
  Where w_;
  std::string sub_;
};

MaybeError read_buttons(const Reader& r, const json& arr, std::vector<Button>& out) {
  if (arr.empty()) return r.error(ErrorCode::invalid_field, "buttons", "must have 1 to 10 entries");
  FirstError e;
  for (std::size_t i = 0; i < arr.size() && !e.error; ++i) {
    std::string sub = "buttons." + std::to_string(i);
    if (!arr[i].is_object()) return r.error(ErrorCode::bad_request, sub, "must be an object");
    Reader b(arr[i], r.where(), sub + ".");
    Button button;
    e(b.str("label", button.label, true));
    e(b.str("next", button.next, true));
    out.push_back(std::move(button));
  }
  return e.error;
}

MaybeError read_conditions(const Reader& r, const json& arr, std::vector<Condition>& out) {
  FirstError e;
  for (std::size_t i = 0; i < arr.size() && !e.error; ++i) {
    std::string sub = "conditions." + std::to_string(i);
    if (!arr[i].is_object()) return r.error(ErrorCode::bad_request, sub, "must be an object");
    Reader c(arr[i], r.where(), sub + ".");
    Condition cond;
    e(c.str("answer_key", cond.answer_key, true));
    e(c.name("op", kOps, cond.op));
    e(c.str("value", cond.value, false));
    out.push_back(std::move(cond));
  }
  return e.error;
}

MaybeError read_fields(const Reader& r, std::map<std::string, std::string>& out) {
  const json* m = r.member("fields");
  if (!m) return std::nullopt;
  if (!m->is_object()) return r.error(ErrorCode::bad_request, "fields", "must be an object");
  for (auto it = m->begin(); it != m->end(); ++it) {
    if (!it->is_string()) return r.error(ErrorCode::bad_request, "fields." + excerpt(it.key()), "must be a string");
    out[it.key()] = it->get_ref<const std::string&>();
  }
  return std::nullopt;
}

Result<Card> card_from_json(const json& j, std::size_t index) {
  if (!j.is_object())
    return make_error(ErrorCode::bad_request, "card #" + std::to_string(index) + " must be an object",
                      "cards." + std::to_string(index));
  Card card;
  if (auto it = j.find("id"); it != j.end() && it->is_string()) card.id = it->get_ref<const std::string&>();
  Reader r(j, card_where(card.id, index));
  FirstError e;
  e(r.str("id", card.id, true));
  CardType type = CardType::message;
  e(r.name("type", kCardTypes, type));
  if (e.error) return *e.error;
  switch (type) {
    case CardType::message: {
      MessageCard b;
      e(r.str("text", b.text, true));
      e(r.str("next", b.next, true));
      card.body = std::move(b);
      break;
    }
    case CardType::question: {
      QuestionCard b;
      const json* buttons = nullptr;
      e(r.str("text", b.text, true));
      e(r.array("buttons", buttons, false));
      if (buttons && !e.error) e(read_buttons(r, *buttons, b.buttons));
      e(r.str("next", b.next, buttons == nullptr));
      e(r.str("answer_key", b.answer_key, false));
      card.body = std::move(b);
      break;
    }
    case CardType::capture: {
      CaptureCard b;
      e(r.str("text", b.text, true));
      e(r.name("field", kCaptureKinds, b.field));
      e(r.str("next", b.next, true));
      e(r.str("answer_key", b.answer_key, false));
      card.body = std::move(b);
      break;
    }
    case CardType::qualification: {
      QualificationCard b;
      const json* conditions = nullptr;
      e(r.array("conditions", conditions, true));
      if (conditions && !e.error) e(read_conditions(r, *conditions, b.conditions));
      e(r.name("match", kMatches, b.match, false));
      e(r.str("qualified_next", b.qualified_next, true));
      e(r.str("unqualified_next", b.unqualified_next, true));
      card.body = std::move(b);
      break;
    }
    case CardType::live_chat: {
      LiveChatCard b;
      e(r.str("online_message", b.online_message, true));
      e(r.integer("wait_seconds", b.wait_seconds));
      e(r.str("offline_message", b.offline_message, true));
      e(r.str("offline_next", b.offline_next, false));
      card.body = std::move(b);
      break;
    }
    case CardType::create_item: {
      CreateItemCard b;
      e(r.name("item", parse_item_kind, b.item));
      e(r.str("title", b.title, true));
      e(read_fields(r, b.fields));
      e(r.str("next", b.next, true));
      card.body = std::move(b);
      break;
    }
    case CardType::end: {
      EndCard b;
      e(r.str("text", b.text, false));
      card.body = std::move(b);
      break;
    }
  }
  if (e.error) return *e.error;
  return card;
}

}  // namespace

Result<Playbook> playbook_from_json_value(const json& doc) {
  if (!doc.is_object()) return make_error(ErrorCode::bad_request, "a playbook must be a JSON object");
  Reader r(doc, kPlaybook);
  Playbook p;
  FirstError e;
  e(r.str("id", p.id, true));
  e(r.str("name", p.name, true));
  e(r.str("bot_name", p.bot_name, false));
  e(r.str("bot_avatar_url", p.bot_avatar_url, false));
  e(r.boolean("published", p.published));
  const json* origins = nullptr;
  e(r.array("allowed_origins", origins, false));
  if (origins && !e.error) {
    if (origins->size() > kMaxAllowedOrigins)
      return r.error(ErrorCode::too_large, "allowed_origins", "has more than 50 entries");
    for (std::size_t i = 0; i < origins->size(); ++i) {
      if (!(*origins)[i].is_string())
        return r.error(ErrorCode::bad_request, "allowed_origins." + std::to_string(i), "must be a string");
      p.allowed_origins.push_back((*origins)[i].get_ref<const std::string&>());
    }
  }
  e(r.str("start", p.start, true));
  const json* cards = nullptr;
  e(r.array("cards", cards, true));
  if (e.error) return *e.error;
  if (cards->size() > kMaxPlaybookCards) return r.error(ErrorCode::too_large, "cards", "has more than 200 cards");
  for (std::size_t i = 0; i < cards->size(); ++i) {
    auto card = card_from_json((*cards)[i], i);
    if (!card) return card.error();
    p.cards.push_back(std::move(card).value());
  }
  if (auto s = validate_playbook(p); !s) return s.error();
  return p;
}

Result<Playbook> playbook_from_json(std::string_view text) {
  if (text.size() > kMaxPlaybookJsonBytes)
    return make_error(ErrorCode::too_large, "playbook JSON is larger than 4 MiB");
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorCode::bad_request, "playbook is not well-formed JSON");
  return playbook_from_json_value(doc);
}

// [SECTION] JSON write --------------------------------------------------------------------------------
namespace {

json card_to_json(const Card& card) {
  json j = json::object();
  j["id"] = card.id;
  j["type"] = std::string(card_type_name(card.type()));
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, MessageCard>) {
          j["text"] = b.text;
          j["next"] = b.next;
        } else if constexpr (std::is_same_v<B, QuestionCard>) {
          j["text"] = b.text;
          if (b.buttons.empty() || !b.next.empty()) j["next"] = b.next;
          if (!b.buttons.empty()) {
            json arr = json::array();
            for (const auto& button : b.buttons) arr.push_back(json{{"label", button.label}, {"next", button.next}});
            j["buttons"] = std::move(arr);
          }
          if (!b.answer_key.empty()) j["answer_key"] = b.answer_key;
        } else if constexpr (std::is_same_v<B, CaptureCard>) {
          j["text"] = b.text;
          j["field"] = std::string(capture_kind_name(b.field));
          j["next"] = b.next;
          if (!b.answer_key.empty()) j["answer_key"] = b.answer_key;
        } else if constexpr (std::is_same_v<B, QualificationCard>) {
          json arr = json::array();
          for (const auto& c : b.conditions) {
            json cj{{"answer_key", c.answer_key}, {"op", std::string(condition_op_name(c.op))}};
            if (!c.value.empty()) cj["value"] = c.value;
            arr.push_back(std::move(cj));
          }
          j["conditions"] = std::move(arr);
          j["match"] = std::string(match_name(b.match));
          j["qualified_next"] = b.qualified_next;
          j["unqualified_next"] = b.unqualified_next;
        } else if constexpr (std::is_same_v<B, LiveChatCard>) {
          j["online_message"] = b.online_message;
          j["wait_seconds"] = b.wait_seconds;
          j["offline_message"] = b.offline_message;
          if (!b.offline_next.empty()) j["offline_next"] = b.offline_next;
        } else if constexpr (std::is_same_v<B, CreateItemCard>) {
          j["item"] = std::string(item_kind_name(b.item));
          j["title"] = b.title;
          if (!b.fields.empty()) j["fields"] = b.fields;
          j["next"] = b.next;
        } else if constexpr (std::is_same_v<B, EndCard>) {
          if (!b.text.empty()) j["text"] = b.text;
        }
      },
      card.body);
  return j;
}

}  // namespace

json playbook_to_json_value(const Playbook& p) {
  json cards = json::array();
  for (const auto& c : p.cards) cards.push_back(card_to_json(c));
  json j = json::object();
  j["id"] = p.id;
  j["name"] = p.name;
  j["bot_name"] = p.bot_name;
  j["bot_avatar_url"] = p.bot_avatar_url;
  j["published"] = p.published;
  j["allowed_origins"] = p.allowed_origins;
  j["start"] = p.start;
  j["cards"] = std::move(cards);
  return j;
}

Result<Card> card_from_json_value(const json& j) { return card_from_json(j, 0); }

json card_to_json_value(const Card& card) { return card_to_json(card); }

std::string playbook_to_json(const Playbook& p) {
  return playbook_to_json_value(p).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace livechat
