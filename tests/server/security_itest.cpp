// Security headers on every dashboard and API answer (issue 19, item 8), against the real server
// binary: a strict Content-Security-Policy, no framing (frame-ancestors 'none' and
// X-Frame-Options), Referrer-Policy; the widget's files stay embeddable; the session cookie is
// Secure (and Strict-Transport-Security sent) exactly when the public URL is https. The browser
// side (the dashboard refuses to run in another origin's frame) is tests/e2e/security.test.mjs.
#include "harness.hpp"

namespace livechat::itest {
namespace {

void expect_dashboard_headers(const test::HttpReply& r, const std::string& what) {
  SCOPED_TRACE(what);
  std::string csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self' 'wasm-unsafe-eval'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

void expect_api_headers(const test::HttpReply& r, const std::string& what) {
  SCOPED_TRACE(what);
  std::string csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
}

TEST(Security, HeadersOnEveryDashboardAndApiAnswer) {
  Server server;
  server.start();
  test::HttpClient http("127.0.0.1", server.port());
  // The dashboard: its page, its files (compressed or not), a redirect, a missing file.
  for (const char* path : {"/agent/", "/agent/agent_ui.js", "/agent/agent_ui.wasm", "/agent/boot.js",
                           "/agent/fonts/DejaVuSans-base.ttf", "/agent", "/agent/missing.js"})
    expect_dashboard_headers(http.get(path), path);
  expect_dashboard_headers(http.request("GET", "/agent/", "", {{"Accept-Encoding", "br, gzip"}}), "/agent/ (br)");
  expect_dashboard_headers(http.request("HEAD", "/agent/", ""), "HEAD /agent/");
  // The API: success, refusal, bad input, unknown route.
  std::string token = login(server, "anna@demo.local");
  ASSERT_FALSE(token.empty());
  expect_api_headers(api(server, token, "GET", "/api/me"), "GET /api/me");
  expect_api_headers(http.get("/api/me"), "GET /api/me without a session");
  expect_api_headers(http.post("/api/login", "{not json"), "POST /api/login, bad JSON");
  expect_api_headers(http.get("/api/no-such-route"), "an unknown API route");
  // The widget is embedded in customers' sites: no framing rule or page CSP on its files.
  auto widget = http.get("/widget/loader.js");
  EXPECT_EQ(widget.header("x-frame-options"), "");
  EXPECT_EQ(widget.header("content-security-policy"), "");
  // Plain http: the cookie is not Secure (a browser would drop it), no HSTS.
  auto signed_in = http.post("/api/login", json{{"email", "anna@demo.local"}, {"password", kPassword}}.dump());
  ASSERT_EQ(signed_in.status, 200);
  std::string cookie = signed_in.header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(signed_in.header("strict-transport-security"), "");
}

TEST(Security, HttpsPublicUrlMakesCookiesSecure) {
  Server server({"--public-url", "https://chat.example.com"});
  server.start();
  test::HttpClient http("127.0.0.1", server.port());
  auto signed_in = http.post("/api/login", json{{"email", "anna@demo.local"}, {"password", kPassword}}.dump());
  ASSERT_EQ(signed_in.status, 200);
  std::string cookie = signed_in.header("set-cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(signed_in.header("strict-transport-security"), "");
  std::string token = json::parse(signed_in.body)["token"];
  auto out = http.request("POST", "/api/logout", "", {{"Authorization", "Bearer " + token}});
  EXPECT_NE(out.header("set-cookie").find("; Secure"), std::string::npos) << out.header("set-cookie");
  // Over https the dashboard may fetch images over https only.
  std::string csp = http.get("/agent/").header("content-security-policy");
  EXPECT_NE(csp.find("connect-src 'self' https:;"), std::string::npos) << csp;
}

}  // namespace
}  // namespace livechat::itest
