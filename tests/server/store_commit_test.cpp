// The store, part 2: CRM and account rows (upserts, deletes, NULL for empty ids), group commit
// (batching, callbacks through post in submit order), a failing batch, durability across reopen
// and SQLite's synchronous option. Each test works on its own file in a fresh temporary dir, or its
// own PostgreSQL database (AnyStoreTest: both engines).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <thread>

#include "store_fixture.hpp"

namespace livechat::server::test {
namespace {

OrganizationRow org(std::string id) { return {std::move(id), "ACME S.p.A. — Milano", "Via Roma 1, 20121 Milano", 10, 10}; }
PersonRow person(std::string id, std::string org_id) {
  return {std::move(id), "Zoë Ünal 李", "zoe@example.com", "+39 02 1234567", std::move(org_id), 10, 11};
}
LeadRow lead(std::string id, std::string kind) {
  LeadRow r;
  r.id = std::move(id);
  r.kind = std::move(kind);
  r.title = "Sito web — " + r.id;
  r.created_at = 20;
  r.updated_at = 21;
  r.source = "chatbot";
  return r;
}

// Organizations, persons, a lead, a deal, an activity and a note, all linked, in one Write that
// also starts conversation "c1" (leads and activities link to it).
Write crm_write(const std::string& note) {
  Write w;
  w.events = {at(1, ConversationStarted{"c1", 1, 5, "v1", "pb1", ""})};
  w.organizations = {org("o1")};
  w.persons = {person("p1", "o1"), person("p2", "")};
  LeadRow l = lead("l1", "lead");
  l.person_id = "p1";
  LeadRow d = lead("d1", "deal");
  d.person_id = "p1";
  d.organization_id = "o1";
  d.conversation_id = "c1";
  d.value_cents = 500000;
  d.currency = "EUR";
  d.expected_close_date = "2025-12-31";
  d.owner_id = "anna";
  d.source = "live_chat";
  d.status = "won";
  w.leads = {l, d};
  w.activities = {ActivityRow{"a1", "Richiamare 📞", "call", "2025-01-02", "anna", "p1", "c1", note, true, 30, 31}};
  w.notes = {NoteRow{"n1", "Interested in the **pro** plan", "l1", "d1", "p1", "o1", "anna", 40, 41}};
  return w;
}

// [SECTION] CRM records ---------------------------------------------------------------------------

TEST_P(AnyStoreTest, CrmRowsAreUpsertedAndReadBack) {
  auto store = open();
  const Write w = crm_write(wild());
  ASSERT_OK(put(*store, w));

  EXPECT_EQ(store->organizations(), w.organizations);
  EXPECT_EQ(store->persons(), w.persons);
  EXPECT_EQ(store->leads("lead"), std::vector<LeadRow>{w.leads[0]});
  EXPECT_EQ(store->leads("deal"), std::vector<LeadRow>{w.leads[1]});
  EXPECT_EQ(store->activities(), w.activities);
  EXPECT_EQ(store->notes(), w.notes);
  EXPECT_EQ(store->organization("o1"), w.organizations[0]);
  EXPECT_EQ(store->person("p2"), w.persons[1]);
  EXPECT_EQ(store->lead("d1"), w.leads[1]);
  EXPECT_EQ(store->activity("a1"), w.activities[0]);
  EXPECT_EQ(store->note("n1"), w.notes[0]);
  EXPECT_EQ(store->person("nobody"), std::nullopt);
  EXPECT_EQ(store->lead("nobody"), std::nullopt);

  // Empty ids and "no value" are NULL in the file.
  EXPECT_EQ(sql_value("SELECT organization_id FROM persons WHERE id = 'p2'"), "NULL");
  EXPECT_EQ(sql_rows("SELECT organization_id, conversation_id, value_cents, owner_id FROM leads WHERE id = 'l1'")[0],
            (std::vector<std::string>{"NULL", "NULL", "NULL", "NULL"}));

  // An upsert replaces every field but keeps the first created_at.
  PersonRow p = w.persons[1];
  p.name = "Zoë Ünal-Rossi";
  p.organization_id = "o1";
  p.created_at = 999;
  p.updated_at = 50;
  LeadRow d = w.leads[1];
  d.status = "lost";
  d.value_cents = -1;
  d.updated_at = 51;
  Write update;
  update.persons = {p};
  update.leads = {d};
  ASSERT_OK(put(*store, update));
  p.created_at = w.persons[1].created_at;
  EXPECT_EQ(store->person("p2"), p);
  EXPECT_EQ(store->lead("d1"), d);
  EXPECT_EQ(store->persons().size(), 2u);
}

TEST_P(AnyStoreTest, AccountsAndConfigurationRows) {
  auto store = open();
  Write w;
  w.credentials = {{"anna", "$argon2id$v=19$one"}};
  w.sessions = {{"th-1", "anna", 100, 200}, {"th-2", "anna", 101, 201}};
  w.visitors = {{"vh-1", "v-1", "pb-1", 102}, {"vh-2", "v-2", "", 103}};
  w.playbooks = {{"pb-1", R"({"id":"pb-1","name":"Benvenuto 👋"})", true, 1, 2}, {"pb-2", "{}", false, 3, 4}};
  w.runs = {{"c1", "pb-1", R"({"card":0})"}};
  w.playbook_settings = {{"pb-1", R"({"enabled":false})", 5}, {"pb-2", R"({"enabled":true})", 6}};
  ASSERT_OK(put(*store, w));

  EXPECT_EQ(store->credential("anna")->password_hash, "$argon2id$v=19$one");
  EXPECT_EQ(store->session("th-2")->expires_at, 201);
  EXPECT_EQ(store->visitor("vh-1")->visitor_id, "v-1");
  EXPECT_EQ(store->visitor("vh-2")->playbook_id, "");
  ASSERT_EQ(store->playbooks().size(), 2u);
  EXPECT_EQ(store->playbook("pb-1")->json, w.playbooks[0].json);
  EXPECT_TRUE(store->playbook("pb-1")->embedded);
  ASSERT_EQ(store->runs().size(), 1u);
  EXPECT_EQ(store->runs()[0].json, R"({"card":0})");

  Write change;
  change.credentials = {{"anna", "$argon2id$v=19$two"}};
  change.ended_sessions = {"th-1", "th-unknown"};  // ending an unknown session is not an error
  change.deleted_playbooks = {"pb-2"};
  change.runs = {{"c1", "pb-1", R"({"card":3})"}};
  ASSERT_OK(put(*store, change));
  EXPECT_EQ(store->credential("anna")->password_hash, "$argon2id$v=19$two");
  EXPECT_EQ(store->session("th-1"), std::nullopt);
  EXPECT_TRUE(store->session("th-2").has_value());
  EXPECT_EQ(store->playbook("pb-2"), std::nullopt);
  EXPECT_EQ(store->playbooks().size(), 1u);
  EXPECT_EQ(store->runs()[0].json, R"({"card":3})");
  EXPECT_EQ(store->credential("nobody"), std::nullopt);
  // A playbook's settings go with it.
  auto settings = store->playbook_settings();
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(settings[0].playbook_id, "pb-1");
  EXPECT_EQ(settings[0].business_hours, R"({"enabled":false})");
  EXPECT_EQ(settings[0].updated_at, 5);
  // Settings of a playbook that does not exist fail their batch.
  Write orphan;
  orphan.playbook_settings = {{"pb-none", "{}", 7}};
  EXPECT_FALSE(put(*store, orphan).ok());
}

// [SECTION] A failing batch -----------------------------------------------------------------------

TEST_P(AnyStoreTest, ConstraintViolationFailsEveryWriteOfItsBatchAndLaterBatchesSucceed) {
  struct Row {
    const char* name;
    Write bad;
    const char* message;
  };
  auto with = [](auto fill) {
    Write w;
    fill(w);
    return w;
  };
  LeadRow bad_kind = lead("x", "opportunity");
  LeadRow lead_no_person = lead("x", "lead");
  lead_no_person.person_id = "missing";
  LeadRow lead_no_conv = lead("x", "deal");
  lead_no_conv.conversation_id = "missing";
  const Row rows[] = {
      {"person_missing_org", with([](Write& w) { w.persons = {person("x", "missing")}; }), "FOREIGN KEY"},
      {"lead_missing_person", with([&](Write& w) { w.leads = {lead_no_person}; }), "FOREIGN KEY"},
      {"deal_missing_conversation", with([&](Write& w) { w.leads = {lead_no_conv}; }), "FOREIGN KEY"},
      {"note_missing_lead",
       with([](Write& w) { w.notes = {NoteRow{"x", "t", "missing", "", "", "", "", 1, 1}}; }), "FOREIGN KEY"},
      {"activity_missing_person",
       with([](Write& w) { w.activities = {ActivityRow{"x", "s", "task", "", "", "missing", "", "", false, 1, 1}}; }),
       "FOREIGN KEY"},
      {"lead_bad_kind", with([&](Write& w) { w.leads = {bad_kind}; }), "CHECK"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    // A long window and max_batch 3: the three Writes below form exactly one batch.
    auto opened = Store::open(fresh_where(), StoreOptions{true, 2'000'000, 3}, post());
    ASSERT_TRUE(opened.ok());
    Store& store = *opened.value();
    Results results;
    Write good1;
    good1.organizations = {org("o-ok")};
    Write good2 = events_write({at(1, OnlineChanged{"u", true})});
    store.submit(good1, results.done(0));
    store.submit(row.bad, results.done(1));
    store.submit(good2, results.done(2));
    store.flush();

    ASSERT_EQ(results.got.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(results.got[i].first, i);
      const Status& s = results.got[i].second;
      ASSERT_FALSE(s.ok()) << "write " << i;
      EXPECT_EQ(s.error().code, ErrorCode::conflict);
      EXPECT_TRUE(mentions(s.error().message, row.message)) << s.error().message;
    }
    EXPECT_EQ(store.stats().rollbacks, 1u);
    EXPECT_EQ(store.stats().commits, 0u);
    EXPECT_TRUE(store.organizations().empty());  // good1 was rolled back with the rest
    EXPECT_EQ(store.last_pos(), 0u);

    // The next batch commits normally, at the same positions.
    ASSERT_OK(put(store, good1));
    ASSERT_OK(put(store, good2));
    EXPECT_EQ(store.organizations().size(), 1u);
    EXPECT_EQ(store.last_pos(), 1u);
    EXPECT_EQ(store.stats().commits, 2u);
    EXPECT_TRUE(store.integrity_ok());
  }
}

// [SECTION] Group commit --------------------------------------------------------------------------

TEST_P(AnyStoreTest, GroupCommitGroupsAThousandWritesAndAnswersInSubmitOrder) {
  auto store = open();
  Results results;
  constexpr int kWrites = 1000;
  store->submit(events_write({at(1, ConversationStarted{"c", 1, 0, "v", "", ""})}), results.done(0));
  for (int i = 1; i < kWrites; ++i) {
    const uint64_t seq = static_cast<uint64_t>(i) + 1;
    store->submit(events_write({at(seq, MessagePosted{"c", seq, i, Author::visitor, "v", numbered("msg ", i),
                                                      numbered("m", i)})}),
                  results.done(i));
  }
  store->flush();

  ASSERT_EQ(results.got.size(), static_cast<std::size_t>(kWrites));
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_EQ(results.got[i].first, i);
    EXPECT_TRUE(results.got[i].second.ok()) << i;
  }
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.writes, static_cast<uint64_t>(kWrites));
  EXPECT_EQ(stats.events, static_cast<uint64_t>(kWrites));
  EXPECT_LT(stats.commits, static_cast<uint64_t>(kWrites));
  uint64_t histogram_total = 0;
  for (uint64_t n : stats.batch_histogram) histogram_total += n;
  EXPECT_EQ(histogram_total, stats.commits);
  EXPECT_EQ(sql_value("SELECT count(*) FROM messages"), std::to_string(kWrites - 1));
  EXPECT_EQ(sql_value("SELECT last_seq FROM conversations"), std::to_string(kWrites));
  EXPECT_EQ(store->last_pos(), static_cast<uint64_t>(kWrites));
}

TEST_P(AnyStoreTest, BatchesNeverExceedMaxBatch) {
  auto store = open(StoreOptions{true, 1000, 8});
  Results results;
  for (int i = 0; i < 100; ++i) {
    Write w;
    w.credentials = {{numbered("u", i), "h"}};
    store->submit(std::move(w), results.done(i));
  }
  store->flush();
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.writes, 100u);
  EXPECT_GE(stats.commits, 13u);  // ceil(100 / 8)
  for (int bucket = 4; bucket < 8; ++bucket) EXPECT_EQ(stats.batch_histogram[bucket], 0u) << bucket;
  EXPECT_EQ(results.got.size(), 100u);
}

