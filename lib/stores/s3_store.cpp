// S3, R2 or radosgw through sigv4::S3Client.
//
// put: the source is read into a part-size buffer. When it ends within one
// part: a single PutObject carrying the metadata. Otherwise a multipart
// upload with parts sent in parallel (ParallelPartUploader), aborted on any
// failure, the source's own exceptions included. Metadata known only at the
// end (the payload's sha256) is applied after completion by copying the
// object onto itself with REPLACE; S3 allows that copy up to 5 GiB, so a
// larger object keeps the metadata known up front (the reference still
// carries the sha256). S3 allows 10,000 parts: at the default 8 MiB part
// size, payloads up to about 78 GiB. An interrupt's cleanup first settles
// what is under way (a PUT's body stopped: SettlingPutBody; an upload's
// requests: RequestGate), then aborts the upload, each of its requests
// bounded (bounded_in_cleanup).
//
// Every key is checked with validate_key before a request is made, as the
// local store checks it before touching a path: a key from a reference such
// as "../../etc/passwd" never goes on the wire.
#include "stores/s3_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "core/posix_file.hpp"
#include "stores/multipart_upload.hpp"
#include "stores/request_gate.hpp"
#include "stores/s3_error_map.hpp"
#include "stores/s3_metadata.hpp"
#include "stores/settling_put_body.hpp"
#include "sigv4/memory_body.hpp"
#include "sigv4/s3_client.hpp"

namespace claimcheck {
namespace {

constexpr std::uint64_t kMaxCopySize = 5ull << 30;
constexpr int kMaxParts = 10000;

/// A CA bundle that cannot be read is the setting's error (exit 2, naming
/// where it came from), checked before the first request (presigning sends
/// none): curl would make it a TLS error of every request, a store error (6).
void check_ca_bundle(const std::string& path, const std::string& label) {
  const std::string what = (label.empty() ? std::string("ca_bundle") : label) + ": CA bundle " + path;
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw path_error(what);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw path_error(what);
  if (S_ISDIR(info.st_mode)) {
    errno = EISDIR;
    throw path_error(what);
  }
}

sigv4::S3Config client_config(const S3Settings& settings, StoreLines lines) {
  sigv4::S3Config config;
  config.endpoint = settings.endpoint;
  config.region = settings.region;
  config.credentials = {settings.access_key_id, settings.secret_access_key, settings.session_token};
  if (settings.credentials_provider) config.credentials_provider = settings.credentials_provider(lines.trace);
  config.virtual_hosted = settings.virtual_hosted;
  config.ca_bundle = settings.ca_bundle;
  if (!settings.ca_bundle.empty())
    config.before_first_request = [path = settings.ca_bundle, label = settings.ca_bundle_label] {
      check_ca_bundle(path, label);
    };
  if (settings.connect_timeout.count() > 0) config.connect_timeout = settings.connect_timeout;
  if (settings.read_timeout.count() > 0) config.stall_timeout = settings.read_timeout;
  config.deadline = settings.deadline;
  if (settings.max_attempts > 0) config.max_attempts = settings.max_attempts;
  config.trace = std::move(lines.trace);
  config.notify = std::move(lines.notify);
  return config;
}

/// Reads up to `size` bytes; fewer only at the end of the source. The
/// buffer grows as data arrives, so a 60 KiB payload does not cost a
/// part-size allocation; a source that knows its length gets one exact buffer.
std::string read_part(ByteSource& source, std::size_t size) {
  std::string buffer;
  if (auto known = source.remaining()) buffer.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size, *known)));
  std::size_t filled = 0;
  while (filled < size) {
    if (filled == buffer.size()) {
      if (source.remaining() == std::uint64_t{0}) break;
      buffer.resize(std::min(size, std::max<std::size_t>(64u << 10, filled * 2)));
    }
    const std::size_t n = source.read(buffer.data() + filled, buffer.size() - filled);
    if (n == 0) break;
    filled += n;
  }
  buffer.resize(filled);
  return buffer;
}

class S3Store final : public Store {
 public:
  S3Store(const S3Settings& settings, StoreLines lines, S3StoreTuning tuning)
      : bucket_(settings.bucket),
        trace_(lines.trace),
        tuning_(tuning),
        client_(client_config(settings, std::move(lines))) {}

