// gc: exactly the expired objects go, nothing outside the prefix, nothing
// referenced, in batches of at most 1000, and it stops cleanly when asked.
#include <doctest/doctest.h>

#include <algorithm>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "gc_stats/batch_deleter.hpp"
#include "gc_stats/gc.hpp"
#include "fixtures.hpp"
#include "memory_store.hpp"

using namespace claimcheck;
using namespace claimcheck::test;

namespace {

const TimePoint kNow = at("2026-06-15T12:00:00Z");
const std::string kPrefix = "cc/";

GcOptions options_at(TimePoint as_of) {
  GcOptions options;
  options.prefix = kPrefix;
  options.ttl = std::chrono::duration_cast<std::chrono::seconds>(30 * kDay);
  options.as_of = as_of;
  options.now = as_of;
  return options;
}

/// 3 expired layout keys, 2 live layout keys, 1 expired foreign, 1 live foreign.
std::set<std::string> fill_mixed(MemoryStore& store) {
  std::set<std::string> expired;
  for (unsigned i = 0; i < 3; ++i) {
    const auto key = layout_key(kPrefix, kNow - (i + 1) * kDay, i);
    store.add(key, 100 + i, kNow - 40 * kDay);
    expired.insert(key);
  }
  for (unsigned i = 3; i < 5; ++i) store.add(layout_key(kPrefix, kNow + kDay, i), 10, kNow - 40 * kDay);
  const auto old_foreign = foreign_key(kPrefix, 5);
  store.add(old_foreign, 7, kNow - 31 * kDay);  // LastModified + 30d has passed
  expired.insert(old_foreign);
  store.add(foreign_key(kPrefix, 6), 9, kNow - 29 * kDay);  // one day left
  return expired;
}

std::set<std::string> selected_by(MemoryStore& store, const GcOptions& options, GcSummary* summary = nullptr) {
  std::set<std::string> keys;
  GcCallbacks callbacks;
  callbacks.on_selected = [&keys](const GcCandidate& c) { keys.insert(c.key); };
  GcSummary result = run_gc(store, options, callbacks);
  if (summary) *summary = result;
  return keys;
}

}  // namespace

TEST_CASE("dry run selects exactly the expired objects and deletes nothing") {
  MemoryStore store;
  const auto expected = fill_mixed(store);
  auto options = options_at(kNow);
  options.dry_run = true;
  GcSummary summary;
  CHECK(selected_by(store, options, &summary) == expected);
  CHECK(store.size() == 7);
  CHECK(store.delete_requests == 0);
  CHECK(summary.scanned == 7);
  CHECK(summary.expired == 4);
  CHECK(summary.selected == 4);
  CHECK(summary.selected_bytes == 100 + 101 + 102 + 7);
  CHECK(summary.deleted == 0);
}

TEST_CASE("gc deletes exactly the expired set; a second run deletes nothing") {
  MemoryStore store;
  const auto expected = fill_mixed(store);
  GcSummary first;
  CHECK(selected_by(store, options_at(kNow), &first) == expected);
  CHECK(first.deleted == 4);
  CHECK(first.bytes_freed == 310);
  CHECK(first.errors == 0);
  CHECK(store.size() == 3);
  for (const auto& key : expected) CHECK_FALSE(store.contains(key));
  GcSummary second = run_gc(store, options_at(kNow));
  CHECK(second.scanned == 3);
  CHECK(second.deleted == 0);
  CHECK(second.expired == 0);
}

TEST_CASE("expiry is judged at --as-of: two days later one more layout key and the foreign one go") {
  MemoryStore store;
  fill_mixed(store);
  GcSummary summary;
  selected_by(store, options_at(kNow + 2 * kDay), &summary);
  CHECK(summary.deleted == 7);  // both live layout keys (expire in 1 day) and the 29-day-old foreign one
  CHECK(store.size() == 0);
}

TEST_CASE("an expiry exactly at as_of counts as expired, one second later does not") {
  MemoryStore store;
  const auto due = layout_key(kPrefix, kNow, 1);
  const auto later = layout_key(kPrefix, kNow + 1s, 2);
  store.add(due, 1, kNow - kDay);
  store.add(later, 1, kNow - kDay);
  run_gc(store, options_at(kNow));
  CHECK_FALSE(store.contains(due));
  CHECK(store.contains(later));
}

