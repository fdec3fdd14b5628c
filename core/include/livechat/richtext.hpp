// Rich text for chat messages and the chatbot's cards (the Live Chat card's online and offline
// messages, bot messages): one parser, one tree, two renderers. The widget and the dashboard show
// to_safe_html(); notifications, previews and transcripts use to_plain_text().
//
// Index:
//   [SECTION] Source syntax
//   [SECTION] The tree
//   [SECTION] Parsing
//   [SECTION] Rendering
//
// [SECTION] Source syntax: a small Markdown subset.
//
//   **bold**              strong emphasis
//   *italic*  _italic_    emphasis
//   [label](url)          a link; the label may hold bold, italic and images, never another link
//   ![alt](url)           an image; the alt text is kept as plain text
//   https://... http://   bare URLs are auto-linked (not inside a link label); trailing . , ; : ! ?
//                         ' " * _ ~ and an unbalanced ')' are left out of the URL
//   - item   * item       a line starting with "- " or "* " (after optional indentation) is a
//                         bullet list item; consecutive item lines form one list (no nesting)
//   blank line            separates paragraphs (and ends a list)
//   single newline        a line break inside a paragraph; a non-item line after a list starts a
//                         new paragraph
//   \X                    any ASCII punctuation X is taken literally: \* \_ \[ \] \( \) \! \- \\ and so on.
//                         A backslash before anything else is itself literal.
//
// Details that decide edge cases:
//   - `*` and `_` open only when followed by a non-space and close only when preceded by one, so
//     "2 * 3 * 4" stays literal. `_` never opens or closes inside a word (snake_case_name stays)
//     and only a single `_` is a delimiter (`__x__` is literal). A run of three `*` opens bold
//     and italic together (***x***). Empty emphasis (`****`) is literal.
//   - A link URL ends at the `)` that balances the `(` after `]`, on the same line, so
//     https://en.wikipedia.org/wiki/Foo_(bar) works; `\)` puts a literal `)` in a URL. Surrounding
//     whitespace is trimmed. An empty label shows the URL.
//   - Unclosed or broken markup (`**unclosed`, `[label](`, `![x](`, a stray `]`) is kept as the
//     literal text it was: parsing never fails and never drops a character.
//   - Nesting of inline markup is bounded by kMaxRichTextDepth; deeper openers stay literal, so
//     hostile input cannot exhaust the stack. Parsing is linear in the input size (pathological
//     runs such as 100,000 `*` or `[` included); bounding the input size is the caller's business.
//   - Input is normalized first: invalid UTF-8 is replaced by U+FFFD (one per maximal invalid
//     subsequence, as Unicode recommends), NUL becomes U+FFFD, CRLF and CR become LF. The tree and
//     both renderers therefore always hold valid UTF-8.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace livechat {

// The deepest nesting of inline markup (bold, italic, link and image labels) the parser builds.
inline constexpr std::size_t kMaxRichTextDepth = 16;

// [SECTION] The tree: plain values, comparable, cheap to copy for the sizes chat messages have.
//
//   document   children: paragraph and list nodes, in order
//   paragraph  children: inline nodes (text, bold, italic, link, image, line_break)
//   list       children: list_item nodes; list_item children: inline nodes
//   bold, italic, link   children: inline nodes (a link's children are its label)
//   text       `text` holds the characters (escapes already resolved, never a '\n')
//   link       `url` holds the URL as written (trimmed, escapes resolved) and is NOT checked:
//              the renderers decide whether it may be shown as a link (see safe_url)
//   image      `url` as for links; `text` holds the alt text; no children
//   line_break no fields
struct RichNode {
  enum class Kind { document, paragraph, text, bold, italic, link, image, list, list_item, line_break };
  Kind kind = Kind::text;
  std::string text;
  std::string url;
  std::vector<RichNode> children;
  bool operator==(const RichNode&) const = default;
};

// [SECTION] Parsing

// Parses `source` (any bytes; see "Source syntax") into a document node. Never fails: anything
// that is not markup is text. The result's inline nesting is at most kMaxRichTextDepth, so the
// whole tree is at most kMaxRichTextDepth + 3 levels deep. Empty or blank input gives a document
// with no children.
RichNode parse_rich_text(std::string_view source);

// [SECTION] Rendering

// Where a URL is about to be used: as a link's href or as an image's src.
enum class UrlUse { link, image };

// The URL to emit, or an empty string when it must not be emitted. Leading and trailing ASCII
// whitespace and control characters are trimmed first (browsers ignore them too); a URL with a
// control character left inside (e.g. "java\tscript:") is refused. The scheme, compared
// case-insensitively, must be http or https, or also mailto for links. Relative and scheme-less
// URLs ("//evil.example", "/path", "page.html") are refused. The result is NOT HTML-escaped.
std::string safe_url(std::string_view url, UrlUse use);

// `s` with & < > " ' written as HTML entities: safe as element text and as a quoted attribute
// value (the one HTML escaper: the renderers below and the server's embed snippet use it).
std::string html_escape(std::string_view s);
void html_escape_into(std::string& out, std::string_view s);  // appends html_escape(s) to out

// Renders a tree as an HTML fragment that is safe to insert into a page. Only the tags p, br,
// strong, em, a, img, ul and li are produced. All text and attribute values are escaped
// (& < > " '). A link whose URL safe_url refuses renders as its label alone; accepted links render
// as <a href="..." target="_blank" rel="noopener noreferrer">. An image renders as
// <img src="..." alt="..."> when its URL is http(s), otherwise as its escaped alt text. Links
// never nest (an inner link renders as its label). Hand-built trees deeper than 64 levels are cut
// at that depth (parse_rich_text never builds one). Blocks are concatenated without newlines.
std::string to_safe_html(const RichNode& tree);

// Same as to_safe_html(parse_rich_text(source)).
std::string to_safe_html(std::string_view source);

// Renders a tree as readable plain text (UTF-8, '\n' line ends): paragraphs and lists separated
// by a blank line, line breaks as '\n', list items as "• item" lines, bold and italic as their
// bare text, a link as "label (url)" (just "url" when the label is the URL itself, just "label"
// when safe_url refuses the URL), an image as its alt text. Nothing is escaped: the result is
// not HTML. Same depth cut as to_safe_html.
std::string to_plain_text(const RichNode& tree);

// Same as to_plain_text(parse_rich_text(source)).
std::string to_plain_text(std::string_view source);

}  // namespace livechat
