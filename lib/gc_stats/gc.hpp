// `gc`: deletes the objects under a prefix whose expiry has passed, deciding
// from the listing alone, deleting in batches of up to 1000 on several
// threads while the listing goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "gc_stats/expiry.hpp"
#include "gc_stats/partitioned_listing.hpp"
#include "reference/reference.hpp"
#include "stores/store.hpp"

namespace claimcheck {

/// Deleted keys, and failed keys with their reason, kept in the summary (for
/// `gc --json`); past this only the counts grow.
constexpr std::size_t kMaxListedKeys = 1000;

struct GcOptions {
  /// Empty: the store's root, where only runner keys (is_runner_key_at_root:
  /// the Go runner's bare UUIDs, claimcheck's layout) are judged.
  std::string prefix = default_config().prefix;
  std::chrono::seconds ttl = default_config().ttl;
  TimePoint as_of{};  // expiry is judged at this time
  /// as_of was given as a time, not as now (+ a duration): it stays as it is
  /// when the store's clock turns out to differ from ours.
  bool as_of_fixed = false;
  /// Also require LastModified <= now - older_than: measured from the real
  /// time, as an upload's age is, so that `--as-of +40d --older-than 1h`
  /// never deletes what was written a second ago.
  std::optional<std::chrono::seconds> older_than;
  std::optional<std::uint64_t> limit;  // delete at most this many
  bool dry_run = false;
  /// The real time. An incomplete upload's age is measured from it, never
  /// from as_of: `--as-of +7d` must not abort the upload of an offload that
  /// began a second ago and is still writing.
  TimePoint now{};
  /// Incomplete uploads under the prefix begun at least this long before
  /// now are aborted (S3 bills for their parts); nullopt: left alone.
  std::optional<std::chrono::seconds> uploads_older_than = std::chrono::hours(24);
  /// Keys never deleted (referenced from documents the user still needs).
  std::unordered_set<std::string> keep;
  int concurrency = 4;  // delete batches in flight
  /// Date partitions listed at once; 1 lists the prefix as one sequence.
  int list_concurrency = default_config().list_concurrency;
  /// Set (e.g. by a SIGINT handler) to stop listing; batches in flight finish.
  const std::atomic<bool>* stop = nullptr;
};

struct GcCandidate {
  std::string key;
  std::uint64_t size = 0;
  ObjectExpiry expiry;
};

struct GcSummary {
  std::uint64_t scanned = 0;          // objects listed under the prefix
  std::uint64_t expired = 0;          // expired (and old enough), kept ones included
  std::uint64_t kept_referenced = 0;  // expired but referenced: not deleted
  std::uint64_t selected = 0;         // chosen for deletion (dry run: would go)
  std::uint64_t selected_bytes = 0;
  std::uint64_t deleted = 0;
  std::uint64_t bytes_freed = 0;
  std::uint64_t errors = 0;           // keys whose deletion failed
  std::uint64_t already_gone = 0;     // chosen, and removed by another run first (local store)
  std::uint64_t outside_prefix = 0;   // listed yet not under the prefix: skipped
  std::uint64_t other_keys = 0;       // never touched: at the root not a runner's key; anywhere a key no request may name
  std::uint64_t uploads_found = 0;    // incomplete uploads under the prefix
  std::uint64_t uploads_stale = 0;    // older than uploads_older_than (dry run: would be aborted)
  std::uint64_t uploads_aborted = 0;
  std::uint64_t upload_errors = 0;    // aborts that failed
  bool interrupted = false;           // stopped by GcOptions::stop
  bool limit_reached = false;
  std::vector<std::string> deleted_keys;                      // the first kMaxListedKeys
  std::vector<std::pair<std::string, std::string>> failures;  // the first kMaxListedKeys: key, reason
  std::vector<std::pair<IncompleteUpload, std::string>> upload_failures;  // the first kMaxListedKeys
  /// The run stopped part way on an error (the listing, or a callback such as
  /// the output of a dry run); what was deleted before is still counted.
  std::optional<Error> listing_error;
};

struct GcCallbacks {
  /// Each object chosen for deletion, in the order judged (dry run: the
  /// list): list_partitioned's (keys directly under the prefix, then each
  /// date folder's in order).
  std::function<void(const GcCandidate&)> on_selected;
  /// After each listing page (on the calling thread); a snapshot.
  std::function<void(const GcSummary&)> on_progress;
  /// Each stale incomplete upload (dry run: the list of what would be aborted).
  std::function<void(const IncompleteUpload&)> on_stale_upload;
};

/// Runs gc over `store`. Every key is checked against the prefix before it
/// may be deleted. Per-key delete failures are counted in the summary and the
/// run goes on; a listing failure stops it (batches in flight finish) and is
/// returned in `listing_error`. Then the stale incomplete uploads under the
/// prefix are aborted, one by one. Throws Error(Usage) for invalid options.
GcSummary run_gc(Store& store, const GcOptions& options, const GcCallbacks& callbacks = {});

/// The object keys referenced from these documents (any format the scanner
/// knows). Throws Error(Usage) when a file cannot be opened, Error(InvalidInput)
/// when one cannot be parsed.
std::unordered_set<std::string> collect_referenced_keys(const std::vector<std::string>& files);

}  // namespace claimcheck
