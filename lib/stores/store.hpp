// Where objects live. One interface, two implementations: LocalStore (the
// embedded default, a directory) and S3Store (S3, R2, radosgw via sigv4/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/reference.hpp"
#include "core/stream.hpp"

namespace claimcheck {

/// What claimcheck records beside an object (S3 user metadata, or the
/// local store's sidecar). Objects written by others have none.
struct ObjectMeta {
  std::optional<std::uint64_t> original_size;
  std::optional<std::string> sha256;
  std::optional<bool> compressed;
  std::optional<TimePoint> expires_at;
  std::string content_type;
};

struct ObjectInfo {
  std::string key;
  std::uint64_t stored_size = 0;
  TimePoint last_modified{};
  ObjectMeta meta;  // filled by head(); empty in listings
};

/// An upload begun and never completed (S3 multipart; the local store's
/// temporary file of an interrupted write). S3 bills for its parts.
struct IncompleteUpload {
  std::string key;
  std::string upload_id;  // S3's; the temporary file's name for the local store
  TimePoint initiated{};
  /// The local store's own temporary file: no one else's, whatever its path.
  bool store_temp_file = false;
};

/// How the response to a fetch URL should describe the payload (S3's
/// response-* overrides), so a browser or `curl --compressed` gets the
/// original rather than raw gzip. Empty fields are left as the store says.
struct ResponseOverrides {
  std::string content_type;
  std::string content_encoding;  // "gzip" for a compressed object
  std::string content_disposition;
};

struct BatchDeleteResult {
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, std::string>> failed;  // key, reason
  std::vector<std::string> gone;  // not there to delete (another run removed it first); S3 cannot tell
};

/// What an S3 store says beside its results: `trace` gets the verbose
/// request lines; `notify` what any verbosity shows ("warning: ..." for a
/// credential refresh that failed while the current credentials still work,
/// and the fetch that succeeded after failures).
struct StoreLines {
  std::function<void(std::string_view)> trace{};
  std::function<void(std::string_view)> notify{};
};

/// Every method that takes a key refuses one that validate_key refuses
/// (Error(InvalidInput)) before doing anything; remove_batch reports such
/// keys as failed.
class Store {
 public:
  virtual ~Store() = default;

  /// Where it lives, for references and messages: "s3://bucket",
  /// "file:///home/u/.local/share/claimcheck". Never a secret.
  virtual std::string location() const = 0;

  /// Metadata that is only known once the source is drained (the sha256 and
  /// size of the original payload, computed while it streams).
  using FinalMeta = std::function<ObjectMeta()>;

  /// Stores everything `source` yields under `key`, atomically (a reader
  /// never sees a partial object). Returns the stored size. On failure
  /// (including an exception thrown by `source`) nothing half-written
  /// remains and the error propagates.
  ///
  /// `meta` is what is known up front (content type, expiry). When
  /// `final_meta` is set, the store calls it exactly once, after `source`
  /// has returned 0, and records its result instead of `meta`:
  ///  - LocalStore: the sidecar holds the final metadata before the object
  ///    is renamed into place.
  ///  - S3Store, single PUT (source ends within one part): sent with the PUT.
  ///  - S3Store, multipart: the upload is created with `meta`; after
  ///    completion the object is copied onto itself with the final metadata
  ///    (REPLACE). S3 limits that copy to 5 GiB: larger objects keep `meta`.
  virtual std::uint64_t put(const std::string& key, ByteSource& source,
                            const ObjectMeta& meta, const FinalMeta& final_meta) = 0;

  /// Same, with metadata fully known up front.
  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta) {
    return put(key, source, meta, FinalMeta{});
  }

  /// Streams the stored bytes to `sink`; throws Error(NotFound) when absent.
  virtual void get(const std::string& key, ByteSink& sink) = 0;

  /// nullopt when absent.
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;

  /// Deleting an absent key is not an error.
  virtual void remove(const std::string& key) = 0;

  /// Up to sigv4::kMaxDeleteKeys keys per call (S3's limit; every store follows it).
  virtual BatchDeleteResult remove_batch(const std::vector<std::string>& keys) = 0;

  /// Lists every object under `prefix`, one page at a time (at most 1000
  /// per page); only the current page is held in memory. Return false from
  /// `on_page` to stop early. A page may be empty (an S3 server may answer
  /// truncated pages with no objects): the caller still sees it, so that it
  /// can stop such a listing.
  virtual void list(const std::string& prefix,
                    const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) = 0;

  /// One level of the listing under `prefix`, as S3 lists with delimiter
  /// '/': the objects with no further '/' after the prefix, and the
  /// sub-prefixes ("<prefix><name>/", in key order) that hold all the rest.
  struct LevelPage {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
  };
  /// A page at a time; return false from `on_page` to stop early. This
  /// default reports no sub-prefixes and every object as on this level: a
  /// store that gains nothing from listing sub-prefixes side by side.
  virtual void list_level(const std::string& prefix, const std::function<bool(const LevelPage&)>& on_page) {
    list(prefix, [&on_page](const std::vector<ObjectInfo>& objects) { return on_page(LevelPage{objects, {}}); });
  }

  /// Every incomplete upload under `prefix` (keys as list() gives them). A
  /// store whose writes cannot be left half done (in memory) has none.
  virtual std::vector<IncompleteUpload> list_incomplete_uploads(const std::string& /*prefix*/) { return {}; }

  /// Aborts one; an upload already gone is not an error.
  virtual void abort_incomplete_upload(const IncompleteUpload& /*upload*/) {}

  /// Throws Error(Store) with the reason when the store cannot be used.
  virtual void health() = 0;

  /// For a long-running program (serve), at its start: the store's own
  /// location (a local store's directory) is made now if it is missing, and
  /// never again. If it goes later (an unmounted volume), a write fails as a
  /// read does, rather than make it anew on what lay beneath. Nothing to do
  /// for a bucket.
  virtual void keep_location_as_it_is_now() {}

  /// A URL a colleague can fetch without credentials (S3: presigned GET;
  /// local: file:// URL). `lifetime` passes check_url_lifetime.
  virtual std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) = 0;

  /// The same, the response described by `response` where the store can
  /// (S3 signs the overrides into the URL; a file:// URL has none).
  virtual std::string fetch_url(const std::string& key, std::chrono::seconds lifetime,
                                const ResponseOverrides& /*response*/) {
    return fetch_url(key, lifetime);
  }

  /// Requests made so far (S3), for verbose output and tests; 0 for local.
  virtual std::uint64_t request_count() const { return 0; }

  /// The store's clock minus ours, as its answers have shown so far (an S3
  /// store that refused a request signed by a clock hours off); 0 for local.
  virtual std::chrono::seconds clock_offset() const { return std::chrono::seconds(0); }
};

/// Throws Error(Usage, what) unless a fetch URL may live `lifetime`: 1 s up to
/// SigV4's presign limit, for every store, so --expires means the same for all.
void check_url_lifetime(std::chrono::seconds lifetime, const std::string& what);

}  // namespace claimcheck