TEST_CASE("a key the listing returns outside the prefix is never deleted") {
  MemoryStore store;
  store.list_ignores_prefix = true;  // a misbehaving store
  auto options = options_at(kNow);
  options.list_concurrency = 1;  // one listing: each key is seen once
  const auto outside = layout_key("other/", kNow - 10 * kDay, 1);
  const auto sibling = layout_key("cc-old/", kNow - 10 * kDay, 2);
  const auto inside = layout_key(kPrefix, kNow - 10 * kDay, 3);
  store.add(outside, 1, kNow - 50 * kDay);
  store.add(sibling, 1, kNow - 50 * kDay);
  store.add(inside, 1, kNow - 50 * kDay);
  GcSummary summary = run_gc(store, options);
  CHECK(summary.outside_prefix == 2);
  CHECK(summary.deleted == 1);
  CHECK(store.contains(outside));
  CHECK(store.contains(sibling));
  CHECK_FALSE(store.contains(inside));
}

TEST_CASE("referenced objects are kept even when expired") {
  MemoryStore store;
  const auto expected = fill_mixed(store);
  auto options = options_at(kNow);
  const std::string protected_key = *expected.begin();
  options.keep = {protected_key};
  GcSummary summary = run_gc(store, options);
  CHECK(summary.expired == 4);
  CHECK(summary.kept_referenced == 1);
  CHECK(summary.deleted == 3);
  CHECK(store.contains(protected_key));
}

TEST_CASE("--limit deletes at most N") {
  MemoryStore store;
  fill_mixed(store);
  auto options = options_at(kNow);
  options.limit = 2;
  GcSummary summary = run_gc(store, options);
  CHECK(summary.deleted == 2);
  CHECK(summary.limit_reached);
  CHECK(store.size() == 5);
}

TEST_CASE("--older-than also requires LastModified old enough") {
  MemoryStore store;
  const auto young = layout_key(kPrefix, kNow - kDay, 1);
  const auto old = layout_key(kPrefix, kNow - kDay, 2);
  store.add(young, 1, kNow - 2 * kDay);
  store.add(old, 1, kNow - 10 * kDay);
  auto options = options_at(kNow);
  options.older_than = std::chrono::duration_cast<std::chrono::seconds>(7 * kDay);
  GcSummary summary = run_gc(store, options);
  CHECK(summary.deleted == 1);
  CHECK(store.contains(young));
  CHECK_FALSE(store.contains(old));
}

TEST_CASE("--older-than is measured from now, not from as_of") {
  // A later as_of judges expiry, not age: what was written a second ago stays
  // (it had gone with as_of 40 days on, older_than 1 hour; twenty-second audit).
  MemoryStore store;
  const auto fresh = layout_key(kPrefix, kNow + 30 * kDay, 1);
  const auto old = layout_key(kPrefix, kNow + 30 * kDay, 2);
  store.add(fresh, 1, kNow - std::chrono::seconds(1));
  store.add(old, 1, kNow - 2 * std::chrono::hours(1));
  auto options = options_at(kNow + 40 * kDay);
  options.now = kNow;
  options.older_than = std::chrono::hours(1);
  GcSummary summary = run_gc(store, options);
  CHECK(summary.deleted == 1);
  CHECK(store.contains(fresh));
  CHECK_FALSE(store.contains(old));
}

TEST_CASE("3000 objects, 2500 expired: 3 listing requests and 3 delete requests of at most 1000 keys") {
  for (const int list_concurrency : {1, 8}) {
    CAPTURE(list_concurrency);
    MemoryStore store;
    for (unsigned i = 0; i < 3000; ++i) {
      const auto expiry = i < 2500 ? kNow - kDay : kNow + kDay;
      store.add(layout_key(kPrefix, expiry, i), 1, kNow - 2 * kDay);
    }
    auto options = options_at(kNow);
    options.list_concurrency = list_concurrency;
    GcSummary summary = run_gc(store, options);
    CHECK(summary.deleted == 2500);
    // Partitioned: the delimiter listing, then 3 pages of one date and 1 of the other.
    CHECK(store.list_requests == (list_concurrency == 1 ? 3 : 5));
    CHECK(store.delete_requests == 3);
    CHECK(store.largest_batch == 1000);
    CHECK(store.size() == 500);
    CHECK(summary.deleted_keys.size() == kMaxListedKeys);  // the rest only counted
  }
}

