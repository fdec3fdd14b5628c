// Business hours per playbook (issue 18, item 1) against the real server, whose clock a test
// flag sets (--test-clock-ms: Friday 4 December 2026, 18:30 in Rome): the REST routes (admins only,
// each mistake refused with the field at fault), and the behaviour. With an agent online, a
// visitor outside the hours gets the Live Chat card's offline path and a welcome saying when the
// team is back (Monday 9:00 in Rome, as a UTC instant); inside the hours the same visitor goes
// live. The hours survive a restart and stay in force after it.
#include <string>

#include "harness.hpp"

namespace livechat::itest {
namespace {

constexpr int64_t kFriday1830Rome = 1796405400000;   // 2026-12-04T17:30:00Z
constexpr int64_t kMonday0900Rome = 1796630400000;   // 2026-12-07T08:00:00Z

json body_of(const test::HttpReply& r) { return json::parse(r.body, nullptr, false); }

const json kOffice = json::parse(R"({
  "enabled": true, "time_zone": "Europe/Rome",
  "week": {"monday": [{"from": "09:00", "to": "13:00"}, {"from": "14:00", "to": "18:00"}],
           "tuesday": [{"from": "09:00", "to": "18:00"}], "wednesday": [{"from": "09:00", "to": "18:00"}],
           "thursday": [{"from": "09:00", "to": "18:00"}], "friday": [{"from": "09:00", "to": "18:00"}],
           "saturday": [], "sunday": []},
  "holidays": ["2026-12-08"]})");

// The welcome the visitor got on connecting (the last one in its log).
json welcome_of(const Visitor& v) {
  json last;
  for (const auto& f : v.peer.log())
    if (f.value("type", "") == "welcome") last = f;
  return last;
}

// The texts the bot said in the visitor's conversation so far.
std::vector<std::string> bot_texts(const Visitor& v) {
  std::vector<std::string> out;
  for (const auto& f : v.peer.log())
    if (f.value("type", "") == "event" && f["event"].value("type", "") == "message_posted" &&
        f["event"].value("author", "") == "bot")
      out.push_back(f["event"].value("text", ""));
  return out;
}

bool said(const Visitor& v, const std::string& text) {
  for (const auto& t : bot_texts(v))
    if (t == text) return true;
  return false;
}

TEST(BusinessHours, RestValidationOfflinePathAndBackAt) {
  Server server({"--test-clock-ms", std::to_string(kFriday1830Rome)});
  server.start();
  std::string admin = login(server, "admin@demo.local"), anna_token = login(server, "anna@demo.local");
  ASSERT_FALSE(admin.empty());

  // None yet: off, always open.
  auto none = api(server, admin, "GET", "/api/playbooks/pb_demo/hours");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(body_of(none)["hours"]["enabled"], false);
  EXPECT_EQ(body_of(none)["open_now"], true);

  // Admins only; an unknown playbook is 404.
  EXPECT_EQ(api(server, anna_token, "GET", "/api/playbooks/pb_demo/hours").status, 403);
  EXPECT_EQ(api(server, anna_token, "PUT", "/api/playbooks/pb_demo/hours", kOffice).status, 403);
  EXPECT_EQ(api(server, admin, "PUT", "/api/playbooks/pb_nope/hours", kOffice).status, 404);

  // Each mistake is refused with the field at fault, and nothing is stored.
  struct Bad {
    const char* what;
    json body;
    const char* field;
  } bad[] = {
      {"unknown zone", {{"enabled", true}, {"time_zone", "Europe/Atlantis"}}, "time_zone"},
      {"not a zone name", {{"enabled", true}, {"time_zone", "../../etc/passwd"}}, "time_zone"},
      {"no zone", {{"enabled", true}}, "time_zone"},
      {"a time that is not one", {{"week", {{"monday", {{{"from", "9am"}, {"to", "13:00"}}}}}}}, "week.monday.0.from"},
      {"closes before it opens", {{"week", {{"friday", {{{"from", "18:00"}, {"to", "09:00"}}}}}}}, "week.friday"},
      {"overlapping", {{"week", {{"monday", {{{"from", "09:00"}, {"to", "13:00"}}, {{"from", "12:00"}, {"to", "15:00"}}}}}}},
       "week.monday"},
      {"no such day", {{"week", {{"caturday", json::array()}}}}, "week.caturday"},
      {"not a date", {{"holidays", {"2026-02-30"}}}, "holidays"},
  };
  for (const auto& b : bad) {
    json body = kOffice;
    body.update(b.body);
    if (std::string(b.what) == "no zone") body.erase("time_zone");
    auto r = api(server, admin, "PUT", "/api/playbooks/pb_demo/hours", body);
    EXPECT_EQ(r.status, 400) << b.what << ": " << r.body;
    EXPECT_EQ(body_of(r)["error"].value("field", ""), b.field) << b.what << ": " << r.body;
  }
  EXPECT_EQ(body_of(api(server, admin, "GET", "/api/playbooks/pb_demo/hours"))["hours"]["enabled"], false);

  // The zone names the dashboard offers.
  auto zones = body_of(api(server, admin, "GET", "/api/time-zones"));
  ASSERT_TRUE(zones.is_array());
  EXPECT_EQ(zones[0], "UTC");
  EXPECT_NE(std::find(zones.begin(), zones.end(), "Europe/Rome"), zones.end());

  // Anna is online; with no hours the visitor goes live.
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  json card, demo = body_of(api(server, admin, "GET", "/api/playbooks/pb_demo"));
  for (const auto& c : demo["playbook"]["cards"])
    if (c.value("type", "") == "live_chat") card = c;
  ASSERT_TRUE(card.is_object()) << demo.dump().substr(0, 500);
  const std::string online = card["online_message"], offline = card["offline_message"];
  {
    Visitor v;
    ASSERT_TRUE(v.connect(server));
    EXPECT_EQ(welcome_of(v)["live_chat_available"], true);
    EXPECT_FALSE(welcome_of(v).contains("back_at"));
    to_live_chat(v);
    v.peer.drain(300);
    EXPECT_TRUE(said(v, online));
    EXPECT_FALSE(said(v, offline));
  }

  // Office hours, Friday 18:30 in Rome: closed; back Monday 9:00 (Tuesday is a holiday anyway).
  auto saved = api(server, admin, "PUT", "/api/playbooks/pb_demo/hours", kOffice);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(body_of(saved)["open_now"], false);
  EXPECT_EQ(body_of(saved)["next_opening"], kMonday0900Rome);
  EXPECT_EQ(body_of(saved)["hours"], kOffice);
  {
    Visitor v;
    ASSERT_TRUE(v.connect(server));
    EXPECT_EQ(welcome_of(v)["live_chat_available"], false) << "anna is online, but outside the hours";
    EXPECT_EQ(welcome_of(v)["back_at"], kMonday0900Rome);
    to_live_chat(v);
    v.peer.drain(300);
    EXPECT_TRUE(said(v, offline)) << "the offline path";
    EXPECT_FALSE(said(v, online));
    for (const auto& f : v.peer.log())
      EXPECT_NE(f.value("type", "") == "event" ? f["event"].value("type", "") : "", "live_chat_requested")
          << "outside the hours the chat does not wait in Unassigned";
  }

  // Open until midnight on Fridays: the same visitor goes live again.
  json late = kOffice;
  late["week"]["friday"] = json::parse(R"([{"from": "09:00", "to": "24:00"}])");
  auto opened = api(server, admin, "PUT", "/api/playbooks/pb_demo/hours", {{"hours", late}});  // the view's shape
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(body_of(opened)["open_now"], true);
  {
    Visitor v;
    ASSERT_TRUE(v.connect(server));
    EXPECT_EQ(welcome_of(v)["live_chat_available"], true);
    EXPECT_FALSE(welcome_of(v).contains("back_at"));
  }

  // Closed again, then a restart: the stored hours are read back and decide again.
  ASSERT_EQ(api(server, admin, "PUT", "/api/playbooks/pb_demo/hours", kOffice).status, 200);
  server.stop();
  server.start();
  admin = login(server, "admin@demo.local");
  EXPECT_EQ(body_of(api(server, admin, "GET", "/api/playbooks/pb_demo/hours"))["hours"], kOffice);
  Agent again;
  ASSERT_TRUE(again.connect(server, "anna@demo.local"));
  ASSERT_EQ(again.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  EXPECT_EQ(welcome_of(v)["live_chat_available"], false);
  EXPECT_EQ(welcome_of(v)["back_at"], kMonday0900Rome);
}

}  // namespace
}  // namespace livechat::itest
