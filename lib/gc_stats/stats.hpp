// `stats`: what is in the store (from a listing, aggregated page by page, so
// memory stays at one page whatever the object count) and what claimcheck has
// done (from the journal). Presentation: stats_json / prometheus.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manager/journal.hpp"
#include "reference/reference.hpp"
#include "config/config.hpp"
#include "gc_stats/partitioned_listing.hpp"
#include "stores/store.hpp"

namespace claimcheck {

struct CountBytes {
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  void add(std::uint64_t size) { ++objects; bytes += size; }
};

struct ObjectMark {
  std::string key;
  TimePoint last_modified{};
};

/// Everything here comes from the listing alone (no request per object), so
/// original (uncompressed) sizes are unknown: the key layout does not carry
/// them. Output says "unknown" (JSON null) for them.
struct StorageStats {
  CountBytes total;                     // stored bytes
  CountBytes with_key_expiry;           // claimcheck's key layout
  CountBytes with_ttl_expiry;           // foreign keys: LastModified + TTL
  CountBytes other_keys;                // as gc's: left out of every count
  CountBytes expired;                   // expiry at or before `as_of`
  CountBytes expiring_1d, expiring_7d, expiring_30d;  // not expired yet; cumulative windows
  CountBytes age_under_1d, age_1d_to_7d, age_7d_to_30d, age_over_30d;  // by LastModified
  std::optional<ObjectMark> oldest, newest;                            // by LastModified
};

/// Folds listing entries into StorageStats; keeps no per-object state. With
/// `root_only` (an empty prefix) only runner keys count (is_runner_key_at_root).
class StorageAggregator {
 public:
  StorageAggregator(TimePoint as_of, std::chrono::seconds ttl, bool root_only = false)
      : as_of_(as_of), ttl_(ttl), root_only_(root_only) {}
  void add(const ObjectInfo& object);
  const StorageStats& stats() const { return stats_; }

 private:
  void add_expiry(const ObjectInfo& object);
  void add_age(const ObjectInfo& object);
  TimePoint as_of_;
  std::chrono::seconds ttl_;
  bool root_only_;
  StorageStats stats_;
};

/// Lists `prefix` (`list_concurrency` date partitions at once, see
/// list_partitioned) and aggregates each page as it arrives; an empty prefix
/// counts the runner keys at the root only.
StorageStats collect_storage_stats(Store& store, const std::string& prefix, std::chrono::seconds ttl,
                                   TimePoint as_of, int list_concurrency = default_config().list_concurrency);

/// True statistics over every value (nearest-rank percentiles), milliseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0, sum = 0;
};
LatencySummary summarize_latencies(std::vector<double> values);

/// Successful operations only in the counts, bytes and latencies; failed ones
/// (exit_code != 0) are counted under their exit code.
struct OperationsStats {
  std::uint64_t records = 0;
  std::uint64_t offloads = 0, retrievals = 0, passthroughs = 0;
  std::uint64_t compressed_offloads = 0;
  std::uint64_t bytes_in = 0;          // original bytes of offloaded payloads
  std::uint64_t bytes_stored = 0;      // stored bytes of those offloads
  std::uint64_t bytes_out = 0;         // bytes of retrieved payloads
  std::uint64_t passthrough_bytes = 0;
  std::optional<double> compression_ratio;  // bytes_stored / bytes_in
  LatencySummary upload, download;     // store put / get (transfer_ms)
  std::map<int, std::uint64_t> errors_by_exit_code;
  std::uint64_t bad_lines = 0;
  std::optional<TimePoint> first, last;
};

class OperationsAggregator {
 public:
  explicit OperationsAggregator(std::optional<TimePoint> since = {}) : since_(since) {}
  void add(const JournalRecord& record);
  OperationsStats finish();

 private:
  void add_success(const JournalRecord& record);
  std::optional<TimePoint> since_;
  OperationsStats stats_;
  std::vector<double> upload_ms_, download_ms_;
};

/// The records of `store` (and those that name none: older ones, written
/// before records named their store) since `since`.
OperationsStats collect_operation_stats(const Journal& journal, std::optional<TimePoint> since,
                                        const std::string& store);

struct StatsReport {
  TimePoint as_of{};
  std::string prefix;
  std::string store;  // location, never a secret
  std::optional<TimePoint> since;
  std::optional<StorageStats> storage;
  std::optional<OperationsStats> operations;
  /// A view that was asked for and could not be made (the store unreachable,
  /// the journal unreadable): why, one line. The other view is still reported.
  std::optional<std::string> storage_error, operations_error;
};

}  // namespace claimcheck
