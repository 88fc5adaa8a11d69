// stats: storage aggregation equals a ground truth built by hand, latency
// statistics are the true values, the JSON carries the Go runner's names.
#include <doctest/doctest.h>

#include "gc_stats/stats.hpp"
#include "gc_stats/stats_output.hpp"
#include "fixtures.hpp"
#include "memory_store.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::test;

namespace {

const TimePoint kNow = at("2026-06-15T12:00:00Z");
const std::chrono::seconds kTtl = std::chrono::duration_cast<std::chrono::seconds>(30 * kDay);

JournalRecord record(const char* op, std::uint64_t original, std::uint64_t stored, double transfer_ms,
                     int exit_code = 0, TimePoint time = kNow - std::chrono::hours(1)) {
  JournalRecord r;
  r.time = time;
  r.op = op;
  r.original_bytes = original;
  r.stored_bytes = stored;
  r.compressed = stored < original;
  r.transfer_ms = transfer_ms;
  r.total_ms = transfer_ms + 1;
  r.exit_code = exit_code;
  return r;
}

}  // namespace

TEST_CASE("storage view: expiry windows, age buckets, oldest and newest") {
  MemoryStore store;
  store.add(layout_key("cc/", kNow - kDay, 1), 100, kNow - 40 * kDay);        // expired, age >30d
  store.add(layout_key("cc/", kNow + 12h, 2), 200, kNow - 3 * kDay);          // expiring <1d, age 1-7d
  store.add(layout_key("cc/", kNow + 5 * kDay, 3), 300, kNow - 10 * kDay);    // <7d, age 7-30d
  store.add(layout_key("cc/", kNow + 20 * kDay, 4), 400, kNow - 2h);          // <30d, age <1d
  store.add(layout_key("cc/", kNow + 90 * kDay, 5), 500, kNow - 1h);          // later, age <1d
  store.add(foreign_key("cc/", 6), 600, kNow - 31 * kDay);                    // ttl: expired, >30d
  store.add(foreign_key("other/", 7), 999, kNow);                             // not under the prefix

  StorageStats s = collect_storage_stats(store, "cc/", kTtl, kNow);
  CHECK(s.total.objects == 6);
  CHECK(s.total.bytes == 2100);
  CHECK(s.with_key_expiry.objects == 5);
  CHECK(s.with_ttl_expiry.bytes == 600);
  CHECK(s.expired.objects == 2);
  CHECK(s.expired.bytes == 700);
  CHECK(s.expiring_1d.bytes == 200);
  CHECK(s.expiring_7d.bytes == 500);
  CHECK(s.expiring_30d.bytes == 900);
  CHECK(s.expiring_30d.objects == 3);
  CHECK(s.age_under_1d.bytes == 900);
  CHECK(s.age_1d_to_7d.bytes == 200);
  CHECK(s.age_7d_to_30d.bytes == 300);
  CHECK(s.age_over_30d.bytes == 700);
  REQUIRE(s.oldest.has_value());
  CHECK(s.oldest->key == layout_key("cc/", kNow - kDay, 1));
  REQUIRE(s.newest.has_value());
  CHECK(s.newest->key == layout_key("cc/", kNow + 90 * kDay, 5));
}

TEST_CASE("storage view at the root: the Go runner's keys count, anything else is set apart") {
  MemoryStore store;
  store.add(foreign_key("", 1), 100, kNow - 31 * kDay);          // Go runner: expired by TTL
  store.add(foreign_key("", 2), 200, kNow - kDay);               // Go runner: young
  store.add(layout_key("", kNow + kDay, 3), 300, kNow - kDay);   // claimcheck, empty prefix
  store.add("backup.tar", 7, kNow - 400 * kDay);                 // not a runner's
  store.add(layout_key("cc/", kNow - kDay, 4), 11, kNow);        // under a prefix: not the root's
  StorageStats s = collect_storage_stats(store, "", kTtl, kNow);
  CHECK(s.total.objects == 3);
  CHECK(s.total.bytes == 600);
  CHECK(s.with_ttl_expiry.objects == 2);
  CHECK(s.with_key_expiry.objects == 1);
  CHECK(s.expired.bytes == 100);
  CHECK(s.other_keys.objects == 2);
  CHECK(s.other_keys.bytes == 18);
  CHECK(s.oldest->key == foreign_key("", 1));
}

TEST_CASE("storage view over 100,000 objects, aggregated page by page, listed plainly or by date") {
  for (const int list_concurrency : {1, 8}) {
    CAPTURE(list_concurrency);
    MemoryStore store(1000);
    for (unsigned i = 0; i < 100000; ++i)
      store.add(layout_key("cc/", i % 4 == 0 ? kNow - kDay : kNow + kDay, i), 10, kNow - 2h);
    StorageStats s = collect_storage_stats(store, "cc/", kTtl, kNow, list_concurrency);
    CHECK(s.total.objects == 100000);
    CHECK(s.total.bytes == 1000000);
    CHECK(s.expired.objects == 25000);
    // By date: the delimiter listing, then 25 pages of one date and 75 of the other.
    CHECK(store.list_requests == (list_concurrency == 1 ? 100 : 101));
  }
}

