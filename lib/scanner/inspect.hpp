// The core of `inspect`: each reference the scanner found, checked against
// the store (HEAD, metadata consistency, optional full verification, an
// optional presigned URL), several at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "manager/manager.hpp"
#include "scanner/scanner.hpp"
#include "stores/bucket_stores.hpp"
#include "stores/store.hpp"

namespace claimcheck {

/// Exactly one per finding; the summary counts each status once.
enum class CheckStatus {
  Ok,          // present and consistent (and, with verify, content checked)
  Missing,     // not in the store
  Corrupt,     // present, but size / sha256 / compression disagree
  Expired,     // past its expiry (the object may already be collected)
  Foreign,     // a format claimcheck cannot fetch: reported, not fetched
  Invalid,     // claims to be a reference but is malformed
  Unchecked,   // not looked up (offline)
  StoreError,  // the store could not answer (network, permission...)
  OtherStore,  // the reference names a store other than the configured one: not looked up
};

/// "ok", "missing", "corrupt", "expired", "foreign", "invalid", "unchecked",
/// "error", "other-store".
std::string_view status_name(CheckStatus status);

struct InspectOptions {
  bool offline = false;
  bool verify = false;
  /// Set: a presigned GET URL valid this long is made for each reference.
  std::optional<std::chrono::seconds> url_lifetime;
  int concurrency = 16;
  /// For references that carry no expiry and keys without one (the Go
  /// runner's): the object expires at LastModified + ttl, as gc decides.
  std::chrono::seconds ttl = default_config().ttl;
};

struct Inspection {
  Finding finding;
  std::string source;  // the input: a path, "-", or "arg:N" for an inline reference
  CheckStatus status = CheckStatus::Unchecked;
  std::vector<std::string> problems;  // why it is not ok, one line each
  std::optional<ObjectInfo> object;   // the HEAD answer when present
  bool looked_up = false;             // a HEAD was made (object empty: absent)
  /// From the reference, else the key layout, else (once looked up)
  /// the object's LastModified + ttl.
  std::optional<TimePoint> expires_at;
  /// "sha256" or "size" when --verify downloaded and checked the content.
  std::string verified;
  std::string url;
};

struct InspectSummary {
  std::size_t found = 0, ok = 0, missing = 0, corrupt = 0, expired = 0, foreign = 0, invalid = 0,
              unchecked = 0, errors = 0, other_store = 0;
};

/// The status a finding has before any lookup: Invalid, Foreign or Unchecked
/// (Expired when its expiry is before `now`).
Inspection prepare_inspection(Finding finding, std::string source, TimePoint now);

/// How many inspections check_inspections would look up (0: no store needed).
std::size_t lookups_needed(const std::vector<Inspection>& inspections);

/// Looks up every Unchecked (or Expired fetchable) inspection,
/// `options.concurrency` at a time, and settles its status: claimcheck, Go
/// and TypeScript references in `store`; Temporal External Storage ones in
/// their claim's bucket when `buckets` allows it (else Invalid, with nothing
/// contacted). For those, the HEAD's size is checked against sizeBytes and
/// --verify checks the object's sha256 against hashValue.
void check_inspections(std::vector<Inspection>& inspections, Store& store, BucketStores& buckets,
                       const InspectOptions& options, TimePoint now);

/// Offline: what needs no request is settled as online: a reference to a
/// store other than `store_location` ("" when none is configured: not
/// judged) or an External Storage claim in a bucket not configured is
/// OtherStore (Expired stays), with the line saying which --store or
/// --read-bucket reaches it.
void settle_offline(std::vector<Inspection>& inspections, const std::string& store_location,
                    const BucketStores& buckets, TimePoint now);

/// Offline, after settle_offline: a presigned URL (options.url_lifetime) for
/// every reference claimcheck can fetch in the configured store or buckets,
/// without looking anything up (presigning needs no request). A URL that
/// cannot be made (a credential provider that fails) makes the finding a
/// StoreError with a problem line; a setting that cannot be used throws.
void presign_inspections(std::vector<Inspection>& inspections, Store& store, BucketStores& buckets,
                         const InspectOptions& options);

/// What a fetch URL's response should say so that a browser or
/// `curl --compressed` gets the original: content type, gzip encoding when
/// the object is compressed, a download file name.
ResponseOverrides response_overrides(const Reference& ref);

InspectSummary summarize(const std::vector<Inspection>& inspections);

/// 5 when anything is corrupt, else 4 when missing, else 6 for store
/// errors, else 3 for invalid references, else 0. A reference for another
/// store is neither: it was not looked up, as offline.
int inspect_exit_code(const InspectSummary& summary);

}  // namespace claimcheck
