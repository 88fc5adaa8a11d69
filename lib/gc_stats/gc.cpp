#include "gc_stats/gc.hpp"

#include <memory>

#include "gc_stats/batch_deleter.hpp"
#include "sigv4/limits.hpp"
#include "reference/keys.hpp"
#include "reference/reference.hpp"

namespace claimcheck {

namespace {

void validate(const GcOptions& options) {
  if (options.concurrency < 1)
    throw Error(ErrorKind::Usage, "gc", "concurrency must be at least 1");
  if (options.list_concurrency < 1)
    throw Error(ErrorKind::Usage, "gc", "listing concurrency must be at least 1");
  if (options.limit && *options.limit == 0)
    throw Error(ErrorKind::Usage, "gc --limit", "must be at least 1");
}

/// The listing side of one gc run: judges each listed object, gathers the
/// chosen ones into batches and hands full batches to the deleter.
class GcRun {
 public:
  GcRun(Store& store, const GcOptions& options, const GcCallbacks& callbacks)
      : store_(store), options_(options), callbacks_(callbacks) {
    if (!options_.dry_run)
      deleter_ = std::make_unique<BatchDeleter>(store_, options_.concurrency, kMaxListedKeys, options_.stop);
  }

  GcSummary run() {
    try {
      list_partitioned(store_, options_.prefix, options_.list_concurrency,
                       [this](const std::vector<ObjectInfo>& page) { return on_page(page); });
    } catch (const Error& e) {
      // After a stop, the listing's failure is the stop's doing (the
      // credential_process it ended, a request cut short): the run was
      // interrupted, and says so.
      if (!stop_requested()) summary_.listing_error = e;
    }
    note_stop();
    finish_deleting();
    // A stop during the last batches or the upload listing counts too: the
    // rest is skipped, and the exit says the run was stopped (it said 0).
    if (!note_stop() && !summary_.listing_error && options_.uploads_older_than) abort_stale_uploads();
    note_stop();
    return snapshot();
  }

 private:
  bool stop_requested() const { return options_.stop && options_.stop->load(); }

  /// Marks the run interrupted once a stop is asked for; whether it is.
  bool note_stop() {
    if (stop_requested()) summary_.interrupted = true;
    return summary_.interrupted;
  }

  bool on_page(const std::vector<ObjectInfo>& page) {
    if (stop_requested()) return false;
    for (const auto& object : page) {
      judge(object);
      if (summary_.limit_reached) break;
    }
    if (callbacks_.on_progress) callbacks_.on_progress(snapshot());
    return !summary_.limit_reached;
  }

  void judge(const ObjectInfo& object) {
    ++summary_.scanned;
    // Safety: whatever the listing returned, nothing outside the prefix goes.
    if (!object.key.starts_with(options_.prefix)) {
      ++summary_.outside_prefix;
      return;
    }
    // At the root a bucket may hold anything: only runners' keys are judged.
    if (is_other_key(object.key, options_.prefix.empty())) {
      ++summary_.other_keys;
      return;
    }
    const ObjectExpiry expiry = object_expiry(object, options_.ttl);
    if (!is_expired(expiry, judged_as_of()) || !old_enough(object)) return;
    ++summary_.expired;
    if (options_.keep.contains(object.key)) {
      ++summary_.kept_referenced;
      return;
    }
    select(GcCandidate{object.key, object.stored_size, expiry});
  }

  /// An upload is judged like a key: under the prefix and, at the root, a
  /// runner's (or the local store's own temporary file).
  bool is_ours(const IncompleteUpload& upload) const {
    if (!upload.key.starts_with(options_.prefix) || key_problem(upload.key)) return false;
    return !options_.prefix.empty() || upload.store_temp_file || is_runner_key_at_root(upload.key);
  }

  void abort_stale_uploads() {
    std::vector<IncompleteUpload> uploads;
    try {
      uploads = store_.list_incomplete_uploads(options_.prefix);
    } catch (const Error& e) {
      if (!note_stop()) summary_.listing_error = e;  // as above
      return;
    }
    const TimePoint cutoff = by_store_clock(options_.now) - *options_.uploads_older_than;
    for (const IncompleteUpload& upload : uploads) {
      if (stop_requested()) {
        summary_.interrupted = true;
        return;
      }
      if (!is_ours(upload)) continue;
      ++summary_.uploads_found;
      if (upload.initiated > cutoff) continue;
      ++summary_.uploads_stale;
      if (callbacks_.on_stale_upload) callbacks_.on_stale_upload(upload);
      if (options_.dry_run) continue;
      try {
        store_.abort_incomplete_upload(upload);
        ++summary_.uploads_aborted;
      } catch (const Error& e) {
        ++summary_.upload_errors;
        if (summary_.upload_failures.size() < kMaxListedKeys) summary_.upload_failures.emplace_back(upload, e.why());
      }
    }
  }

  bool old_enough(const ObjectInfo& object) const {
    return !options_.older_than || object.last_modified <= by_store_clock(options_.now) - *options_.older_than;
  }

  /// A time of our clock read by the store's, once its answers showed ours is
  /// off (a request refused for it): a machine hours ahead must not take
  /// fresh objects for expired or old. Last-modified times are the store's.
  TimePoint by_store_clock(TimePoint ours) const { return ours + store_.clock_offset(); }

  TimePoint judged_as_of() const { return options_.as_of_fixed ? options_.as_of : by_store_clock(options_.as_of); }

  void select(const GcCandidate& candidate) {
    ++summary_.selected;
    summary_.selected_bytes += candidate.size;
    if (callbacks_.on_selected) callbacks_.on_selected(candidate);
    if (options_.limit && summary_.selected >= *options_.limit) summary_.limit_reached = true;
    if (!deleter_) return;
    pending_.keys.push_back(candidate.key);
    pending_.sizes.push_back(candidate.size);
    if (pending_.keys.size() >= sigv4::kMaxDeleteKeys) submit_pending();  // one S3 request each
  }

  void submit_pending() {
    if (pending_.keys.empty()) return;
    deleter_->submit(std::move(pending_));
    pending_ = DeleteBatch{};
  }

  /// Interrupted: only the batches already in flight finish. Otherwise the
  /// last partial batch goes too.
  void finish_deleting() {
    if (!deleter_) return;
    if (summary_.interrupted) {
      deleter_->cancel_pending();
    } else if (!summary_.listing_error) {
      submit_pending();
    }
    deleter_->finish();
  }

  GcSummary snapshot() const {
    GcSummary copy = summary_;
    if (deleter_) {
      DeleteTotals totals = deleter_->totals();
      copy.deleted = totals.deleted;
      copy.bytes_freed = totals.bytes_freed;
      copy.errors = totals.errors;
      copy.already_gone = totals.already_gone;
      copy.failures = std::move(totals.failures);
      copy.deleted_keys = std::move(totals.deleted_keys);
    }
    return copy;
  }

  Store& store_;
  const GcOptions& options_;
  const GcCallbacks& callbacks_;
  GcSummary summary_;
  DeleteBatch pending_;
  std::unique_ptr<BatchDeleter> deleter_;
};

}  // namespace

GcSummary run_gc(Store& store, const GcOptions& options, const GcCallbacks& callbacks) {
  validate(options);
  return GcRun(store, options, callbacks).run();
}

}  // namespace claimcheck
