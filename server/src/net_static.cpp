#include "net_static.hpp"

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <utility>
#include <vector>

namespace livechat::server::net_detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Calls f(piece) for each piece of `text` between `separator`s.
template <class F>
void split(std::string_view text, char separator, F f) {
  while (true) {
    std::size_t at = text.find(separator);
    f(text.substr(0, at));
    if (at == std::string_view::npos) return;
    text.remove_prefix(at + 1);
  }
}

std::string real_path(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) return {};
  return buffer;
}

bool inside(const std::string& root, const std::string& real) {
  return real.size() > root.size() && real.compare(0, root.size(), root) == 0 && real[root.size()] == '/';
}

// A regular file under `root` (after symlinks): its stat, else false.
bool regular_file_inside(const std::string& root, const std::string& path, struct stat& st) {
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return inside(root, real_path(path));
}

std::string make_etag(const struct stat& st, std::string_view suffix) {
  char buffer[80];
  long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  std::snprintf(buffer, sizeof buffer, "\"%llx-%llx%.*s\"", static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(mtime_ns), static_cast<int>(suffix.size()), suffix.data());
  return buffer;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool percent_decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;  // needs two more characters
      int high = hex_value(in[i + 1]);
      int low = hex_value(in[i + 2]);
      if (high < 0 || low < 0) return false;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

namespace {
// RFC 9112 section 3.2.2: a server accepts a target in absolute form too ("http://host/a?b", what
// clients send to proxies) and serves its path and query: "/a?b". "" when `target` is not in
// absolute form with an http(s) scheme and a host.
std::string origin_form_of(std::string_view target) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() <= scheme.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < scheme.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(target[i])) == scheme[i];
    if (!same) continue;
    std::string_view rest = target.substr(scheme.size());
    std::size_t end = rest.find_first_of("/?");
    if (end == 0) return {};  // no host
    std::string origin;  // built with append: GCC 12 warns (-Wrestrict) on "/" + std::string
    if (end == std::string_view::npos || rest[end] == '?') origin.push_back('/');
    if (end != std::string_view::npos) origin.append(rest.substr(end));
    return origin;
  }
  return {};
}
}  // namespace

bool parse_target(std::string_view target, std::string& path, std::map<std::string, std::string>& query) {
  if (!target.empty() && target.front() != '/') {
    std::string origin = origin_form_of(target);
    return !origin.empty() && parse_target(origin, path, query);
  }
  if (target.empty()) return false;
  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (!percent_decode(raw_path, false, path)) return false;
  if (path.find('\0') != std::string::npos) return false;
  query.clear();
  if (question == std::string_view::npos) return true;
  std::string_view raw_query = target.substr(question + 1);
  std::size_t hash = raw_query.find('#');  // clients should not send fragments; ignore one
  raw_query = raw_query.substr(0, hash);
  bool ok = true;
  split(raw_query, '&', [&](std::string_view piece) {
    if (piece.empty() || !ok) return;
    std::size_t eq = piece.find('=');
    std::string key, value;
    if (!percent_decode(piece.substr(0, eq), true, key)) {
      ok = false;
      return;
    }
    if (eq != std::string_view::npos && !percent_decode(piece.substr(eq + 1), true, value)) {
      ok = false;
      return;
    }
    query.emplace(std::move(key), std::move(value));
  });
  return ok;
}

std::string_view mime_type(std::string_view file_name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 22> table{{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"pdf", "application/pdf"},
  }};
  std::size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext = lower(file_name.substr(dot + 1));
  for (const auto& [known, type] : table) {
    if (ext == known) return type;
  }
  return "application/octet-stream";
}

AcceptedEncodings accepted_encodings(std::string_view header) {
  // The q value each coding was given; -1: not mentioned.
  double br = -1, gzip = -1, star = -1;
  split(header, ',', [&](std::string_view item) {
    item = trim(item);
    if (item.empty()) return;
    std::size_t semi = item.find(';');
    std::string coding = lower(trim(item.substr(0, semi)));
    double q = 1.0;
    if (semi != std::string_view::npos) {
      split(item.substr(semi + 1), ';', [&](std::string_view param) {
        param = trim(param);
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
          std::string value(trim(param.substr(2)));
          char* end = nullptr;
          double parsed = std::strtod(value.c_str(), &end);
          q = (end == value.c_str()) ? 0.0 : parsed;
        }
      });
    }
    if (coding == "br") br = q;
    else if (coding == "gzip" || coding == "x-gzip") gzip = q;
    else if (coding == "*") star = q;
  });
  AcceptedEncodings out;
  out.br = br > 0 || (br < 0 && star > 0);
  out.gzip = gzip > 0 || (gzip < 0 && star > 0);
  return out;
}