  std::string location() const override { return s3_store_location(bucket_); }

  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta,
                    const FinalMeta& final_meta) override {
    validate_key(key);
    std::string first = read_part(source, tuning_.part_size);
    std::string second;
    if (first.size() == tuning_.part_size) second = read_part(source, tuning_.part_size);
    if (second.empty()) {
      const ObjectMeta recorded = final_meta ? final_meta() : meta;
      sigv4::MemoryBody bytes(first);
      SettlingPutBody body(bytes);
      // Newer than the caller's removal of the object on interrupt, so it
      // runs first: the PUT has ended before the object is removed.
      const CleanupRegistration settle_on_interrupt([this, &body, &key] {
        require_settled(body.settle(cleanup_request_end()), key, "the object may be stored after all");
      });
      const PutEnded ended{body};
      storing(key, [&] { client_.put_object(bucket_, key, body, to_put_options(recorded)); });
      return first.size();
    }
    return put_multipart(key, source, std::move(first), std::move(second), meta, final_meta);
  }

  void get(const std::string& key, ByteSink& sink) override {
    validate_key(key);
    call("get", key, [&] {
      client_.get_object(bucket_, key, [&sink](const char* data, std::size_t size) { sink.write(data, size); });
    });
  }

  std::optional<ObjectInfo> head(const std::string& key) override {
    validate_key(key);
    try {
      const sigv4::ObjectInfo object = client_.head_object(bucket_, key);
      ObjectInfo info;
      info.key = key;
      info.stored_size = object.size;
      info.last_modified = object.last_modified;
      info.meta = from_s3_metadata(object.metadata, object.content_type);
      return info;
    } catch (const sigv4::S3Error& e) {
      if (!e.not_found() || e.code() == "NoSuchBucket") throw map_s3_error(e, "head", url(key));
    } catch (const sigv4::CredentialsError& e) {
      throw map_credentials_error(e);
    }
    confirm_bucket(key);
    return std::nullopt;
  }

  void remove(const std::string& key) override {
    validate_key(key);
    try {
      // In the cleanup: an undelivered object.
      bounded_in_cleanup("delete", key, [&] { client_.delete_object(bucket_, key); });
    } catch (const sigv4::S3Error& e) {
      if (e.not_found() && e.code() != "NoSuchBucket") return;
      throw map_s3_error(e, "delete", url(key));
    } catch (const sigv4::CredentialsError& e) {
      throw map_credentials_error(e);
    }
  }

  BatchDeleteResult remove_batch(const std::vector<std::string>& all_keys) override {
    BatchDeleteResult result;
    std::vector<std::string> keys;  // the valid ones; the others fail as the local store's do
    for (const std::string& key : all_keys) {
      try {
        validate_key(key);
        keys.push_back(key);
      } catch (const Error& e) {
        result.failed.emplace_back(key, e.why());
      }
    }
    for (std::size_t start = 0; start < keys.size(); start += sigv4::kMaxDeleteKeys) {
      const std::vector<std::string> chunk(
          keys.begin() + static_cast<std::ptrdiff_t>(start),
          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), start + sigv4::kMaxDeleteKeys)));
      const sigv4::DeleteResult done =
          call("delete", fmt::format("({} keys)", chunk.size()), [&] { return client_.delete_objects(bucket_, chunk); });
      result.deleted.insert(result.deleted.end(), done.deleted.begin(), done.deleted.end());
      for (const sigv4::DeleteError& error : done.errors) {
        result.failed.emplace_back(error.key, fmt::format("{}: {}", error.code, error.message));
      }
    }
    return result;
  }

  void list(const std::string& prefix,
            const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    call("list", prefix + "*", [&] {
      client_.list_objects_v2_pages(bucket_, prefix, {}, [&](const sigv4::ListPage& page) {
        return on_page(object_infos(page));
      });
    });
  }

  void list_level(const std::string& prefix, const std::function<bool(const LevelPage&)>& on_page) override {
    call("list", prefix + "*/", [&] {
      client_.list_objects_v2_pages(bucket_, prefix, "/", [&](const sigv4::ListPage& page) {
        return on_page(LevelPage{object_infos(page), page.common_prefixes});
      });
    });
  }

  std::vector<IncompleteUpload> list_incomplete_uploads(const std::string& prefix) override {
    const std::vector<sigv4::MultipartUpload> uploads =
        call("list uploads", prefix + "*", [&] { return client_.list_multipart_uploads(bucket_, prefix); });
    std::vector<IncompleteUpload> out;
    out.reserve(uploads.size());
    for (const auto& upload : uploads) out.push_back({upload.key, upload.upload_id, upload.initiated, false});
    return out;
  }

  void abort_incomplete_upload(const IncompleteUpload& upload) override {
    validate_key(upload.key);
    try {
      client_.abort_multipart_upload(bucket_, upload.key, upload.upload_id);
    } catch (const sigv4::S3Error& e) {
      if (e.code() == "NoSuchUpload") return;  // completed or aborted meanwhile
      throw map_s3_error(e, "abort upload", url(upload.key));
    } catch (const sigv4::CredentialsError& e) {
      throw map_credentials_error(e);
    }
  }

  void health() override {
    try {
      client_.head_bucket(bucket_);
    } catch (const sigv4::S3Error& e) {
      const Error mapped = map_s3_error(e, "check", location());
      throw Error(ErrorKind::Store, mapped.what_failed(), mapped.why());  // even "no such bucket"
    } catch (const sigv4::CredentialsError& e) {
      throw map_credentials_error(e);
    }
  }

  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) override {
    return fetch_url(key, lifetime, ResponseOverrides{});
  }

  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime,
                        const ResponseOverrides& response) override {
    validate_key(key);
    check_url_lifetime(lifetime, "fetch url " + url(key));
    std::vector<std::pair<std::string, std::string>> query;
    if (!response.content_type.empty()) query.emplace_back("response-content-type", response.content_type);
    if (!response.content_encoding.empty()) query.emplace_back("response-content-encoding", response.content_encoding);
    if (!response.content_disposition.empty())
      query.emplace_back("response-content-disposition", response.content_disposition);
    return call("fetch url", key, [&] { return client_.presign_get(bucket_, key, lifetime, query); });
  }

  std::uint64_t request_count() const override { return client_.request_count(); }
  std::chrono::seconds clock_offset() const override { return client_.clock_offset(); }

 private:
  std::string url(const std::string& key) const { return location() + "/" + key; }

  static std::vector<ObjectInfo> object_infos(const sigv4::ListPage& page) {
    std::vector<ObjectInfo> infos;
    infos.reserve(page.objects.size());
    for (const sigv4::ObjectInfo& object : page.objects)
      infos.push_back(ObjectInfo{object.key, object.size, object.last_modified, {}});
    return infos;
  }

  /// Runs one client call, turning its errors into claimcheck::Error.
  template <typename F>
  auto call(const char* operation, const std::string& key, F&& action) -> decltype(action()) {
    try {
      return action();
    } catch (const sigv4::S3Error& e) {
      throw map_s3_error(e, operation, url(key));
    } catch (const sigv4::CredentialsError& e) {
      throw map_credentials_error(e);
    } catch (const std::invalid_argument& e) {  // e.g. a content type unfit for a header
      throw Error(ErrorKind::InvalidInput, fmt::format("{} {}", operation, url(key)), e.what());
    }
  }

  /// A PUT or CompleteMultipartUpload that failed may still have stored the
  /// object: the server stored it and then answered 500, or answered 200
  /// with an <Error> inside. The key is this put's own and no reference to
  /// it was given, so once the server has answered at all, the key is
  /// deleted. A server that never answered is not asked again: gc removes
  /// whatever it may have kept when its TTL is up.
  template <typename F>
  void storing(const std::string& key, F&& request) {
    bool answered = false;
    try {
      call("put", key, [&] {
        try {
          request();
        } catch (const sigv4::S3Error& e) {
          answered = !e.transport();
          throw;
        }
      });
    } catch (...) {
      if (answered) remove_quietly(key);
      throw;
    }
  }

  std::uint64_t put_multipart(const std::string& key, ByteSource& source, std::string first,
                              std::string second, const ObjectMeta& meta, const FinalMeta& final_meta) {
    // An interrupted process aborts the upload instead of leaving it open.
    // Registered before it is created, so an interrupt while the server
    // creates it finds it by its key (unique to this put): its id may not
    // have arrived yet.
    CleanupRegistration abort_on_interrupt([this, key] {
      call("abort upload", key, [&] {
        std::vector<sigv4::MultipartUpload> uploads;
        bounded_in_cleanup("list uploads", key, [&] { uploads = client_.list_multipart_uploads(bucket_, key); });
        for (const sigv4::MultipartUpload& upload : uploads)
          if (upload.key == key)
            bounded_in_cleanup("abort upload", key, [&] {
              try {
                client_.abort_multipart_upload(bucket_, key, upload.upload_id);
              } catch (const sigv4::S3Error& e) {
                // Gone meanwhile: the failing upload aborted it itself.
                if (e.code() != "NoSuchUpload") throw;
              }
            });
      });
    });
    // Newer, so it runs first: the upload's requests have ended, and no
    // other starts, before it is looked for and aborted.
    RequestGate gate;
    const CleanupRegistration settle_on_interrupt([this, &gate, &key] {
      require_settled(gate.settle(cleanup_request_end()), key, "its upload or the object may be left");
    });
    const std::string upload_id = call("put", key, [&] {
      const RequestGate::Pass pass = gate.pass();
      return client_.create_multipart_upload(bucket_, key, to_put_options(meta));
    });
    std::uint64_t total = 0;
    try {
      {
        ParallelPartUploader uploader(client_, gate, bucket_, key, upload_id, tuning_.upload_concurrency);
        total = upload_parts(key, source, uploader, std::move(first), std::move(second));
        const ObjectMeta recorded = final_meta ? final_meta() : meta;
        const auto parts = call("put", key, [&] { return uploader.finish(); });
        storing(key, [&] {
          const RequestGate::Pass pass = gate.pass();
          client_.complete_multipart_upload(bucket_, key, upload_id, parts);
        });
        // The copy onto itself too: begun after the cleanup's removal, it
        // stored the object anew (forty-ninth audit).
        const RequestGate::Pass pass = gate.pass();
        apply_final_meta(key, total, recorded, final_meta != nullptr);
      }
    } catch (const Error& e) {
      const auto not_aborted = abort_upload(key, upload_id);
      if (!not_aborted) throw;
      // Credentials refused mid-upload refuse the abort too: the upload
      // stays, and the one line says so and what removes it.
      const std::string why_not = *not_aborted == e.why() ? " for the same reason" : " (" + *not_aborted + ")";
      Error left(e.kind(), e.what_failed(),
                 e.why() + "; its multipart upload " + upload_id + " could not be aborted" + why_not +
                     ": gc aborts it once older than --uploads-older-than");
      left.local_limit = e.local_limit;
      left.detail = e.detail;
      throw left;
    } catch (...) {
      abort_upload(key, upload_id);
      throw;
    }
    return total;
  }

  /// Sends `first`, `second`, then the rest of the source, part by part.
  std::uint64_t upload_parts(const std::string& key, ByteSource& source, ParallelPartUploader& uploader,
                             std::string first, std::string second) {
    std::uint64_t total = first.size();
    call("put", key, [&] { uploader.submit(std::move(first)); });
    std::string part = std::move(second);
    while (!part.empty()) {
      if (uploader.parts() >= kMaxParts) {
        throw Error(ErrorKind::Store, "put " + url(key),
                    fmt::format("more than {} parts of {} bytes; raise the part size", kMaxParts,
                                tuning_.part_size));
      }
      total += part.size();
      const bool last = part.size() < tuning_.part_size;
      call("put", key, [&] { uploader.submit(std::move(part)); });
      part = last ? std::string() : read_part(source, tuning_.part_size);
    }
    return total;
  }

  void apply_final_meta(const std::string& key, std::uint64_t total, const ObjectMeta& recorded,
                        bool changed) {
    if (!changed) return;
    if (total > kMaxCopySize) {
      if (trace_) trace_(fmt::format("{}: over 5 GiB, metadata left as at upload start", url(key)));
      return;
    }
    try {
      call("put", key, [&] { client_.copy_object_replace_metadata(bucket_, key, to_put_options(recorded)); });
    } catch (...) {
      remove_quietly(key);  // complete, but with incomplete metadata: not kept
      throw;
    }
  }

  /// Aborts an upload that failed: nullopt when done (or gone), else why not.
  std::optional<std::string> abort_upload(const std::string& key, const std::string& upload_id) noexcept {
    // At this process's open-file limit (serve answering many requests),
    // tried again for a while as other requests finish.
    const CleanupRetry retry;
    try {
      while (true) {
        try {
          client_.abort_multipart_upload(bucket_, key, upload_id);
          return std::nullopt;
        } catch (const sigv4::S3Error& e) {
          if (!retry.again(e.code() == sigv4::kTooManyOpenFiles)) throw;
        }
      }
    } catch (const sigv4::S3Error& e) {
      if (e.code() == "NoSuchUpload") return std::nullopt;
      return e.code() == sigv4::kTooManyOpenFiles ? e.message() : e.code();
    } catch (const sigv4::CredentialsError& e) {
      return "credentials from " + e.provider() + " failed";
    } catch (...) {
      return "an unexpected error";
    }
  }

  /// When a request of the cleanup, or its wait for a put's requests, must end.
  static std::chrono::steady_clock::time_point cleanup_request_end() {
    return std::chrono::steady_clock::now() + kCleanupRequestTimeLimit;
  }

  /// The cleanup waited for the put of `key` to end: `settled`, whether it
  /// did in time. If not, it may still store what `what_may_be_left` says:
  /// and the cleanup's own requests go on (a slow answer, the upload's
  /// creation's, say, may be all that is missing).
  void require_settled(bool settled, const std::string& key, std::string_view what_may_be_left) {
    if (settled) return;
    throw Error(ErrorKind::Store, "put " + url(key),
                fmt::format("no answer within {} s: {}", kCleanupRequestTimeLimit.count(), what_may_be_left));
  }

  /// A request of an interrupt's cleanup, while the user waits for Ctrl-C to
  /// work: kCleanupRequestTimeLimit at most, retries included, and none once
  /// one has gone unanswered. A store that had stopped answering held Ctrl-C
  /// for ten requests' read timeouts, 300 s (forty-seventh audit). Outside
  /// the cleanup, `request` as it is. Where nothing was ever sent (the
  /// credentials still to come), nothing can be stored, and nothing is asked.
  template <typename F>
  void bounded_in_cleanup(const char* operation, const std::string& key, F&& request) {
    if (!cleanup_has_begun()) return request();
    if (client_.request_count() == 0) return;
    if (cleanup_unanswered_)
      throw Error(ErrorKind::Store, fmt::format("{} {}", operation, url(key)),
                  "not asked: the store left an earlier request of the cleanup unanswered");
    client_.end_requests_by(cleanup_request_end());
    try {
      request();
    } catch (const sigv4::S3Error& e) {
      if (e.transport()) cleanup_unanswered_ = true;
      throw;
    }
  }

  void remove_quietly(const std::string& key) noexcept {
    try {
      client_.delete_object(bucket_, key);
    } catch (...) {
    }
  }

  /// A HEAD's 404 has no body, so it cannot say whether the key or the bucket
  /// is missing: the bucket is asked about, once for the run (its answer is
  /// kept; concurrent lookups wait for it), so that a bucket that is not
  /// there is a store error (a typo in its name), not every object missing.
  void confirm_bucket(const std::string& key) {
    const std::lock_guard<std::mutex> lock(bucket_mutex_);
    if (bucket_state_ == BucketState::Unknown) {
      try {
        client_.head_bucket(bucket_);
        bucket_state_ = BucketState::There;
      } catch (const sigv4::S3Error& e) {
        if (e.not_found()) bucket_state_ = BucketState::Missing;
        // Denied (some stores let a key be read, not the bucket asked
        // about): the HEAD's own answer stands. Anything else is the store
        // failing to answer, asked again next time.
        else if (e.http_status() == 403) bucket_state_ = BucketState::There;
        else throw map_s3_error(e, "head", url(key));
      } catch (const sigv4::CredentialsError& e) {
        throw map_credentials_error(e);
      }
    }
    if (bucket_state_ == BucketState::Missing) throw Error(ErrorKind::Store, "head " + url(key), "no such bucket");
  }

  enum class BucketState { Unknown, There, Missing };

  std::string bucket_;
  std::mutex bucket_mutex_;
  BucketState bucket_state_ = BucketState::Unknown;
  std::function<void(std::string_view)> trace_;
  S3StoreTuning tuning_;
  sigv4::S3Client client_;
  std::atomic<bool> cleanup_unanswered_{false};  // bounded_in_cleanup
};

}  // namespace

std::string s3_store_location(const std::string& bucket) { return "s3://" + bucket; }

std::unique_ptr<Store> make_s3_store(const S3Settings& settings, StoreLines lines, S3StoreTuning tuning) {
  if (settings.bucket.empty()) throw Error(ErrorKind::Usage, "store", "no S3 bucket given");
  if (tuning.part_size < (5u << 20)) {
    throw Error(ErrorKind::Usage, "part size", "S3 needs parts of at least 5 MiB");
  }
  try {
    return std::make_unique<S3Store>(settings, std::move(lines), tuning);
  } catch (const std::invalid_argument& e) {  // endpoint, region or credentials unusable
    throw Error(ErrorKind::Usage, "s3://" + settings.bucket, e.what());
  }
}

}  // namespace claimcheck