// Writes that pile up while a commit is in progress are taken at once and committed in
// transactions of at most max_batch each, in submit order.
TEST_P(AnyStoreTest, AQueueLongerThanMaxBatchIsCommittedInFullBatches) {
  auto store = open(StoreOptions{true, 0, 8});
  std::mutex mu;
  std::condition_variable cv;
  bool first_done_running = false, release = false;
  Results results;
  Write first;
  first.credentials = {{"u-first", "h"}};
  store->submit(std::move(first), [&](const Status&) {  // runs on the writer thread (inline post)
    std::unique_lock lock(mu);
    first_done_running = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return first_done_running; });
  }
  for (int i = 0; i < 20; ++i) {  // the writer is held in the first done: these all queue up
    Write w;
    w.credentials = {{numbered("u", i), "h"}};
    store->submit(std::move(w), results.done(i));
  }
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  store->flush();

  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.commits, 4u);  // 1, then 8 + 8 + 4
  EXPECT_EQ(stats.batch_histogram[0], 1u);
  EXPECT_EQ(stats.batch_histogram[2], 1u);  // 4..7
  EXPECT_EQ(stats.batch_histogram[3], 2u);  // 8..15
  ASSERT_EQ(results.got.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(results.got[i].first, i);
}

TEST_P(AnyStoreTest, DoneRunsThroughPost) {
  std::mutex mu;
  std::vector<std::function<void()>> posted;
  auto opened = Store::open(where(), {}, [&](std::function<void()> task) {
    std::lock_guard lock(mu);
    posted.push_back(std::move(task));
  });
  ASSERT_TRUE(opened.ok());
  int calls = 0;
  for (int i = 0; i < 5; ++i) opened.value()->submit(Write{}, [&](const Status& s) { calls += s.ok(); });
  opened.value()->flush();
  EXPECT_EQ(calls, 0);  // durable, but the callbacks wait for the I/O thread
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mu);
    tasks.swap(posted);
  }
  ASSERT_EQ(tasks.size(), 5u);
  for (auto& t : tasks) t();
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(opened.value()->stats().writes, 5u);
}