TEST_CASE("latency summary: nearest-rank percentiles over every value") {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);  // unsorted on purpose
  LatencySummary l = summarize_latencies(values);
  CHECK(l.count == 100);
  CHECK(l.mean == doctest::Approx(50.5));
  CHECK(l.p50 == 50);
  CHECK(l.p95 == 95);
  CHECK(l.p99 == 99);
  CHECK(l.max == 100);
  CHECK(l.sum == 5050);
}

TEST_CASE("latency summary of few values: p99 is the maximum, of none: all zero") {
  LatencySummary three = summarize_latencies({5, 1, 3});
  CHECK(three.p50 == 3);
  CHECK(three.p95 == 5);
  CHECK(three.p99 == 5);
  CHECK(summarize_latencies({}).count == 0);
}

TEST_CASE("operations view: counts, bytes, ratio, errors by exit code, --since window") {
  OperationsAggregator ops(kNow - 24h);
  ops.add(record("offload", 1000, 250, 10));
  ops.add(record("offload", 3000, 750, 30));
  ops.add(record("retrieve", 1000, 250, 4));
  ops.add(record("passthrough", 20, 0, 0));
  ops.add(record("retrieve", 0, 0, 0, 4));
  ops.add(record("offload", 0, 0, 0, 6));
  ops.add(record("offload", 0, 0, 0, 6));
  ops.add(record("offload", 99999, 9, 5000, 0, kNow - 48h));  // before --since: ignored
  OperationsStats o = ops.finish();
  CHECK(o.records == 7);
  CHECK(o.offloads == 2);
  CHECK(o.retrievals == 1);
  CHECK(o.passthroughs == 1);
  CHECK(o.bytes_in == 4000);
  CHECK(o.bytes_stored == 1000);
  CHECK(o.bytes_out == 1000);
  CHECK(o.passthrough_bytes == 20);
  REQUIRE(o.compression_ratio.has_value());
  CHECK(*o.compression_ratio == doctest::Approx(0.25));
  CHECK(o.upload.mean == doctest::Approx(20));
  CHECK(o.upload.max == 30);
  CHECK(o.download.mean == doctest::Approx(4));
  CHECK(o.errors_by_exit_code == std::map<int, std::uint64_t>{{4, 1}, {6, 2}});
}

TEST_CASE("the operations view counts the records of its store and those that name none") {
  claimcheck::testing::TempDir dir;
  Journal journal(dir / "journal");
  for (const char* store : {"s3://a", "s3://a", "s3://b", ""}) {
    JournalRecord r = record("offload", 1000, 250, 10);
    r.store = store;
    journal.append(r);
  }
  CHECK(collect_operation_stats(journal, std::nullopt, "s3://a").offloads == 3);
  CHECK(collect_operation_stats(journal, std::nullopt, "s3://b").offloads == 2);
  CHECK(collect_operation_stats(journal, std::nullopt, "file:///elsewhere").offloads == 1);
}

TEST_CASE("JSON: the Go runner's metric names with true values") {
  OperationsAggregator ops;
  ops.add(record("offload", 1000, 250, 10));
  ops.add(record("offload", 3000, 750, 20));
  ops.add(record("retrieve", 1000, 250, 6));
  StatsReport report;
  report.as_of = kNow;
  report.operations = ops.finish();

  SUBCASE("operations only: TotalBytesStored from the journal") {
    auto j = stats_to_json(report);
    CHECK(j["OffloadCount"] == 2);
    CHECK(j["RetrievalCount"] == 1);
    CHECK(j["TotalBytesStored"] == 1000);
    CHECK(j["TotalBytesStoredSource"] == "journal");
    CHECK(j["AvgUploadLatencyMS"].get<double>() == doctest::Approx(15));
    CHECK(j["AvgDownloadLatencyMS"].get<double>() == doctest::Approx(6));
    CHECK(j["storage"].is_null());
    CHECK(j["operations"]["upload_latency_ms"]["p99"] == 20);
  }
  SUBCASE("with the storage view: TotalBytesStored is what the store holds now") {
    StorageAggregator storage(kNow, kTtl);
    storage.add(ObjectInfo{"cc/x", 4242, kNow, {}});
    report.storage = storage.stats();
    auto j = stats_to_json(report);
    CHECK(j["TotalBytesStored"] == 4242);
    CHECK(j["TotalBytesStoredSource"] == "storage");
    CHECK(j["storage"]["objects"] == 1);
    CHECK(j["storage"]["original_bytes"].is_null());
  }
  SUBCASE("no retrievals: the average download latency is unknown, not zero") {
    OperationsAggregator only_offloads;
    only_offloads.add(record("offload", 10, 10, 1));
    report.operations = only_offloads.finish();
    CHECK(stats_to_json(report)["AvgDownloadLatencyMS"].is_null());
  }
}
