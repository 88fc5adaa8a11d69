// The claim-check rules: maybe_offload (size decides, as the Go runner does)
// and maybe_retrieve (references become verified bytes; anything else passes
// through). Streams only: a 10 GiB input never sits in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/cleanup.hpp"
#include "manager/journal.hpp"
#include "reference/reference.hpp"
#include "manager/staged_output.hpp"
#include "stores/store.hpp"
#include "core/stream.hpp"

namespace claimcheck {

/// The rules start from the settings table's defaults; from() takes a run's Config.
struct OffloadOptions {
  bool enabled = default_config().enabled;
  std::uint64_t threshold = default_config().threshold;
  bool force = false;  // offload whatever the size
  CompressPolicy compress = default_config().compress;
  int level = default_config().level;
  std::chrono::seconds ttl = default_config().ttl;
  std::string prefix = default_config().prefix;
  std::string content_type;
  /// Called with the running count of input bytes consumed.
  std::function<void(std::uint64_t)> progress;

  static OffloadOptions from(const Config& config);
};

struct OffloadOutcome {
  bool offloaded = false;
  std::uint64_t input_bytes = 0;
  Reference reference;  // valid when offloaded
};

/// Why `ref` cannot be fetched from the store at `configured` (a location()
/// such as "s3://bucket"), with the flag that would reach it; nullopt when the
/// reference names no store or that one.
std::optional<std::string> store_mismatch(const Reference& ref, const std::string& configured);

struct RetrieveOutcome {
  bool was_reference = false;
  bool sha256_verified = false;  // false for Go/TS references (size only)
  /// Set when the reference's expiry (its field, else its key) had passed:
  /// the object was still there, but gc may delete it at any time.
  std::optional<TimePoint> expired_at;
  std::uint64_t bytes = 0;
  Reference reference;  // valid when was_reference
};

using Clock = std::function<TimePoint()>;

/// A reference is small; a larger input is not one.
constexpr std::size_t kMaxReferenceBytes = 1u << 20;

/// For references in forms the Manager does not know (Temporal payloads):
/// given a whole input of at most kMaxReferenceBytes, retrieves into `out`
/// and returns the outcome when the input is one; nullopt otherwise.
using ReferenceHook = std::function<std::optional<RetrieveOutcome>(std::string_view input, StagedOutput& out)>;

class Manager {
 public:
  /// `journal` may be null (no journaling).
  Manager(Store& store, Journal* journal, Clock clock = {});

  /// Below the threshold (and not forced, or disabled): copies `input` to
  /// `passthrough` unchanged. Otherwise streams it to the store.
  OffloadOutcome maybe_offload(ByteSource& input, ByteSink& passthrough,
                               const OffloadOptions& options);

  /// Offloads a whole in-memory payload unconditionally (--json-fields).
  Reference offload(std::string_view payload, const OffloadOptions& options);

  /// Error(Usage) when no reference could name the store (a control
  /// character or a byte that is not UTF-8 in a local directory's path):
  /// every offload refuses it before storing; serve --offload at start.
  void require_nameable_store() const;

  /// Fetches `ref`, gunzips when flagged (magic checked), verifies size and
  /// sha256 (capped at size_bytes), then commits `out`. On any failure `out`
  /// is aborted and Error is thrown (NotFound, Integrity, Store...); NotFound
  /// for an expired reference says that it expired.
  RetrieveOutcome retrieve(const Reference& ref, StagedOutput& out,
                           std::function<void(std::uint64_t)> progress = {});

  /// Reads `input`; a reference (also one encoded as a JSON string), or what
  /// `other_forms` takes for one, is retrieved into `out` (`found` being told
  /// of a reference first); anything else is copied through (or, when
  /// `strict`, rejected with Error(InvalidInput)). Input that begins like a
  /// reference but is not one (truncated, or one reference per line) is
  /// Error(InvalidInput), never copied through.
  RetrieveOutcome maybe_retrieve(ByteSource& input, StagedOutput& out, bool strict,
                                 std::function<void(std::uint64_t)> progress = {},
                                 const ReferenceHook& other_forms = {},
                                 const std::function<void(const Reference&)>& found = {});

  /// Runs `work`, which offloads and then delivers the references (writes
  /// and commits the output). If it throws (a full disk, a closed pipe), the
  /// references never reached anyone: every object stored during it is
  /// removed, the journal records those offloads as failed with the error's
  /// exit code, and the error is rethrown saying that the objects were removed
  /// (or, if removing one failed, where it remains). So does an interrupt
  /// before the output is published (core/cleanup.hpp), from the moment each
  /// put starts. Journal records wait until `work` ends. Offloads must come
  /// from the calling thread.
  void offload_then_deliver(const std::function<void()>& work);

  Store& store() { return store_; }

  /// Removes objects whose references were not delivered; says what became
  /// of them ("the 2 stored objects were removed", or where they remain).
  std::string remove_undelivered(const std::vector<std::string>& keys);

  /// Told, once, why a journal record could not be written (the transfer
  /// itself still succeeds: statistics never fail it).
  void on_journal_failure(std::function<void(const std::string&)> warn) { journal_warning_ = std::move(warn); }

  /// The store named in each journal record (`stats` counts a store's own);
  /// given by the caller, so that a pass-through never opens the store.
  void journal_store(std::string location) { journal_store_ = std::move(location); }

  /// Told of each reference retrieve() verified, from the thread that
  /// retrieved it: a command that restores many warns once, after them all.
  void on_retrieved(std::function<void(const RetrieveOutcome&)> tell) { retrieved_ = std::move(tell); }

 private:
  /// Runs `work(JournalRecord&)` and journals the record it fills, with the
  /// total time and, when `work` throws, the exit code of the failure.
  template <typename Work>
  auto journaled(const char* op, Work&& work);
  /// Streams `payload` (whose first bytes are `prefix`) to the store.
  Reference store_payload(ByteSource& payload, std::string_view prefix, bool small,
                          const OffloadOptions& options, JournalRecord& record);
  RetrieveOutcome fetch_verified(const Reference& ref, StagedOutput& out,
                                 const std::function<void(std::uint64_t)>& progress,
                                 JournalRecord& record);
  void check_store_matches(const Reference& ref);
  /// Journaling is best effort and serialised (restore_fields retrieves
  /// from several threads).
  void record(JournalRecord record);

  /// While offload_then_deliver runs: the keys stored, the records held back,
  /// and what an interrupt does until the output is published.
  struct Delivery {
    std::vector<std::string> stored_keys;
    std::vector<JournalRecord> records;
    std::vector<CleanupRegistration> removals_on_interrupt;
  };

  Store& store_;
  Journal* journal_;
  Clock clock_;
  std::mutex journal_mutex_;
  Delivery* delivery_ = nullptr;  // guarded by journal_mutex_
  std::function<void(const std::string&)> journal_warning_;  // called once, under journal_mutex_
  std::function<void(const RetrieveOutcome&)> retrieved_;
  std::string journal_store_;
};

}  // namespace claimcheck
