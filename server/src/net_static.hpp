// Internal to the network layer: the pure parts of HTTP handling (no Beast, no sockets), so they
// can be tested as tables: percent-decoding of request targets, Accept-Encoding and If-None-Match
// parsing, MIME types, and the static-file lookup under the static directory.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livechat::server::net_detail {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query strings). Returns false
// on a '%' not followed by two hex digits; `out` is then unspecified.
bool percent_decode(std::string_view in, bool plus_is_space, std::string& out);

// Splits a request target ("/a%20b?x=1&y", or in absolute form "http://host/a%20b?x=1&y") into
// its decoded path and query parameters (first value wins for repeated keys; a key without '='
// has value ""). False when the target is in neither form, an escape is invalid, or the path
// holds a NUL byte.
bool parse_target(std::string_view target, std::string& path, std::map<std::string, std::string>& query);

// The Content-Type for a file name, from its extension (lower-cased); application/octet-stream
// for anything unknown. Text types carry charset=utf-8.
std::string_view mime_type(std::string_view file_name);

// Which precompressed encodings the client accepts (q > 0), per RFC 9110 12.5.3. "*" accepts
// both unless they are listed with q=0.
struct AcceptedEncodings {
  bool br = false;
  bool gzip = false;
};
AcceptedEncodings accepted_encodings(std::string_view accept_encoding);

// True when an If-None-Match header value matches `etag` ("*" or a listed tag, weak comparison).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// The security headers of an answer to `path` (decoded): for the dashboard (/agent...) a strict
// Content-Security-Policy (scripts and styles from the page's origin only, WebAssembly compiled
// with 'wasm-unsafe-eval', connections to the origin plus the http(s) images of rich text, no
// frames, no plugins, no base-uri), for the API (/api/...) one that allows nothing; for both,
// frame-ancestors 'none' and X-Frame-Options DENY (no clickjacking), Referrer-Policy no-referrer,
// and with `https` (the public URL is https) Strict-Transport-Security and images over https only.
// Other paths (the widget, the demo page) get none: the widget is embedded in other sites.
// Maintenance reminder: agent-ui/web/index.html and boot.js must stay within the dashboard's CSP.
std::vector<std::pair<std::string_view, std::string_view>> security_headers(std::string_view path, bool https);

// Value of one cookie in a Cookie header ("a=1; b=2"), or "" (surrounding quotes removed).
std::string cookie_value(std::string_view cookie_header, std::string_view name);

// The outcome of looking a decoded request path up under the static directory.
struct StaticLookup {
  enum class Kind { file, not_found, redirect };
  Kind kind = Kind::not_found;
  std::string location;          // redirect: where to (path only)
  std::string file;              // file: the file to send (maybe the .br/.gz sibling)
  uint64_t size = 0;             // its size
  std::string content_type;      // of the original file
  std::string content_encoding;  // "", "br" or "gzip"
  std::string etag;              // "\"<size>-<mtime>[-br|-gz]\"" of the file sent
  std::string cache_control;     // see cache_control_for()
  bool cross_origin = false;     // under /widget/: public assets any site may load (CORS, CORP)
};

// The Cache-Control of a static file: "no-cache" for .html; a content-hashed name
// ("widget.3f9a0c12d4.wasm": a dot-separated segment of at least 8 hex digits before the
// extension) never changes, so "public, max-age=31536000, immutable"; the widget's loader, whose
// URL is the stable one in every customer's snippet, "public, max-age=300" so a new version
// reaches every site within minutes; anything else "public, max-age=3600".
std::string cache_control_for(std::string_view path);

// The realpath of `dir` with no trailing slash, or "" when it is not a directory.
std::string static_root(const std::string& dir);

// Resolves `path` (decoded, starting with '/') under `root` (from static_root()):
//  - "/" redirects to "/demo/"; a directory without a trailing slash redirects to path + "/";
//  - a directory serves its index.html;
//  - any segment that is "..", ".", or starts with '.' (hidden files), a backslash, and any file
//    whose real path leaves `root` (symlinks) -> not_found;
//  - when the client accepts them, a "<file>.br" then "<file>.gz" sibling is chosen instead;
//  - files under /widget/ are cross_origin: the embed snippet loads them from customers' sites.
StaticLookup lookup_static(const std::string& root, std::string_view path, AcceptedEncodings accepted);

}  // namespace livechat::server::net_detail
