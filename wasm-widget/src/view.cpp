// What the widget shows, built from the shared core's State: the transcript as HTML (every piece
// of text goes through the core's to_safe_html, so nothing a visitor, agent or bot wrote reaches
// innerHTML unescaped) and a small JSON view the JS shell paints with textContent. The JSON is
// written by hand (JsonObject below): building it with nlohmann/json cost ~7 KB of compressed
// wasm, a tenth of the widget's budget.
// Maintenance reminder: the keys of answer(), view_json() and strings_json() are read by
// widget_ui.js.
#include <cctype>
#include <cstdint>

#include "livechat/catalog.hpp"
#include "livechat/richtext.hpp"
#include "widget.hpp"

namespace livechat::widget {

namespace {

// Appends `s` as a JSON string. The text is valid UTF-8 (decoded frames and visitor input are
// checked), so only quotes, backslashes and control characters need escapes.
void put_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  out += '"';
}

// A flat JSON object, written in order.
struct JsonObject {
  std::string s = "{";
  void key(const char* k) {
    if (s.size() > 1) s += ',';
    put_json_string(s, k);
    s += ':';
  }
  JsonObject& str(const char* k, std::string_view v) {
    key(k);
    put_json_string(s, v);
    return *this;
  }
  JsonObject& flag(const char* k, bool v) {
    key(k);
    s += v ? "true" : "false";
    return *this;
  }
  JsonObject& num(const char* k, uint64_t v) {
    key(k);
    s += std::to_string(v);
    return *this;
  }
  JsonObject& strs(const char* k, const std::vector<std::string>& v) {
    key(k);
    s += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) s += ',';
      put_json_string(s, v[i]);
    }
    s += ']';
    return *this;
  }
  JsonObject& raw(const char* k, std::string_view json) {  // a value that is JSON text already
    key(k);
    s += json;
    return *this;
  }
  std::string done() { return s + "}"; }
};

// Plain text (a visitor's message, a name) as safe HTML: a tree of text and line breaks rendered
// by the core's renderer, so it is escaped like everything else and never parsed as markup.
std::string plain_html(std::string_view text) {
  RichNode para{RichNode::Kind::paragraph, "", "", {}};
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (start > 0) para.children.push_back(RichNode{RichNode::Kind::line_break, "", "", {}});
    if (end > start) para.children.push_back(RichNode{RichNode::Kind::text, std::string(text.substr(start, end - start)), "", {}});
    start = end + 1;
  }
  return to_safe_html(RichNode{RichNode::Kind::document, "", "", {para}});
}

// A name set inside a sentence ("<bdi>Anna</bdi> joined the chat") as safe HTML: both parts are
// escaped by the core's renderer, and the <bdi> isolates the name, so direction controls in it
// (U+202E RIGHT-TO-LEFT OVERRIDE, say) end with it and cannot reverse the words that follow.
// Maintenance reminder: widget_ui.js shows "<name> is typing" the same way.
std::string name_then(const std::string& name, std::string_view rest) {
  return "<p><bdi>" + html_escape(name) + "</bdi>" + html_escape(rest) + "</p>";
}

// Our own ids only ([A-Za-z0-9-]): safe inside a data attribute without escaping.
bool plain_id(const std::string& id) {
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-')) return false;
  return !id.empty();
}

// The widget's own words in the visitor's language: wasm-widget/po/<language>.po, compiled and
// embedded at build time (cmake/catalogs.cmake); the English text is the key (scripts/po-update).
struct Words {
  livechat::Catalog catalog;
  explicit Words(const std::string& lang) : catalog(catalog_for(choose_language(lang, embedded_catalogs()), embedded_catalogs())) {}
  const char* tr(const char* english) const { return catalog.translate(english); }
};
}  // namespace

