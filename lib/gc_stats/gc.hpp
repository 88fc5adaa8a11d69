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

/// Failures kept with their reason; past this only the count grows.
constexpr std::size_t kMaxReportedFailures = 10;

struct GcOptions {
  std::string prefix = default_config().prefix;
  std::chrono::seconds ttl = default_config().ttl;
  TimePoint as_of{};  // expiry is judged at this time
  /// Also require LastModified <= as_of - older_than.
  std::optional<std::chrono::seconds> older_than;
  std::optional<std::uint64_t> limit;  // delete at most this many
  bool dry_run = false;
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
  std::uint64_t outside_prefix = 0;   // listed yet not under the prefix: skipped
  bool interrupted = false;           // stopped by GcOptions::stop
  bool limit_reached = false;
  std::vector<std::pair<std::string, std::string>> failures;  // first few: key, reason
  /// The run stopped part way on an error (the listing, or a callback such as
  /// the output of a dry run); what was deleted before is still counted.
  std::optional<Error> listing_error;
};

struct GcCallbacks {
  /// Each object chosen for deletion, in listing order (dry run: the list).
  std::function<void(const GcCandidate&)> on_selected;
  /// After each listing page (on the calling thread); a snapshot.
  std::function<void(const GcSummary&)> on_progress;
};

/// Runs gc over `store`. Every key is checked against the prefix before it
/// may be deleted. Per-key delete failures are counted in the summary and the
/// run goes on; a listing failure stops it (batches in flight finish) and is
/// returned in `listing_error`. Throws Error(Usage) for invalid options.
GcSummary run_gc(Store& store, const GcOptions& options, const GcCallbacks& callbacks = {});

/// The object keys referenced from these documents (any format the scanner
/// knows). Throws Error(InvalidInput) when a file cannot be read or parsed.
std::unordered_set<std::string> collect_referenced_keys(const std::vector<std::string>& files);

}  // namespace claimcheck
