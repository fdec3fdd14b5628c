// The stanza scanner against the elements ejabberd sends while a client logs in and relays, and
// against the edge cases its contract names (stanza_scan.hpp). One row per rule.
#include <gtest/gtest.h>

#include "stanza_scan.hpp"

namespace bench::xmpp {
namespace {

const char* const kFeatures =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'>"
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
    "<mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>";
const char* const kBound =
    "<iq xml:lang='en' to='a@localhost/r1' type='result' id='bind-1' xmlns='jabber:client'>"
    "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@localhost/r1</jid></bind></iq>";
const char* const kMessage =
    "<message type=\"chat\" to=\"a@localhost/r1\" id=\"m7\" xmlns=\"jabber:client\">"
    "<body>Tom &amp; Jerry &lt;3 (t=12&#51;)</body></message>";

struct NameRow {
  const char* rule;
  const char* xml;
  const char* root;
};
const NameRow kNames[] = {
    {"prefix_is_dropped", kFeatures, "features"},
    {"plain_name", kBound, "iq"},
    {"leading_whitespace_is_skipped", " \n<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", "open"},
    {"self_closing_without_space", "<success/>", "success"},
    {"not_an_element", "hello", ""},
    {"empty_input", "", ""},
};

TEST(StanzaScan, RootName) {
  for (const NameRow& r : kNames) EXPECT_EQ(root_name(r.xml), r.root) << r.rule;
}

struct AttrRow {
  const char* rule;
  const char* xml;
  const char* name;
  std::optional<std::string> value;
};
const AttrRow kAttrs[] = {
    {"single_quotes", kBound, "type", "result"},
    {"double_quotes", kMessage, "id", "m7"},
    {"prefixed_name_is_its_own_name", kBound, "xml:lang", "en"},
    {"missing_attribute", kBound, "from", std::nullopt},
    {"entities_are_decoded", "<x a='1&amp;2'/>", "a", "1&2"},
    {"spaces_around_equals", "<x a = \"v\"/>", "a", "v"},
    {"only_the_root_counts", "<x><y a='1'/></x>", "a", std::nullopt},
    {"unterminated_value", "<x a='1", "a", std::nullopt},
};

TEST(StanzaScan, RootAttr) {
  for (const AttrRow& r : kAttrs) EXPECT_EQ(root_attr(r.xml, r.name), r.value) << r.rule;
}

struct TextRow {
  const char* rule;
  const char* xml;
  const char* name;
  std::optional<std::string> text;
};
const TextRow kTexts[] = {
    {"bound_jid", kBound, "jid", "a@localhost/r1"},
    {"body_with_entities", kMessage, "body", "Tom & Jerry <3 (t=123)"},
    {"first_of_several", kFeatures, "mechanism", "PLAIN"},
    {"self_closing_is_empty", "<x><y/></x>", "y", ""},
    {"empty_pair_is_empty", "<x><y></y></x>", "y", ""},
    {"absent", kMessage, "subject", std::nullopt},
    {"closing_tag_is_not_a_start", "<x>a</y></x>", "y", std::nullopt},
    {"name_must_end_there", "<bodyguard>no</bodyguard>", "body", std::nullopt},
    {"unknown_entity_is_kept", "<b>&nbsp;</b>", "b", "&nbsp;"},
    {"unclosed_element", "<b>text", "b", std::nullopt},
};

TEST(StanzaScan, ElementText) {
  for (const TextRow& r : kTexts) EXPECT_EQ(element_text(r.xml, r.name), r.text) << r.rule;
}

TEST(StanzaScan, HasElementAndText) {
  EXPECT_TRUE(has_element(kFeatures, "mechanisms"));
  EXPECT_TRUE(has_element(kBound, "bind"));
  EXPECT_FALSE(has_element(kBound, "session"));
  EXPECT_TRUE(has_element_with_text(kFeatures, "mechanism", "ANONYMOUS")) << "the second of two";
  EXPECT_FALSE(has_element_with_text(kFeatures, "mechanism", "SCRAM-SHA-1"));
  EXPECT_FALSE(has_element_with_text(kFeatures, "mechanisms", "ANONYMOUS")) << "text is the element's own";
}

TEST(StanzaScan, EscapeRoundTrips) {
  const std::string raw = "a<b>&\"c'd";
  EXPECT_EQ(escape(raw), "a&lt;b&gt;&amp;&quot;c&apos;d");
  EXPECT_EQ(element_text("<x>" + escape(raw) + "</x>", "x"), raw);
}

}  // namespace
}  // namespace bench::xmpp
