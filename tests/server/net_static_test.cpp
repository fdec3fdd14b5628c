// The server over sockets, static files: MIME types, precompressed siblings, ETags, caching,
// redirects, traversal and hidden files, HEAD and other methods (fixture: net_fixture.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "net_fixture.hpp"
#include "net_static.hpp"

namespace livechat::server::net_fixture {
namespace {

// --------------------------------------------------------------------------------------------
// Static files
// --------------------------------------------------------------------------------------------

TEST_F(NetStatic, ServesWasmWithApplicationWasm) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpReply reply = http().get("/app.wasm");
  ASSERT_TRUE(reply.ok()) << reply.error;
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/wasm");
  EXPECT_EQ(reply.body, std::string("\0asm\1\0\0\0", 8));
  EXPECT_EQ(reply.header("cache-control"), "public, max-age=3600");
  EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(reply.header("etag").empty());
}

TEST_F(NetStatic, EveryKnownExtensionGetsItsMimeType) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::pair<const char*, const char*> rows[] = {
      {"/demo/index.html", "text/html; charset=utf-8"}, {"/app.js", "text/javascript; charset=utf-8"},
      {"/module.mjs", "text/javascript; charset=utf-8"}, {"/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},               {"/image.svg", "image/svg+xml"},
      {"/logo.png", "image/png"},                       {"/photo.jpg", "image/jpeg"},
      {"/favicon.ico", "image/x-icon"},                 {"/font.ttf", "font/ttf"},
      {"/font.woff2", "font/woff2"},                    {"/notes.txt", "text/plain; charset=utf-8"},
  };
  HttpClient client = http();
  for (const auto& [path, type] : rows) {
    HttpReply reply = client.get(path);
    ASSERT_TRUE(reply.ok()) << path << ": " << reply.error;
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.header("content-type"), type) << path;
  }
  EXPECT_EQ(client.connections_opened(), 1) << "keep-alive across static requests";
}

TEST_F(NetStatic, PrecompressedSiblingFollowsAcceptEncoding) {
  ASSERT_NO_FATAL_FAILURE(start());
  struct Row {
    const char* path;
    const char* accept_encoding;
    std::string body_prefix;
    const char* encoding;
  };
  const Row rows[] = {
      {"/app.js", "gzip, deflate, br", "BROTLI-JS", "br"},
      {"/app.js", "gzip", "GZIPPED-JS", "gzip"},
      {"/app.js", "br;q=0, gzip", "GZIPPED-JS", "gzip"},
      {"/app.js", "", "console.log('plain')", ""},
      {"/app.js", "identity", "console.log('plain')", ""},
      {"/style.css", "br, gzip", "GZIPPED-CSS", "gzip"},           // no .br sibling: gzip
      {"/app.wasm", "br, gzip", std::string("\0asm", 4), ""},      // no sibling at all
  };
  HttpClient client = http();
  std::set<std::string> etags;
  for (const Row& row : rows) {
    test::HeaderList headers;
    if (*row.accept_encoding) headers.push_back({"Accept-Encoding", row.accept_encoding});
    HttpReply reply = client.get(row.path, headers);
    ASSERT_TRUE(reply.ok()) << reply.error;
    std::string label = std::string(row.path) + " with '" + row.accept_encoding + "'";
    EXPECT_EQ(reply.status, 200) << label;
    EXPECT_EQ(reply.body.substr(0, row.body_prefix.size()), row.body_prefix) << label;
    EXPECT_EQ(reply.header("content-encoding"), row.encoding) << label;
    EXPECT_EQ(reply.header("vary"), "Accept-Encoding") << label;
    if (std::string_view(row.path) == "/app.js") {
      EXPECT_EQ(reply.header("content-type"), "text/javascript; charset=utf-8") << label;
      etags.insert(reply.header("etag"));
    }
  }
  EXPECT_EQ(etags.size(), 3u) << "br, gzip and identity representations have distinct ETags";
}

TEST_F(NetStatic, MatchingETagAnswers304) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply first = client.get("/app.wasm");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());

  HttpReply again = client.get("/app.wasm", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(again.header("cache-control"), "public, max-age=3600");

  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "W/" + etag}}).status, 304) << "weak comparison";
  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "\"other\", " + etag}}).status, 304) << "list";
  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "\"stale\""}}).status, 200);

  // Changing the file changes its ETag.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write(static_dir_ / "app.wasm", std::string("\0asm\1\0\0\0\0", 9));
  HttpReply changed = client.get("/app.wasm", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag"), etag);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(NetStatic, HtmlIsNoCacheAndDirectoriesServeIndex) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply demo = client.get("/demo/");
  EXPECT_EQ(demo.status, 200);
  EXPECT_EQ(demo.body, "<html>demo</html>");
  EXPECT_EQ(demo.header("cache-control"), "no-cache");
  EXPECT_EQ(demo.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(client.get("/sub/").body, "<html>sub</html>");
  EXPECT_EQ(client.get("//demo//index.html").body, "<html>demo</html>") << "empty segments collapse";
}

TEST_F(NetStatic, RootAndBareDirectoriesRedirect) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply root = client.get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/demo/");
  HttpReply with_query = client.get("/?utm=x");
  EXPECT_EQ(with_query.header("location"), "/demo/?utm=x");
  HttpReply bare = client.get("/demo");
  EXPECT_EQ(bare.status, 302);
  EXPECT_EQ(bare.header("location"), "/demo/");
}