TEST_P(AnyStoreTest, FlushWithNothingSubmittedReturnsAndEmptyWriteIsEmpty) {
  auto store = open();
  store->flush();
  EXPECT_EQ(store->stats().commits, 0u);
  EXPECT_TRUE(Write{}.empty());
  Write w;
  w.ended_sessions = {"x"};
  EXPECT_FALSE(w.empty());
  ASSERT_OK(put(*store, Write{}));  // an empty Write still gets its answer
}

// [SECTION] Durability ----------------------------------------------------------------------------

TEST_P(AnyStoreTest, EverythingSurvivesCloseAndReopen) {
  std::vector<StoredEvent> events;
  uint64_t pos = 1;  // crm_write() uses pos 1
  for (const Event& e : every_event("c-2")) events.push_back(at(++pos, e));
  const Write crm = crm_write(wild());
  Write accounts;
  accounts.credentials = {{"anna", "hash"}};
  accounts.sessions = {{"th", "anna", 1, 2}};
  accounts.playbooks = {{"pb-1", "{}", true, 1, 2}};

  Results results;
  {
    auto store = open();
    store->submit(crm, results.done(0));
    store->submit(events_write(events), results.done(1));
    store->submit(accounts, results.done(2));
    // No flush: the destructor commits what is queued before it returns.
  }
  ASSERT_EQ(results.got.size(), 3u);
  for (const auto& [i, s] : results.got) EXPECT_TRUE(s.ok()) << i;

  auto store = open();
  EXPECT_TRUE(store->integrity_ok());
  EXPECT_EQ(store->last_pos(), pos);
  auto read = store->events_after(1, 100);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read.value().size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_TRUE(read.value()[i].event == events[i].event) << i;
  EXPECT_EQ(store->persons(), crm.persons);
  EXPECT_EQ(store->leads("deal"), std::vector<LeadRow>{crm.leads[1]});
  EXPECT_EQ(store->notes(), crm.notes);
  EXPECT_EQ(store->credential("anna")->password_hash, "hash");
  EXPECT_EQ(store->playbooks().size(), 1u);

  // The reopened store knows the last position: a stale one is refused, the next accepted.
  EXPECT_FALSE(put(*store, events_write({at(pos, OnlineChanged{"u", true})})).ok());
  EXPECT_TRUE(put(*store, events_write({at(pos + 1, OnlineChanged{"u", true})})).ok());
}