std::string Widget::view_json() const {
  const Words w(lang_);
  const Conversation* c = current();
  auto name_of = [&](const std::string& id) {
    auto u = state_.users.find(id);
    return u == state_.users.end() || u->second.name.empty() ? std::string(w.tr("A team member")) : u->second.name;
  };
  std::string log;
  bool waiting = false, ended = false;
  std::string title = bot_name_.empty() ? "Chat" : bot_name_;
  if (c) {
    waiting = c->phase == Phase::unassigned && !c->missed;
    // Over: closed, or the chatbot finished and no person is in the chat (one may still join a
    // missed chat later: then the input comes back).
    ended = shown_prompt().kind == PromptKind::finished;
    if (c->phase == Phase::assigned) title = name_of(c->assignee);
    for (const auto& m : c->messages) {
      switch (m.author) {
        case Author::bot:
          log += "<div class=\"m bot\"><div class=\"b\">" + to_safe_html(m.text) + "</div></div>";
          break;
        case Author::agent:
          log += "<div class=\"m agent\"><div class=\"who\">" + plain_html(name_of(m.author_id)) +
                 "</div><div class=\"b\">" + to_safe_html(m.text) + "</div></div>";
          break;
        case Author::visitor:
          log += "<div class=\"m me\"><div class=\"b\">" + plain_html(m.text) + "</div><div class=\"st\">" +
                 w.tr("Sent") + "</div></div>";
          break;
        case Author::note: break;  // never sent to a visitor (visitor_sees); drawn as nothing all the same
        case Author::system: {
          std::string line;
          switch (m.note) {
            case SystemNote::joined:
            case SystemNote::reassigned: line = name_then(name_of(m.subject), w.tr(" joined the chat")); break;
            case SystemNote::unassigned: line = name_then(name_of(m.subject), w.tr(" left the chat")); break;
            case SystemNote::wait_expired: line = plain_html(w.tr("Nobody is available right now.")); break;
            case SystemNote::closed: line = plain_html(w.tr("Chat ended")); break;
            default: break;  // live_chat_requested: the wait indicator; items are the team's business
          }
          if (!line.empty()) log += "<div class=\"m sys\">" + line + "</div>";
          break;
        }
      }
    }
  }
  for (const auto& p : outbox_) {
    if (p.conversation != conversation_) continue;
    bool failed = p.status == Pending::Status::failed;
    log += std::string("<div class=\"m me pending") + (failed ? " failed" : "") + "\"><div class=\"b\">" +
           plain_html(p.text) + "</div><div class=\"st\">";
    if (failed) {
      log += std::string(w.tr("Not sent.")) + " " + (p.error.empty() ? "" : plain_html(p.error));
      if (plain_id(p.client_id))
        log += std::string("<button type=\"button\" data-retry=\"") + p.client_id + "\">" + w.tr("Retry") + "</button>";
    } else {
      log += p.status == Pending::Status::sent ? w.tr("Sent") : w.tr("Sending…");
    }
    log += "</div></div>";
  }
  JsonObject v;
  v.str("title", title).str("log", log).flag("online", online_).flag("available", live_available_);
  v.num("back_at", back_at_ > 0 ? static_cast<uint64_t>(back_at_) : 0);  // the shell words it (Intl)
  const Prompt shown = shown_prompt();
  v.str("kind", prompt_kind_name(shown.kind)).strs("buttons", shown.buttons);
  v.str("field", shown.kind == PromptKind::capture ? capture_kind_name(shown.field) : std::string_view{});
  v.flag("input", can_write()).flag("waiting", waiting).flag("ended", ended);
  v.str("typing", typing_who_).str("notice", notice_).flag("started", c != nullptr);
  v.flag("throttled", throttled_);
  v.str("conversation", conversation_).num("last_seq", c ? c->last_seq : 0);
  v.str("token", token_).str("outbox", outbox_text());  // what the shell keeps in localStorage
  return v.done();
}

std::string Widget::answer(std::string_view problem, bool with_view) {
  JsonObject a;
  a.strs("send", out).str("problem", problem);
  out.clear();
  if (with_view) a.raw("view", view_json());
  return a.done();
}

std::string Widget::strings_json(const std::string& lang) {
  const Words w(lang);
  JsonObject s;
  s.str("dialog", w.tr("Chat with us")).str("close", w.tr("Close chat"));
  s.str("send", w.tr("Send")).str("write", w.tr("Write a message…"));
  s.str("name", w.tr("Your name")).str("email", w.tr("Your email"));
  s.str("phone", w.tr("Your phone")).str("company", w.tr("Your company"));
  s.str("typing", w.tr(" is typing…")).str("connecting", w.tr("Connecting…"));
  s.str("online", w.tr("Online")).str("ended", w.tr("Chat ended")).str("new", w.tr("New chat"));
  s.str("messages", w.tr("Messages")).str("waiting", w.tr("Waiting for someone from our team to join…"));
  s.str("retry", w.tr("Retry"));
  // Outside business hours (widget_ui.js fills in {day} and {time} with Intl, in the visitor's zone).
  s.str("back_today", w.tr("Back today at {time}")).str("back_tomorrow", w.tr("Back tomorrow at {time}"));
  s.str("back_day", w.tr("Back {day} at {time}"));
  // The "unavailable" state (widget_ui.js, docs/embedding.md).
  s.str("unavailable", w.tr("Unavailable"));
  s.str("unreachable", w.tr("The chat cannot be reached right now. We keep trying."));
  s.str("not_here", w.tr("The chat is not available on this site."));
  return s.done();
}

}  // namespace livechat::widget