TEST_F(NetStatic, TraversalAndHiddenFilesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(start());
  const char* targets[] = {
      "/../secret.txt",
      "/demo/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/demo/%2e%2e/%2e%2e/secret.txt",
      "/..%5csecret.txt",
      "/escape.txt",  // a symlink pointing outside the static directory
      "/.hidden",
      "/./app.js",
      "/nope.txt",
      "/demo/index.html/",  // a file is not a directory
  };
  HttpClient client = http();
  for (const char* target : targets) {
    HttpReply reply = client.get(target);
    ASSERT_TRUE(reply.ok()) << target << ": " << reply.error;
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_EQ(reply.body.find("TOP SECRET"), std::string::npos) << target;
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], "not_found") << target << " " << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json") << target;
  }
  // Raw, so no client library can normalise the dots away.
  std::string answer = raw("GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;
  EXPECT_EQ(answer.find("TOP SECRET"), std::string::npos);
}

TEST_F(NetStatic, HeadHasTheHeadersButNoBodyAndOtherMethodsAre405) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply head = client.request("HEAD", "/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string("console.log('plain')").size()));
  EXPECT_EQ(head.header("content-type"), "text/javascript; charset=utf-8");

  HttpReply post = client.post("/app.js", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(nlohmann::json::parse(post.body, nullptr, false)["error"]["code"], "method_not_allowed");

  EXPECT_EQ(client.get("/app.js").status, 200) << "the connection survived";
  EXPECT_EQ(client.connections_opened(), 1);
}

// The widget's files are loaded by customers' sites (docs/embedding.md): CORS for public,
// credential-less assets, Cross-Origin-Resource-Policy, the right MIME types, a short cache for
// the loader's stable URL and a long immutable one for the content-hashed files it loads.
TEST_F(NetStatic, WidgetFilesAreServedForEverySite) {
  fs::create_directories(static_dir_ / "widget");
  write(static_dir_ / "widget/loader.js", "/* loader */");
  write(static_dir_ / "widget/widget.0123abcd89.js", "/* glue */");
  write(static_dir_ / "widget/widget.0123abcd89.js.br", "BROTLI-GLUE");
  write(static_dir_ / "widget/widget.fedcba9876.wasm", std::string("\0asm\1\0\0\0", 8));
  ASSERT_NO_FATAL_FAILURE(start());
  struct Row {
    const char* path;
    const char* type;
    const char* cache;
  };
  const Row rows[] = {
      {"/widget/loader.js", "text/javascript; charset=utf-8", "public, max-age=300"},
      {"/widget/widget.0123abcd89.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
      {"/widget/widget.fedcba9876.wasm", "application/wasm", "public, max-age=31536000, immutable"},
  };
  HttpClient client = http();
  for (const Row& row : rows) {
    for (const char* encoding : {"", "br, gzip"}) {
      test::HeaderList headers{{"Origin", "https://shop.example"}};
      if (*encoding) headers.push_back({"Accept-Encoding", encoding});
      HttpReply reply = client.get(row.path, headers);
      std::string label = std::string(row.path) + " with '" + encoding + "'";
      ASSERT_TRUE(reply.ok()) << label << ": " << reply.error;
      EXPECT_EQ(reply.status, 200) << label;
      EXPECT_EQ(reply.header("content-type"), row.type) << label;
      EXPECT_EQ(reply.header("cache-control"), row.cache) << label;
      EXPECT_EQ(reply.header("access-control-allow-origin"), "*") << label;
      EXPECT_EQ(reply.header("access-control-allow-credentials"), "") << label << ": never with credentials";
      EXPECT_EQ(reply.header("cross-origin-resource-policy"), "cross-origin") << label;
      EXPECT_EQ(reply.header("x-content-type-options"), "nosniff") << label;
      // A repeat visit revalidates (when it must) with the same headers on the 304.
      HttpReply again = client.get(row.path, {{"Origin", "https://shop.example"}, {"If-None-Match", reply.header("etag")},
                                              {"Accept-Encoding", encoding}});
      EXPECT_EQ(again.status, 304) << label;
      EXPECT_EQ(again.header("access-control-allow-origin"), "*") << label;
      EXPECT_EQ(again.header("cache-control"), row.cache) << label;
    }
  }
  // Everything else stays same-origin only, with the hour-long default.
  HttpReply other = client.get("/app.js", {{"Origin", "https://shop.example"}});
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  EXPECT_EQ(other.header("cross-origin-resource-policy"), "");
  EXPECT_EQ(other.header("cache-control"), "public, max-age=3600");
}

TEST(NetStaticCache, CacheControlFollowsTheName) {
  const std::pair<const char*, const char*> rows[] = {
      {"/demo/index.html", "no-cache"},
      {"/widget/loader.js", "public, max-age=300"},
      {"/widget/widget.0123abcd.js", "public, max-age=31536000, immutable"},
      {"/widget/widget.0123ABCD89.wasm", "public, max-age=31536000, immutable"},
      {"/agent/app.deadbeef00.js.map", "public, max-age=31536000, immutable"},
      {"/widget/widget.0123abc.js", "public, max-age=3600"},       // 7 digits: not a hash
      {"/widget/widget.0123abcdxy.js", "public, max-age=3600"},    // not all hex
      {"/widget/0123abcd89.js", "public, max-age=3600"},           // no name before the hash
      {"/widget/widget-0123abcd89.js", "public, max-age=3600"},    // a dash, not a dot
      {"/other/loader.js", "public, max-age=3600"},                // only the widget's loader
  };
  for (const auto& [path, cache] : rows) EXPECT_EQ(net_detail::cache_control_for(path), cache) << path;
}

}  // namespace
}  // namespace livechat::server::net_fixture