TEST_P(AnyStoreTest, DestructorCommitsEveryQueuedWrite) {
  Results results;
  {
    auto store = open(StoreOptions{true, 5000, 16});
    for (int i = 0; i < 300; ++i) {
      Write w;
      w.organizations = {org(numbered("o", i))};
      store->submit(std::move(w), results.done(i));
    }
  }
  ASSERT_EQ(results.got.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(results.got[i].first, i);
  EXPECT_EQ(sql_value("SELECT count(*) FROM organizations"), "300");
}

TEST_F(StoreTest, SynchronousNormalOptionWorks) {
  {
    auto store = open(StoreOptions{false, 200, 4096});
    ASSERT_TRUE(store);
    ASSERT_OK(put(*store, events_write({at(1, OnlineChanged{"u", true})})));
    EXPECT_EQ(store->last_pos(), 1u);
    EXPECT_TRUE(store->integrity_ok());
  }
  auto store = open();
  EXPECT_EQ(store->last_pos(), 1u);
  // The connection pragma itself: 1 = NORMAL, 2 = FULL.
  for (bool full : {false, true}) {
    auto db = sqlite::open_connection(file(), sqlite::ConnRole::writer, full);
    ASSERT_TRUE(db.ok());
    auto st = sqlite::prepare(db.value().get(), "PRAGMA synchronous");
    ASSERT_TRUE(st.ok());
    ASSERT_EQ(st.value().step(), SQLITE_ROW);
    EXPECT_EQ(st.value().i64(0), full ? 2 : 1);
  }
}

TEST_P(AnyStoreTest, ReadsSeeOnlyCommittedDataWhileWritesContinue) {
  auto store = open(StoreOptions{true, 0, 64});
  ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c", 1, 0, "v", "", ""})})));
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    // The reader connection belongs to one thread; here the test thread hands it over for a while.
    while (!stop) {
      auto r = store->conversation_events("c", 0, std::numeric_limits<uint64_t>::max());
      ASSERT_TRUE(r.ok());
      // Every prefix read is gap-free: seq 1..n.
      for (std::size_t i = 0; i < r.value().size(); ++i) ASSERT_EQ(event_seq(r.value()[i].event), i + 1);
    }
  });
  Results results;
  for (uint64_t seq = 2; seq <= 500; ++seq)
    store->submit(events_write({at(seq, MessagePosted{"c", seq, 1, Author::visitor, "v", "x", ""})}),
                  results.done(static_cast<int>(seq)));
  store->flush();
  stop = true;
  reader.join();
  EXPECT_EQ(store->last_pos(), 500u);
}

}  // namespace
}  // namespace livechat::server::test
