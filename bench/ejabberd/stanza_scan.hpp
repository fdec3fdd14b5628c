// A tiny scanner for the XMPP stanzas the load generator reads: over WebSocket (RFC 7395) every
// message is one complete element, so no streaming parser is needed, only these look-ups.
//
// Scope, on purpose: well-formed elements as a server sends them. A '<' always starts markup
// (in XML text and attribute values it must be escaped), so a search for "<name" finds only tags;
// CDATA sections, comments and processing instructions are not expected and not handled (a
// lookup inside one may match). Names are compared without their prefix ("stream:features" is
// "features"). Entities: the five predefined ones and numeric ones below 128 are decoded.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bench::xmpp {

// The root element's local name ("" if `xml` does not start with an element after whitespace).
std::string_view root_name(std::string_view xml);

// The value of attribute `name` on the root element (decoded), or nullopt if absent.
std::optional<std::string> root_attr(std::string_view xml, std::string_view name);

// True when an element with local name `name` occurs anywhere in `xml` (the root included).
bool has_element(std::string_view xml, std::string_view name);

// The decoded text of the first element with local name `name` (its content up to the next '<'),
// or nullopt when there is no such element. "<x/>" and "<x></x>" give "".
std::optional<std::string> element_text(std::string_view xml, std::string_view name);

// True when some element with local name `name` has exactly the decoded text `text`
// (e.g. <mechanism>ANONYMOUS</mechanism> among several mechanisms).
bool has_element_with_text(std::string_view xml, std::string_view name, std::string_view text);

// `text` escaped for use in XML text or a double-quoted attribute value.
std::string escape(std::string_view text);

}  // namespace bench::xmpp
