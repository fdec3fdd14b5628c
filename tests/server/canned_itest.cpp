// Canned responses over REST against the real server (issue #17, item 1): personal and shared
// ones, the core's validation with the field at fault, one shortcut per owner (also for two
// requests sent before either is durable), text in every script stored byte for byte, and
// nothing acknowledged lost across a kill -9.
#include <string>
#include <thread>

#include "harness.hpp"

namespace livechat::itest {
namespace {

json body_of(const test::HttpReply& r) { return json::parse(r.body, nullptr, false); }

std::vector<std::string> shortcuts(Server& server, const std::string& token) {
  std::vector<std::string> out;
  auto r = api(server, token, "GET", "/api/canned");
  EXPECT_EQ(r.status, 200) << r.body;
  for (const auto& c : body_of(r)) out.push_back(c["shortcut"].get<std::string>() + (c["shared"].get<bool>() ? "" : "*"));
  return out;
}

TEST(Canned, PersonalAndSharedEveryScriptDurable) {
  Server server;
  server.start();
  std::string admin = login(server, "admin@demo.local"), anna = login(server, "anna@demo.local"),
              marco = login(server, "marco@demo.local");
  ASSERT_FALSE(admin.empty());
  const std::string text_en = "Hi {{person.first_name}} 👩🏽‍💻👍🏿, I'm {{agent.name}}: 你好 𠀋 مرحبا שלום e\u0301 \u200d!";
  const std::string text_it = "Ciao {{person.first_name}}, ecco il listino: **€ 2.500,50**";

  auto shared = api(server, admin, "POST", "/api/canned",
                    {{"shortcut", "prices"}, {"texts", {{"en", text_en}, {"it", text_it}}}, {"shared", true}});
  ASSERT_EQ(shared.status, 201) << shared.body;
  EXPECT_EQ(body_of(shared)["texts"]["en"], text_en);
  auto mine = api(server, anna, "POST", "/api/canned", {{"shortcut", "prices"}, {"texts", {{"en", "My prices"}}}});
  EXPECT_EQ(mine.status, 201) << mine.body;  // a personal shortcut may repeat a shared one
  EXPECT_EQ(shortcuts(server, anna), (std::vector<std::string>{"prices*", "prices"}));
  EXPECT_EQ(shortcuts(server, marco), (std::vector<std::string>{"prices"}));  // Anna's stays hers

  // The core's validation, with the field at fault; one shortcut per owner.
  struct Bad {
    json body;
    int status;
    const char* field;
  } bad[] = {
      {{{"shortcut", "Prices"}, {"texts", {{"en", "x"}}}}, 400, "shortcut"},
      {{{"shortcut", "ok"}, {"texts", {{"en", "Hi {{person.nickname}}"}}}}, 400, "texts.en"},
      {{{"shortcut", "ok"}, {"texts", {{"en", std::string(8001, 'x')}}}}, 413, "texts.en"},
      {{{"shortcut", "ok"}, {"texts", "plain text"}}, 400, "texts"},
      {{{"shortcut", "prices"}, {"texts", {{"en", "again"}}}}, 409, "shortcut"},
  };
  for (const auto& b : bad) {
    auto r = api(server, anna, "POST", "/api/canned", b.body);
    EXPECT_EQ(r.status, b.status) << b.body.dump().substr(0, 200) << " -> " << r.body;
    EXPECT_EQ(body_of(r)["error"].value("field", ""), b.field) << r.body;
  }
  auto taken = api(server, admin, "POST", "/api/canned", {{"shortcut", "prices"}, {"texts", {{"en", "x"}}}, {"shared", true}});
  EXPECT_EQ(taken.status, 409) << taken.body;

  // Two creations of one shortcut on two connections at the same time: exactly one wins.
  test::HttpClient a("127.0.0.1", server.port()), b("127.0.0.1", server.port());
  test::HeaderList headers = {{"Authorization", "Bearer " + marco}, {"Content-Type", "application/json"}};
  std::string race = json{{"shortcut", "race"}, {"texts", {{"en", "x"}}}}.dump();
  test::HttpReply ra, rb;
  std::thread ta([&] { ra = a.request("POST", "/api/canned", race, headers); });
  std::thread tb([&] { rb = b.request("POST", "/api/canned", race, headers); });
  ta.join();
  tb.join();
  EXPECT_EQ((ra.status == 201) + (rb.status == 201), 1) << ra.body << " / " << rb.body;

  // Changes, then a crash: everything acknowledged is there after the restart, byte for byte.
  std::string id = body_of(shared)["id"];
  auto changed = api(server, admin, "PATCH", "/api/canned/" + id, {{"shortcut", "price-list"}});
  EXPECT_EQ(changed.status, 200) << changed.body;
  auto gone = api(server, anna, "DELETE", "/api/canned/" + body_of(mine)["id"].get<std::string>());
  EXPECT_EQ(gone.status, 204) << gone.body;
  server.kill9();
  server.start();
  anna = login(server, "anna@demo.local");
  auto after = body_of(api(server, anna, "GET", "/api/canned"));
  ASSERT_EQ(after.size(), 1u) << after.dump();
  EXPECT_EQ(after[0]["shortcut"], "price-list");
  EXPECT_EQ(after[0]["texts"]["en"], text_en);
  EXPECT_EQ(after[0]["texts"]["it"], text_it);
}

}  // namespace
}  // namespace livechat::itest
