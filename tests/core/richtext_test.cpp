// Rich text: one table row per rule, named so a failure says which rule broke. The HTML table
// pins the exact output; the plain-text table pins the readable rendering; the property tests
// feed hostile and pathological input and check the invariants (only allowed tags, well nested,
// no unsafe URL, nothing lost, fast).
#include "livechat/richtext.hpp"

#include "livechat/validate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

namespace livechat {
namespace {

using Kind = RichNode::Kind;

constexpr const char* kA = R"( target="_blank" rel="noopener noreferrer">)";
std::string a(const std::string& href, const std::string& label) { return "<a href=\"" + href + "\"" + kA + label + "</a>"; }

struct HtmlCase {
  const char* name;
  std::string source;
  std::string html;
};

void PrintTo(const HtmlCase& c, std::ostream* os) { *os << c.name; }

class RichTextHtml : public testing::TestWithParam<HtmlCase> {};

TEST_P(RichTextHtml, RendersExactly) { EXPECT_EQ(to_safe_html(GetParam().source), GetParam().html) << "source: " << GetParam().source; }

const HtmlCase kHtmlCases[] = {
    // Each construct.
    {"plain_paragraph", "hello", "<p>hello</p>"},
    {"empty_source", "", ""},
    {"blank_source", " \n\t\n ", ""},
    {"bold", "**b**", "<p><strong>b</strong></p>"},
    {"italic_star", "*i*", "<p><em>i</em></p>"},
    {"italic_underscore", "_i_", "<p><em>i</em></p>"},
    {"link", "[site](https://example.com)", "<p>" + a("https://example.com", "site") + "</p>"},
    {"link_url_trimmed", "[site]( https://example.com )", "<p>" + a("https://example.com", "site") + "</p>"},
    {"link_url_balanced_parens", "[w](https://w.org/Foo_(bar))", "<p>" + a("https://w.org/Foo_(bar)", "w") + "</p>"},
    {"link_empty_label_shows_url", "[](https://e.com)", "<p>" + a("https://e.com", "https://e.com") + "</p>"},
    {"link_mailto", "[mail us](mailto:help@e.com)", "<p>" + a("mailto:help@e.com", "mail us") + "</p>"},
    {"link_scheme_case_insensitive", "[x](HTTPS://E.COM)", "<p>" + a("HTTPS://E.COM", "x") + "</p>"},
    {"image", "![cat](https://e.com/cat.png)", R"(<p><img src="https://e.com/cat.png" alt="cat"></p>)"},
    {"image_alt_drops_markup", "![a **b**](https://e.com/i.png)", R"(<p><img src="https://e.com/i.png" alt="a b"></p>)"},
    {"list_dash", "- a\n- b", "<ul><li>a</li><li>b</li></ul>"},
    {"list_star", "* a\n* b", "<ul><li>a</li><li>b</li></ul>"},
    {"list_indented_marker", "  - a\n   -   b", "<ul><li>a</li><li>b</li></ul>"},
    {"paragraphs_split_by_blank_line", "a\n\nb", "<p>a</p><p>b</p>"},
    {"single_newline_is_line_break", "a\nb", "<p>a<br>b</p>"},
    {"crlf_is_newline", "a\r\nb\r\rc", "<p>a<br>b</p><p>c</p>"},
    {"lines_trimmed", "  a  \n  b", "<p>a<br>b</p>"},
    {"paragraph_list_paragraph", "Hi\n- a\n- b\nBye", "<p>Hi</p><ul><li>a</li><li>b</li></ul><p>Bye</p>"},
    {"blank_line_splits_lists", "- a\n\n- b", "<ul><li>a</li></ul><ul><li>b</li></ul>"},
    {"autolink", "see https://e.com/a.", "<p>see " + a("https://e.com/a", "https://e.com/a") + ".</p>"},
    {"autolink_in_parens", "(http://e.com/x)", "<p>(" + a("http://e.com/x", "http://e.com/x") + ")</p>"},
    {"autolink_inside_bold", "**https://e.com**", "<p><strong>" + a("https://e.com", "https://e.com") + "</strong></p>"},
    {"autolink_not_inside_word", "xhttp://e.com", "<p>xhttp://e.com</p>"},
    {"autolink_needs_host", "http:// x", "<p>http:// x</p>"},
    // Nesting.
    {"bold_inside_link_label", "[**b** x](https://e.com)", "<p>" + a("https://e.com", "<strong>b</strong> x") + "</p>"},
    {"italic_inside_list_item", "- *i* x", "<ul><li><em>i</em> x</li></ul>"},
    {"italic_inside_bold", "**a *b* c**", "<p><strong>a <em>b</em> c</strong></p>"},
    {"bold_inside_italic", "_a **b** c_", "<p><em>a <strong>b</strong> c</em></p>"},
    {"triple_star_is_bold_italic", "***x***", "<p><strong><em>x</em></strong></p>"},
    {"image_inside_link", "[![logo](https://e.com/l.png)](https://e.com)",
     "<p>" + a("https://e.com", R"(<img src="https://e.com/l.png" alt="logo">)") + "</p>"},
    {"link_inside_list_item", "- [a](https://e.com)", "<ul><li>" + a("https://e.com", "a") + "</li></ul>"},
    {"no_link_inside_link", "[a [b](https://x.com) c](https://y.com)",
     "<p>[a " + a("https://x.com", "b") + " c](" + a("https://y.com", "https://y.com") + ")</p>"},
    {"no_autolink_inside_label", "[https://a.com](https://b.com)", "<p>" + a("https://b.com", "https://a.com") + "</p>"},
    {"emphasis_across_line_break", "*a\nb*", "<p><em>a<br>b</em></p>"},
    {"emphasis_does_not_leave_label", "*a [b* c](https://e.com)", "<p>*a " + a("https://e.com", "b* c") + "</p>"},
    // Escapes.
    {"escaped_star", R"(\*not italic\*)", "<p>*not italic*</p>"},
    {"escaped_underscore", R"(\_x\_)", "<p>_x_</p>"},
    {"escaped_brackets", R"(\[x\](https://e.com))", "<p>[x](" + a("https://e.com", "https://e.com") + ")</p>"},
    {"escaped_bang", R"(\![x](https://e.com))", "<p>!" + a("https://e.com", "x") + "</p>"},
    {"escaped_backslash", R"(a\\*b*)", "<p>a\\<em>b</em></p>"},
    {"escaped_list_marker", R"(\- not a list)", "<p>- not a list</p>"},
    {"escaped_paren_in_url", R"([x](https://e.com/a\)b))", "<p>" + a("https://e.com/a)b", "x") + "</p>"},
    {"backslash_before_letter_is_literal", R"(a\b)", "<p>a\\b</p>"},
    {"trailing_backslash_is_literal", "a\\", "<p>a\\</p>"},
    // Things that look like markup but are not.
    {"spaced_stars_stay_literal", "2 * 3 * 4", "<p>2 * 3 * 4</p>"},
    {"snake_case_stays_literal", "snake_case_name", "<p>snake_case_name</p>"},
    {"double_underscore_is_literal", "__x__", "<p>__x__</p>"},
    {"empty_emphasis_is_literal", "a **** b", "<p>a **** b</p>"},
    {"star_without_space_is_not_list", "*a* b", "<p><em>a</em> b</p>"},
    {"dash_without_space_is_not_list", "-a", "<p>-a</p>"},
    // Broken markup is kept as literal text.
    {"unclosed_bold", "**unclosed", "<p>**unclosed</p>"},
    {"unclosed_italic", "*unclosed", "<p>*unclosed</p>"},
    {"unclosed_link_url", "[label](", "<p>[label](</p>"},
    {"unclosed_link_url_with_text", "[label](https://e.com", "<p>[label](" + a("https://e.com", "https://e.com") + "</p>"},
    {"unclosed_image_url", "![x](", "<p>![x](</p>"},
    {"label_without_url", "[label]", "<p>[label]</p>"},
    {"label_then_space_then_url", "[a] (https://e.com)", "<p>[a] (" + a("https://e.com", "https://e.com") + ")</p>"},
    {"stray_close_bracket", "a]b", "<p>a]b</p>"},
    {"unclosed_label", "[abc", "<p>[abc</p>"},
    {"url_cannot_span_lines", "[a](https://e.com\n)", "<p>[a](" + a("https://e.com", "https://e.com") + "<br>)</p>"},
    {"nearest_opener_closes_first", "**a *b**", "<p>**a <em>b</em>*</p>"},
    {"bold_inside_unclosed_label", "[**b**", "<p>[<strong>b</strong></p>"},
    // Hostile input.
    {"script_tag_escaped", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
    {"all_special_chars_escaped", R"(a & b < c > d " e ' f)", "<p>a &amp; b &lt; c &gt; d &quot; e &#39; f</p>"},
    {"entity_not_decoded", "&lt;b&gt;", "<p>&amp;lt;b&amp;gt;</p>"},
    {"javascript_link_is_label", "[x](javascript:alert(1))", "<p>x</p>"},
    {"javascript_mixed_case_spaced", "[x]( JaVaScRiPt:alert(1))", "<p>x</p>"},
    {"javascript_with_tab", "[x](java\tscript:alert(1))", "<p>x</p>"},
    {"javascript_with_leading_control", "[x](\x01javascript:alert(1))", "<p>x</p>"},
    {"javascript_entity_colon", "[x](javascript&#58;alert(1))", "<p>x</p>"},
    {"vbscript_link", "[x](vbscript:msgbox(1))", "<p>x</p>"},
    {"data_link", "[x](data:text/html,<script>alert(1)</script>)", "<p>x</p>"},
    {"scheme_relative_link", "[x](//evil.example)", "<p>x</p>"},
    {"relative_link", "[x](/admin)", "<p>x</p>"},
    {"unsafe_link_keeps_bold_label", "[**x**](javascript:alert(1))", "<p><strong>x</strong></p>"},
    {"data_svg_image", "![x](data:image/svg+xml,<svg onload=alert(1)>)", "<p>x</p>"},
    {"javascript_image", "![x](javascript:alert(1))", "<p>x</p>"},
    {"mailto_image_refused", "![x](mailto:a@e.com)", "<p>x</p>"},
    {"onerror_in_alt", R"t(![" onerror="alert(1)](https://e.com/i.png))t",
     R"t(<p><img src="https://e.com/i.png" alt="&quot; onerror=&quot;alert(1)"></p>)t"},
    {"double_quote_in_href", R"t([x](https://e.com/" onmouseover="alert(1)))t",
     "<p>" + a("https://e.com/&quot; onmouseover=&quot;alert(1)", "x") + "</p>"},
    {"single_quote_in_href", "[x](https://e.com/'onclick='a)", "<p>" + a("https://e.com/&#39;onclick=&#39;a", "x") + "</p>"},
    {"angle_brackets_in_href", "[x](https://e.com/<script>)", "<p>" + a("https://e.com/&lt;script&gt;", "x") + "</p>"},
    {"quote_in_image_src", R"t(![x](https://e.com/"onerror="alert(1)))t",
     R"t(<p><img src="https://e.com/&quot;onerror=&quot;alert(1)" alt="x"></p>)t"},
    {"html_in_label", "[<b>x</b>](https://e.com)", "<p>" + a("https://e.com", "&lt;b&gt;x&lt;/b&gt;") + "</p>"},
    {"autolink_stops_at_quote", R"t(https://e.com/"onmouseover=x)t", "<p>" + a("https://e.com/", "https://e.com/") + "&quot;onmouseover=x</p>"},
    // Text in any script round-trips; invalid UTF-8 becomes U+FFFD.
    {"accents", "Café **crème** brûlée", "<p>Café <strong>crème</strong> brûlée</p>"},
    {"cyrillic", "Привет, *мир*", "<p>Привет, <em>мир</em></p>"},
    {"cjk", "你好 **世界** [链接](https://e.com/路径)", "<p>你好 <strong>世界</strong> " + a("https://e.com/路径", "链接") + "</p>"},
    {"emoji", "👋 _hi_ 🎉", "<p>👋 <em>hi</em> 🎉</p>"},
    {"underscore_inside_non_ascii_word", "при_вет_мир", "<p>при_вет_мир</p>"},
    {"invalid_byte_replaced", "a\xFF" "b", "<p>a\xEF\xBF\xBD" "b</p>"},
    {"truncated_sequence_one_replacement", "a\xE2\x82", "<p>a\xEF\xBF\xBD</p>"},
    {"overlong_replaced", "\xC0\xAF", "<p>\xEF\xBF\xBD\xEF\xBF\xBD</p>"},
    {"surrogate_replaced", "\xED\xA0\x80", "<p>\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD</p>"},
    {"nul_replaced", std::string("a\0b", 3), "<p>a\xEF\xBF\xBD" "b</p>"},
};

INSTANTIATE_TEST_SUITE_P(Rules, RichTextHtml, testing::ValuesIn(kHtmlCases),
                         [](const testing::TestParamInfo<HtmlCase>& info) { return std::string(info.param.name); });

struct PlainCase {
  const char* name;
  std::string source;
  std::string plain;
};

void PrintTo(const PlainCase& c, std::ostream* os) { *os << c.name; }

class RichTextPlain : public testing::TestWithParam<PlainCase> {};

TEST_P(RichTextPlain, RendersExactly) { EXPECT_EQ(to_plain_text(GetParam().source), GetParam().plain) << "source: " << GetParam().source; }

const PlainCase kPlainCases[] = {
    {"text_unescaped", "a < b & \"c\"", "a < b & \"c\""},
    {"emphasis_markers_dropped", "**b** and *i*", "b and i"},
    {"link_label_and_url", "[site](https://e.com)", "site (https://e.com)"},
    {"autolink_once", "go https://e.com now", "go https://e.com now"},
    {"unsafe_link_label_only", "[x](javascript:alert(1))", "x"},
    {"mailto_link", "[mail](mailto:a@e.com)", "mail (mailto:a@e.com)"},
    {"image_alt", "![a cat](https://e.com/c.png)", "a cat"},
    {"list_bullets", "- one\n* two", "\xE2\x80\xA2 one\n\xE2\x80\xA2 two"},
    {"paragraphs_blank_line", "a\n\nb", "a\n\nb"},
    {"line_break_newline", "a\nb", "a\nb"},
    {"mixed_blocks", "Hi\n- a\nBye", "Hi\n\n\xE2\x80\xA2 a\n\nBye"},
    {"escapes_resolved", R"(\*x\*)", "*x*"},
    {"broken_markup_kept", "**a [b](", "**a [b]("},
    {"nested_label", "[**b** c](https://e.com)", "b c (https://e.com)"},
    {"unicode", "Привет 你好 👋", "Привет 你好 👋"},
};

INSTANTIATE_TEST_SUITE_P(Rules, RichTextPlain, testing::ValuesIn(kPlainCases),
                         [](const testing::TestParamInfo<PlainCase>& info) { return std::string(info.param.name); });

// Broken markup never loses a character: the plain text is the source itself.
TEST(RichTextBroken, LiteralTextKeepsEveryCharacter) {
  for (const char* source : {"**unclosed", "[label](", "![x](", "*a **b", "[a [b [c", "a ] b ) c (", "_a *b", "![", "x**", "a_b_"})
    EXPECT_EQ(to_plain_text(std::string_view(source)), source);
}

TEST(RichTextTree, ParsesIntoPlainValues) {
  const RichNode text_b{Kind::text, "b", {}, {}};
  const RichNode expected{Kind::document, {}, {}, {
      RichNode{Kind::paragraph, {}, {}, {
          RichNode{Kind::text, "a ", {}, {}},
          RichNode{Kind::link, {}, "https://e.com", {RichNode{Kind::bold, {}, {}, {text_b}}}},
          RichNode{Kind::line_break, {}, {}, {}},
          RichNode{Kind::image, "alt", "https://e.com/i.png", {}},
      }},
      RichNode{Kind::list, {}, {}, {RichNode{Kind::list_item, {}, {}, {RichNode{Kind::italic, {}, {}, {text_b}}}}}},
  }};
  EXPECT_EQ(parse_rich_text("a [**b**](https://e.com)\n![alt](https://e.com/i.png)\n- *b*"), expected);
}

TEST(RichTextTree, KeepsUncheckedUrlForRenderersToJudge) {
  const RichNode doc = parse_rich_text("[x](javascript:alert(1))");
  ASSERT_EQ(doc.children.size(), 1u);
  ASSERT_EQ(doc.children[0].children.size(), 1u);
  EXPECT_EQ(doc.children[0].children[0].kind, Kind::link);
  EXPECT_EQ(doc.children[0].children[0].url, "javascript:alert(1)");
}

TEST(RichTextTree, NeverNestsLinks) {
  const RichNode doc = parse_rich_text("[https://a.com](https://b.com)");
  const RichNode expected_link{Kind::link, {}, "https://b.com", {RichNode{Kind::text, "https://a.com", {}, {}}}};
  ASSERT_EQ(doc.children.size(), 1u);
  EXPECT_EQ(doc.children[0].children, std::vector<RichNode>{expected_link});
}

struct UrlCase {
  const char* url;
  UrlUse use;
  const char* expected;
};

TEST(RichTextSafeUrl, AllowsOnlyHttpHttpsAndMailto) {
  const UrlCase cases[] = {
      {"https://e.com", UrlUse::link, "https://e.com"},     {" \t\nhttp://e.com \x01", UrlUse::link, "http://e.com"},
      {"MailTo:a@e.com", UrlUse::link, "MailTo:a@e.com"},   {"mailto:a@e.com", UrlUse::image, ""},
      {"javascript:alert(1)", UrlUse::link, ""},            {"java\tscript:alert(1)", UrlUse::link, ""},
      {"https://e.com/\x7F", UrlUse::link, "https://e.com/"}, {"https://e\x01.com", UrlUse::link, ""},
      {"data:image/png;base64,AA", UrlUse::image, ""},      {"//e.com", UrlUse::link, ""},
      {"e.com/page", UrlUse::link, ""},                     {":x", UrlUse::link, ""},
      {"", UrlUse::link, ""},                               {"1http://e.com", UrlUse::link, ""},
      {"\xC2\xA0javascript:alert(1)", UrlUse::link, ""},    {"httpx://e.com", UrlUse::link, ""},
  };
  for (const auto& c : cases) EXPECT_EQ(safe_url(c.url, c.use), c.expected) << "url: " << c.url;
}

TEST(RichTextRender, HandBuiltNestedLinksDoNotNestAnchors) {
  const RichNode inner{Kind::link, {}, "https://b.com", {RichNode{Kind::text, "b", {}, {}}}};
  const RichNode outer{Kind::link, {}, "https://a.com", {inner}};
  EXPECT_EQ(to_safe_html(outer), a("https://a.com", "b"));
}

TEST(RichTextRender, HandBuiltDeepTreeIsCut) {
  RichNode node{Kind::text, "deep", {}, {}};
  for (int i = 0; i < 1000; ++i) node = RichNode{Kind::bold, {}, {}, {std::move(node)}};
  const std::string html = to_safe_html(node);
  EXPECT_EQ(html.find("deep"), std::string::npos);
  EXPECT_EQ(html.substr(0, 8), "<strong>");
}

// [SECTION] Properties over hostile and pathological input.

std::size_t depth_of(const RichNode& n) {
  std::size_t d = 0;
  for (const auto& c : n.children) d = std::max(d, depth_of(c));
  return d + 1;
}

// Every '<' starts an allowed tag, tags nest properly, anchors never nest, and every href/src
// starts with an allowed scheme.
::testing::AssertionResult IsSafeHtml(const std::string& html) {
  struct Tag {
    std::string_view text;
    const char* name;
    int effect;  // +1 opens, -1 closes, 0 stands alone
  };
  static const Tag kTags[] = {
      {"<p>", "p", 1},           {"</p>", "p", -1},         {"<strong>", "strong", 1}, {"</strong>", "strong", -1},
      {"<em>", "em", 1},         {"</em>", "em", -1},       {"<ul>", "ul", 1},         {"</ul>", "ul", -1},
      {"<li>", "li", 1},         {"</li>", "li", -1},       {"<a href=\"http", "a", 1}, {"<a href=\"HTTP", "a", 1},
      {"<a href=\"mailto:", "a", 1}, {"</a>", "a", -1},     {"<br>", "br", 0},         {"<img src=\"http", "img", 0},
      {"<img src=\"HTTP", "img", 0},
  };
  std::vector<std::string_view> open;
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    const std::string_view rest = std::string_view(html).substr(i);
    const Tag* tag = nullptr;
    for (const auto& t : kTags)
      if (rest.substr(0, t.text.size()) == t.text) tag = &t;
    if (!tag) return testing::AssertionFailure() << "unexpected markup at " << i << ": " << rest.substr(0, 40);
    if (tag->effect == 1 && tag->name == std::string_view("a") && std::count(open.begin(), open.end(), "a") > 0)
      return testing::AssertionFailure() << "nested <a> at " << i;
    if (tag->effect == 1) open.push_back(tag->name);
    if (tag->effect == -1) {
      if (open.empty() || open.back() != tag->name) return testing::AssertionFailure() << "misnested " << tag->text << " at " << i;
      open.pop_back();
    }
  }
  if (!open.empty()) return testing::AssertionFailure() << "unclosed <" << open.back() << ">";
  return testing::AssertionSuccess();
}

// Parses and renders `source` both ways; returns the HTML. Speed is not timed here (this machine
// is noisy): a quadratic parser would take minutes on these inputs and trip ctest's timeout.
std::string render_both(const std::string& source) {
  std::string html = to_safe_html(source);
  EXPECT_FALSE(to_plain_text(source).empty());
  return html;
}

std::string repeat(std::string_view unit, std::size_t times) {
  std::string s;
  for (std::size_t i = 0; i < times; ++i) s += unit;
  return s;
}

struct PathologicalCase {
  const char* name;
  std::string source;
};

TEST(RichTextPathological, KeepsHtmlSafeAndShallow) {
  const PathologicalCase cases[] = {
      {"stars_100k", std::string(100000, '*')},
      {"nested_open_brackets_10k", std::string(10000, '[') + "x" + repeat("](https://e.com)", 10000)},
      {"open_brackets_100k", std::string(100000, '[')},
      {"open_images_50k", repeat("![", 50000)},
      {"broken_links_30k", repeat("[](", 30000)},
      {"open_parens_100k", std::string(100000, '(')},
      {"label_then_parens_50k", "[a]" + std::string(50000, '(')},
      {"alternating_star_word_50k", repeat("*a", 50000)},
      {"bold_openers_30k", repeat("**a ", 30000)},
      {"underscores_and_words_50k", repeat("_a ", 50000)},
      {"escapes_50k", repeat("\\*", 50000)},
      {"autolinks_10k", repeat("https://e.com/( ", 10000)},
      {"list_items_20k", repeat("- *a\n", 20000)},
      {"line_breaks_50k", repeat("*\n", 50000)},
      {"mixed_openers_20k", repeat("*[_![**", 20000)},
  };
  for (const auto& c : cases) {
    const std::string html = render_both(c.source);
    EXPECT_TRUE(IsSafeHtml(html)) << c.name;
    EXPECT_LE(depth_of(parse_rich_text(c.source)), kMaxRichTextDepth + 3) << c.name;
  }
}

TEST(RichTextPathological, StarsAreAllKept) {
  EXPECT_EQ(to_plain_text(std::string(100000, '*')), std::string(100000, '*'));
  EXPECT_EQ(to_plain_text(std::string(100000, '[')), std::string(100000, '['));
}

TEST(RichTextPathological, NestingDepthIsBounded) {
  const std::string source = repeat("**a *b [c ", 40) + "x" + repeat("](https://e.com) b* a**", 40);
  const RichNode doc = parse_rich_text(source);
  EXPECT_LE(depth_of(doc), kMaxRichTextDepth + 3);
  EXPECT_TRUE(IsSafeHtml(to_safe_html(doc)));
}

bool has_nested_link(const RichNode& n, bool inside_link) {
  if (n.kind == Kind::link && inside_link) return true;
  for (const auto& c : n.children)
    if (has_nested_link(c, inside_link || n.kind == Kind::link)) return true;
  return false;
}

// A deterministic fuzz: random strings over the markup alphabet never produce unsafe HTML.
TEST(RichTextFuzz, RandomMarkupStaysSafe) {
  const std::string alphabet = "*_[]()!\\ \n\n-ab<>\"'&:h";
  const char* words[] = {"javascript:", "https://e.com", "data:", "\xFF", "\xE2\x82", "mailto:x", "\t"};
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const uint32_t len = next() % 60;
    for (uint32_t i = 0; i < len; ++i) {
      if (next() % 8 == 0)
        s += words[next() % std::size(words)];
      else
        s += alphabet[next() % alphabet.size()];
    }
    const RichNode doc = parse_rich_text(s);
    EXPECT_FALSE(has_nested_link(doc, false)) << s;
    EXPECT_LE(depth_of(doc), kMaxRichTextDepth + 3) << s;
    const std::string html = to_safe_html(doc);
    ASSERT_TRUE(IsSafeHtml(html)) << "source: " << s << "\nhtml: " << html;
    EXPECT_EQ(html.find("href=\"javascript"), std::string::npos) << s;
    EXPECT_EQ(html.find("href=\"data"), std::string::npos) << s;
    EXPECT_TRUE(is_valid_utf8(html)) << s;
    EXPECT_TRUE(is_valid_utf8(to_plain_text(s))) << s;
  }
}

}  // namespace
}  // namespace livechat
