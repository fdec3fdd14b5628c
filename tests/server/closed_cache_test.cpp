// The engine's cache of closed conversations (closed_cache.hpp): least recently used out first,
// never more than its capacity, always the one just put, and take() hands a conversation back.
#include <gtest/gtest.h>

#include "closed_cache.hpp"

namespace livechat::server {
namespace {

Conversation closed(const std::string& id) {
  Conversation c;
  c.id = id;
  c.phase = Phase::closed;
  return c;
}

TEST(ClosedCache, DropsTheLeastRecentlyUsedPastItsCapacity) {
  ClosedCache cache(2);
  cache.put(closed("a"));
  cache.put(closed("b"));
  ASSERT_NE(cache.find("a"), nullptr);  // a is now the most recently used
  const Conversation* c = cache.put(closed("c"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->id, "c");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(ClosedCache, PutReplacesAndTakeRemoves) {
  ClosedCache cache(3);
  cache.put(closed("a"));
  Conversation newer = closed("a");
  newer.last_seq = 9;
  cache.put(newer);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("a")->last_seq, 9u);
  auto taken = cache.take("a");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->last_seq, 9u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.take("a").has_value());
  EXPECT_EQ(cache.evictions(), 0u);
}

TEST(ClosedCache, ACapacityOfOneStillHoldsTheOneJustPut) {
  ClosedCache cache(1);
  cache.put(closed("a"));
  const Conversation* b = cache.put(closed("b"));
  EXPECT_EQ(b->id, "b");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("a"), nullptr);
}

}  // namespace
}  // namespace livechat::server