TEST_CASE("120 date partitions listed 8 at a time: exactly the expired set goes, within the request bound") {
  // 60 expired dates and 60 live ones, 100 objects each, pages of 100 keys;
  // and Go-runner keys directly under the prefix (expired by LastModified + ttl).
  std::set<std::string> expired, live;
  const auto fill = [&](MemoryStore& store) {
    unsigned n = 0;
    for (int day = -60; day <= 60; ++day) {
      for (unsigned i = 0; day != 0 && i < 100; ++i) {
        const auto key = layout_key(kPrefix, kNow + day * kDay + std::chrono::seconds(i), n++);
        store.add(key, 1, kNow - 70 * kDay);
        (day < 0 ? expired : live).insert(key);
      }
    }
    for (unsigned i = 0; i < 5; ++i) {
      const auto key = foreign_key(kPrefix, 800000 + i);
      store.add(key, 1, i < 3 ? kNow - 40 * kDay : kNow);
      (i < 3 ? expired : live).insert(key);
    }
  };
  // Dry runs: the same list either way, partition by partition (the keys
  // directly under the prefix first) when partitioned.
  std::vector<std::string> order[2];
  for (const int list_concurrency : {1, 8}) {
    MemoryStore store(100);
    fill(store);
    auto options = options_at(kNow);
    options.list_concurrency = list_concurrency;
    options.dry_run = true;
    GcCallbacks callbacks;
    auto& selected = order[list_concurrency == 1 ? 0 : 1];
    callbacks.on_selected = [&selected](const GcCandidate& c) { selected.push_back(c.key); };
    run_gc(store, options, callbacks);
  }
  CHECK(order[0].size() == expired.size());
  CHECK(order[1].size() == expired.size());
  CHECK(std::set<std::string>(order[1].begin(), order[1].end()) == expired);

  MemoryStore store(100);
  fill(store);
  auto options = options_at(kNow);
  options.list_concurrency = 8;
  GcSummary summary = run_gc(store, options);
  CHECK(summary.deleted == expired.size());
  CHECK(summary.errors == 0);
  for (const auto& key : expired) CHECK_FALSE(store.contains(key));
  for (const auto& key : live) CHECK(store.contains(key));
  CHECK(store.size() == live.size());
  const std::size_t objects = expired.size() + live.size();
  CHECK(store.list_requests <= static_cast<int>((objects + 99) / 100 + 120));
  CHECK(store.delete_requests == static_cast<int>((expired.size() + 999) / 1000));
}

TEST_CASE("per-key failures are counted, the rest still goes, and the keys of both are kept") {
  MemoryStore store;
  for (unsigned i = 0; i < 30; ++i) {
    const auto key = layout_key(kPrefix, kNow - kDay, i);
    store.add(key, 1, kNow - 2 * kDay);
    if (i < 12) store.keys_that_fail.insert(key);
  }
  GcSummary summary = run_gc(store, options_at(kNow));
  CHECK(summary.errors == 12);
  CHECK(summary.deleted == 18);
  CHECK(summary.failures.size() == 12);
  CHECK(summary.failures.front().second == "AccessDenied");
  CHECK(summary.deleted_keys.size() == 18);
  for (const auto& key : summary.deleted_keys) CHECK_FALSE(store.keys_that_fail.contains(key));
  CHECK(store.size() == 12);
}

TEST_CASE("keys another run removed first are counted apart, neither deleted nor unsent") {
  MemoryStore store;
  for (unsigned i = 0; i < 30; ++i) {
    const std::string key = layout_key(kPrefix, kNow - kDay, i);
    store.add(key, 1, kNow - 2 * kDay);
    if (i % 3 == 0) store.keys_already_gone.insert(key);
  }
  GcSummary summary = run_gc(store, options_at(kNow));
  CHECK(summary.selected == 30);
  CHECK(summary.deleted == 20);
  CHECK(summary.already_gone == 10);
  CHECK(summary.errors == 0);
  CHECK(summary.bytes_freed == 20);
  CHECK(summary.deleted_keys.size() == 20);
}

TEST_CASE("a failed batch request counts every key of the batch as an error") {
  MemoryStore store;
  for (unsigned i = 0; i < 5; ++i) store.add(layout_key(kPrefix, kNow - kDay, i), 1, kNow - 2 * kDay);
  store.remove_batch_throws = true;
  GcSummary summary = run_gc(store, options_at(kNow));
  CHECK(summary.errors == 5);
  CHECK(summary.deleted == 0);
  CHECK(summary.failures.front().second == "connection reset");
}

