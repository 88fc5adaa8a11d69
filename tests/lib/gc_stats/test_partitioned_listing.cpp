// list_partitioned: the same objects as one listing, each once, in a fixed
// order, on the caller's thread, with the request count the issue bounds:
// ceil(N/1000) + partitions; stopping and errors behave as in one listing.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "core/error.hpp"
#include "gc_stats/partitioned_listing.hpp"
#include "fixtures.hpp"
#include "memory_store.hpp"

using namespace claimcheck;
using namespace claimcheck::test;

namespace {

const TimePoint kNow = at("2026-06-15T12:00:00Z");

/// `per_day[d]` objects expiring d+1 days from now, and 3 Go-runner keys
/// directly under the prefix. Returns every key, in key order.
std::vector<std::string> fill(MemoryStore& store, const std::vector<unsigned>& per_day) {
  std::set<std::string> keys;
  unsigned n = 0;
  for (std::size_t day = 0; day < per_day.size(); ++day) {
    for (unsigned i = 0; i < per_day[day]; ++i) {
      keys.insert(layout_key("cc/", kNow + static_cast<int>(day + 1) * kDay + std::chrono::seconds(i), n++));
    }
  }
  for (unsigned i = 0; i < 3; ++i) keys.insert(foreign_key("cc/", 900000 + i));
  for (const auto& key : keys) store.add(key, 1, kNow);
  store.add("cd/2026-06-16/outside", 1, kNow);  // a sibling prefix: never listed
  return {keys.begin(), keys.end()};
}

std::vector<std::string> listed(MemoryStore& store, int concurrency) {
  std::vector<std::string> keys;
  list_partitioned(store, "cc/", concurrency, [&](const std::vector<ObjectInfo>& page) {
    for (const auto& object : page) keys.push_back(object.key);
    return true;
  });
  return keys;
}

/// Objects directly under the prefix first, then each partition in key order.
std::vector<std::string> partition_order(const std::vector<std::string>& sorted) {
  std::vector<std::string> order;
  for (const auto& key : sorted)
    if (key.find('/', 3) == std::string::npos) order.push_back(key);
  for (const auto& key : sorted)
    if (key.find('/', 3) != std::string::npos) order.push_back(key);
  return order;
}

}  // namespace

TEST_CASE("every object once, in a fixed order, whatever the concurrency") {
  MemoryStore store(100);
  const auto keys = fill(store, {250, 1, 0, 100, 99, 101, 700, 5});
  CHECK(listed(store, 1) == keys);  // one plain listing: key order
  for (const int concurrency : {2, 3, 8, 64}) {
    CAPTURE(concurrency);
    CHECK(listed(store, concurrency) == partition_order(keys));
  }
}

TEST_CASE("requests: one listing per page; partitioned, one per partition page plus the level") {
  MemoryStore store(100);
  const std::vector<unsigned> per_day = {250, 1, 100, 99, 101, 700, 5};
  const auto keys = fill(store, per_day);
  listed(store, 1);
  CHECK(store.list_requests == 13);  // ceil(1259 / 100)
  CHECK(store.level_requests == 0);
  store.list_requests = 0;
  listed(store, 4);
  int expected = 1;  // the delimiter listing: 7 prefixes and 3 objects fit one page
  for (const unsigned n : per_day) expected += static_cast<int>((n + 99) / 100);
  CHECK(store.level_requests == 1);
  CHECK(store.list_requests == expected);
  // The bound: ceil(N / page) + partitions.
  CHECK(store.list_requests <= static_cast<int>((keys.size() + 99) / 100 + per_day.size()));
}

TEST_CASE("pages reach the caller on its own thread") {
  MemoryStore store(10);
  fill(store, {30, 30, 30, 30});
  const auto caller = std::this_thread::get_id();
  bool elsewhere = false;
  list_partitioned(store, "cc/", 4, [&](const std::vector<ObjectInfo>&) {
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
    return true;
  });
  CHECK_FALSE(elsewhere);
}

TEST_CASE("returning false stops every listing; nothing more is delivered") {
  MemoryStore store(10);
  fill(store, {200, 200, 200, 200, 200, 200});
  int pages = 0;
  list_partitioned(store, "cc/", 4, [&](const std::vector<ObjectInfo>&) { return ++pages < 5; });
  CHECK(pages == 5);
  // Listers stop at their next page: far fewer than the 121 pages of a full listing.
  CHECK(store.list_requests < 121);
}

TEST_CASE("a partition's listing error comes after the pages before it") {
  MemoryStore store(10);
  const auto keys = fill(store, {25, 25, 25});
  store.list_throws_after_pages = 2;  // every partition's listing fails on its third page
  std::vector<std::string> delivered;
  CHECK_THROWS_WITH_AS(list_partitioned(store, "cc/", 3,
                                        [&](const std::vector<ObjectInfo>& page) {
                                          for (const auto& object : page) delivered.push_back(object.key);
                                          return true;
                                        }),
                       "ListObjectsV2: 503 SlowDown", Error);
  // The 3 objects directly under the prefix, then the first partition's first 2 pages.
  const auto expected = partition_order(keys);
  CHECK(delivered == std::vector<std::string>(expected.begin(), expected.begin() + 3 + 20));
}

TEST_CASE("no partitions: the delimiter listing alone; a store without them lists plainly") {
  MemoryStore store(100);
  for (unsigned i = 0; i < 5; ++i) store.add(foreign_key("cc/", i), 1, kNow);
  CHECK(listed(store, 8).size() == 5);
  CHECK(store.list_requests == 1);
}

namespace {

/// A store whose delimiter listing answers empty pages, each with a new
/// token: one that never repeats, so only the caller can end it (here it
/// gives up after 1000 pages, so that a failing test ends).
class EndlessEmptyLevels : public MemoryStore {
 public:
  EndlessEmptyLevels() : MemoryStore(10) {}
  void list_level(const std::string&, const std::function<bool(const LevelPage&)>& on_page) override {
    for (pages = 0; pages < 1000; ++pages)
      if (!on_page(LevelPage{})) return;
  }
  int pages = 0;
};

}  // namespace

TEST_CASE("empty delimiter pages reach the caller, so that it can stop the listing (gc's interrupt)") {
  EndlessEmptyLevels store;
  int calls = 0;
  list_partitioned(store, "cc/", 8, [&](const std::vector<ObjectInfo>& page) {
    CHECK(page.empty());
    return ++calls < 3;
  });
  CHECK(calls == 3);
  CHECK(store.pages == 2);
}