bool etag_matches(std::string_view header, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    tag = trim(tag);
    if (tag.size() >= 2 && tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    return tag;
  };
  std::string_view wanted = opaque(etag);
  bool match = false;
  split(header, ',', [&](std::string_view item) {
    item = trim(item);
    if (item == "*" || (!item.empty() && opaque(item) == wanted)) match = true;
  });
  return match;
}

std::vector<std::pair<std::string_view, std::string_view>> security_headers(std::string_view path, bool https) {
  auto under = [&](std::string_view prefix) {
    return path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  bool agent = under("/agent"), api = under("/api");
  if (!agent && !api) return {};
  constexpr std::string_view kAgentCsp =
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' http: https:; "
      "img-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
  constexpr std::string_view kAgentCspHttps =
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' https:; "
      "img-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
  constexpr std::string_view kApiCsp = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  std::vector<std::pair<std::string_view, std::string_view>> out = {
      {"Content-Security-Policy", agent ? (https ? kAgentCspHttps : kAgentCsp) : kApiCsp},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
  };
  if (agent) out.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  if (https) out.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  std::string found;
  bool done = false;
  split(header, ';', [&](std::string_view item) {
    if (done) return;
    item = trim(item);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || trim(item.substr(0, eq)) != name) return;
    std::string_view value = trim(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    found = std::string(value);
    done = true;
  });
  return found;
}

std::string static_root(const std::string& dir) {
  if (dir.empty()) return {};
  std::string real = real_path(dir);
  struct stat st {};
  if (real.empty() || ::stat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
  while (real.size() > 1 && real.back() == '/') real.pop_back();
  return real;
}

namespace {
// A dot-separated segment of 8 or more hex digits: "widget.3f9a0c12d4.js".
bool content_hashed(std::string_view name) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (c == '.' && run >= 8 && i > run && name[i - run - 1] == '.') return true;
    run = hex ? run + 1 : 0;
  }
  return false;
}
}  // namespace

std::string cache_control_for(std::string_view path) {
  std::string name = lower(path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1));
  if (ends_with(name, ".html")) return "no-cache";
  if (content_hashed(name)) return "public, max-age=31536000, immutable";
  if (path == "/widget/loader.js") return "public, max-age=300";
  return "public, max-age=3600";
}

StaticLookup lookup_static(const std::string& root, std::string_view path, AcceptedEncodings accepted) {
  StaticLookup out;
  if (path == "/") {
    out.kind = StaticLookup::Kind::redirect;
    out.location = "/demo/";
    return out;
  }
  if (root.empty() || path.empty() || path.front() != '/') return out;

  // Rebuild the path from vetted segments: nothing that could climb out or reach hidden files.
  std::string relative;
  bool ok = true;
  split(path.substr(1), '/', [&](std::string_view segment) {
    if (segment.empty()) return;  // "//" and the trailing slash
    if (segment.front() == '.' || segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos) {
      ok = false;
      return;
    }
    relative += '/';
    relative += segment;
  });
  if (!ok) return out;

  std::string file = root + relative;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return out;
  if (S_ISDIR(st.st_mode)) {
    if (path.back() != '/') {
      out.kind = StaticLookup::Kind::redirect;
      out.location = std::string(path) + "/";
      return out;
    }
    file += "/index.html";
  } else if (path.back() == '/') {
    return out;  // a file is not a directory
  }
  if (!regular_file_inside(root, file, st)) return out;

  out.kind = StaticLookup::Kind::file;
  out.content_type = std::string(mime_type(file));
  out.cache_control = cache_control_for(path.back() == '/' ? std::string(path) + "index.html" : std::string(path));
  out.cross_origin = path.rfind("/widget/", 0) == 0;
  out.file = file;
  out.size = static_cast<uint64_t>(st.st_size);
  out.etag = make_etag(st, "");

  // Precompressed siblings, best first.
  const std::pair<bool, std::pair<std::string_view, std::string_view>> siblings[] = {
      {accepted.br, {".br", "br"}},
      {accepted.gzip, {".gz", "gzip"}},
  };
  for (const auto& [allowed, names] : siblings) {
    if (!allowed) continue;
    struct stat sibling_st {};
    std::string sibling = file + std::string(names.first);
    if (!regular_file_inside(root, sibling, sibling_st)) continue;
    out.file = sibling;
    out.size = static_cast<uint64_t>(sibling_st.st_size);
    out.content_encoding = std::string(names.second);
    out.etag = make_etag(sibling_st, names.first == ".br" ? "-br" : "-gz");
    break;
  }
  return out;
}

}  // namespace livechat::server::net_detail