TEST_CASE("a listing failure stops the run; batches already handed over are still counted") {
  MemoryStore store(1000);
  for (unsigned i = 0; i < 2500; ++i) store.add(layout_key(kPrefix, kNow - kDay, i), 1, kNow - 2 * kDay);
  store.list_throws_after_pages = 1;
  auto options = options_at(kNow);
  options.list_concurrency = 1;  // one listing, failing on its second page
  GcSummary summary = run_gc(store, options);
  REQUIRE(summary.listing_error.has_value());
  CHECK(summary.listing_error->kind() == ErrorKind::Store);
  CHECK(summary.deleted == 1000);
  CHECK(store.size() == 1500);
}

TEST_CASE("stop flag: the listing stops, batches in flight finish, counts match what is gone") {
  MemoryStore store(1000);
  for (unsigned i = 0; i < 10000; ++i) store.add(layout_key(kPrefix, kNow - kDay, i), 1, kNow - 2 * kDay);
  std::atomic<bool> stop{false};
  store.on_remove_batch = [&stop] { stop = true; };  // "SIGINT" while the first batch is in flight
  auto options = options_at(kNow);
  options.stop = &stop;
  options.list_concurrency = 1;  // no pages listed ahead: the request count is exact
  GcSummary summary = run_gc(store, options);
  CHECK(summary.interrupted);
  CHECK(summary.deleted >= 1000);
  CHECK(summary.deleted < 10000);
  CHECK(summary.deleted == 10000 - store.size());
  CHECK(store.list_requests < 10);
}

TEST_CASE("stop flag during the last batch: it finishes and the run is interrupted") {
  // A signal while the final, partial batch was in flight gave exit 0, as
  // if the run had not been stopped, when no incomplete upload was listed
  // after it (eighth audit).
  MemoryStore store(1000);
  for (unsigned i = 0; i < 500; ++i) store.add(layout_key(kPrefix, kNow - kDay, i), 1, kNow - 2 * kDay);
  std::atomic<bool> stop{false};
  store.on_remove_batch = [&stop] { stop = true; };
  auto options = options_at(kNow);
  options.stop = &stop;
  GcSummary summary = run_gc(store, options);
  CHECK(summary.interrupted);
  CHECK(summary.deleted == 500);
  CHECK(store.size() == 0);
}

TEST_CASE("a stop drops the batches no worker has begun, also while finish() waits for the last ones") {
  // A signal after the listing had ended, while gc waited for its queued
  // batches, had let them all go: "stops after the batches in flight".
  MemoryStore store(1000);
  std::vector<DeleteBatch> batches(6);
  for (unsigned i = 0; i < 6000; ++i) {
    const std::string key = layout_key(kPrefix, kNow - kDay, i);
    store.add(key, 1, kNow - 2 * kDay);
    batches[i / 1000].keys.push_back(key);
    batches[i / 1000].sizes.push_back(1);
  }
  std::mutex mutex;
  std::condition_variable changed;
  int begun = 0;
  bool released = false;
  store.on_remove_batch = [&] {  // each of the 4 workers holds its batch until released
    std::unique_lock lock(mutex);
    ++begun;
    changed.notify_all();
    changed.wait(lock, [&] { return released; });
  };
  std::atomic<bool> stop{false};
  BatchDeleter deleter(store, 4, kMaxListedKeys, &stop);
  for (DeleteBatch& batch : batches) deleter.submit(std::move(batch));  // 4 begun, 2 waiting
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return begun == 4; });
  }
  std::thread finishing([&] { deleter.finish(); });
  stop = true;
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  changed.notify_all();
  finishing.join();
  CHECK(deleter.totals().deleted == 4000);
  CHECK(store.delete_requests == 4);
  CHECK(store.size() == 2000);
}

TEST_CASE("incomplete uploads under the prefix older than a day are aborted; younger and outside ones stay") {
  MemoryStore store;
  store.uploads = {{kPrefix + uuid_for(1), "stale", kNow - 2 * kDay},
                   {kPrefix + uuid_for(2), "young", kNow - 12h},
                   {"elsewhere/" + uuid_for(3), "outside", kNow - 9 * kDay},
                   {kPrefix + uuid_for(4), "refused", kNow - 3 * kDay}};
  store.uploads_that_fail = {"refused"};
  auto options = options_at(kNow);
  std::vector<std::string> seen;
  GcCallbacks callbacks;
  callbacks.on_stale_upload = [&](const IncompleteUpload& u) { seen.push_back(u.upload_id); };

  SUBCASE("dry run lists them and aborts nothing") {
    options.dry_run = true;
    GcSummary summary = run_gc(store, options, callbacks);
    CHECK(seen == std::vector<std::string>{"stale", "refused"});
    CHECK((summary.uploads_found == 3 && summary.uploads_stale == 2 && summary.uploads_aborted == 0));
    CHECK(store.uploads.size() == 4);
  }
  SUBCASE("a run aborts the stale ones; a failure is counted and named") {
    GcSummary summary = run_gc(store, options, callbacks);
    CHECK(summary.uploads_aborted == 1);
    CHECK(summary.upload_errors == 1);
    REQUIRE(summary.upload_failures.size() == 1);
    CHECK(summary.upload_failures[0].first.upload_id == "refused");
    CHECK(summary.upload_failures[0].second == "AccessDenied");
    std::vector<std::string> left;
    for (const auto& u : store.uploads) left.push_back(u.upload_id);
    CHECK(left == std::vector<std::string>{"young", "outside", "refused"});
  }
  SUBCASE("--as-of judges objects, not uploads: their age is from now (a young one may be an offload in flight)") {
    options.as_of = kNow + 2 * kDay;
    CHECK(run_gc(store, options).uploads_aborted == 1);
    CHECK(store.uploads.size() == 3);  // young, outside, refused
  }
  SUBCASE("two days later the young one goes too; nullopt leaves all alone") {
    options.now = kNow + 2 * kDay;
    CHECK(run_gc(store, options).uploads_aborted == 2);
    options.uploads_older_than.reset();
    CHECK(run_gc(store, options).uploads_found == 0);
  }
  SUBCASE("at the root only runners' uploads are judged") {
    options.prefix = "";
    store.uploads = {{uuid_for(5), "go", kNow - 2 * kDay}, {"backup.tar", "theirs", kNow - 2 * kDay}};
    GcSummary summary = run_gc(store, options);
    CHECK(summary.uploads_found == 1);
    REQUIRE(store.uploads.size() == 1);
    CHECK(store.uploads[0].upload_id == "theirs");
  }
}

TEST_CASE("an empty prefix judges the Go runner's keys at the root and never touches anything else") {
  MemoryStore store;
  const auto old_go = foreign_key("", 1), young_go = foreign_key("", 2);
  store.add(old_go, 10, kNow - 31 * kDay);
  store.add(young_go, 10, kNow - 29 * kDay);
  const auto layout = layout_key("", kNow - kDay, 3);  // claimcheck with an empty prefix
  store.add(layout, 10, kNow - 2 * kDay);
  // Someone else's keys, however old: other shapes at the root, and keys under a prefix.
  const std::vector<std::string> others = {"backup.tar", "5", uuid_for(4) + ".bak", "x" + uuid_for(5),
                                           layout_key("cc/", kNow - kDay, 6), foreign_key("logs/", 7)};
  for (const auto& key : others) store.add(key, 10, kNow - 400 * kDay);
  auto options = options_at(kNow);
  options.prefix = "";

  SUBCASE("dry run shows what would go and how many were left alone") {
    options.dry_run = true;
    std::vector<std::string> listed;
    GcCallbacks callbacks;
    callbacks.on_selected = [&](const GcCandidate& c) { listed.push_back(c.key); };
    GcSummary summary = run_gc(store, options, callbacks);
    std::sort(listed.begin(), listed.end());  // partitions are listed side by side
    auto expected = std::vector<std::string>{layout, old_go};
    std::sort(expected.begin(), expected.end());
    CHECK(listed == expected);
    CHECK(summary.other_keys == others.size());
    CHECK(summary.scanned == 3 + others.size());
    CHECK(store.size() == 3 + others.size());
  }
  SUBCASE("a real run deletes exactly those") {
    GcSummary summary = run_gc(store, options);
    CHECK(summary.deleted == 2);
    CHECK(summary.other_keys == others.size());
    CHECK(store.size() == 1 + others.size());
    for (const auto& key : others) CHECK(store.contains(key));
    CHECK(store.contains(young_go));
  }
}
