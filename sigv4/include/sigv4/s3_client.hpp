// A small S3 client over libcurl: path-style by default, SigV4-signed,
// connections reused, retries with backoff and full jitter.
// Knows nothing of claim checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/credentials.hpp"
#include "sigv4/limits.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/transfer_defaults.hpp"

namespace sigv4 {

/// The transport code of a request that found this process out of file
/// descriptors (EMFILE, ENFILE): its own limit, not the store's failure.
inline constexpr std::string_view kTooManyOpenFiles = "TooManyOpenFiles";

/// A failed S3 request after retries. `code` is the S3 error code
/// ("NoSuchKey", "SignatureDoesNotMatch"...) or a transport code
/// ("ConnectionFailed", "Timeout", "TlsError"); http_status is 0 when no
/// response arrived. Never carries a secret.
class S3Error : public std::runtime_error {
 public:
  S3Error(int http_status, std::string code, std::string message,
          std::string request_id, std::string operation);
  int http_status() const { return http_status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }  // may be empty
  /// message(), or when the server sent none (radosgw, HEAD answers) a short
  /// explanation of code(); empty only for codes it does not know.
  std::string reason() const;
  const std::string& request_id() const { return request_id_; }
  const std::string& operation() const { return operation_; }
  bool not_found() const;       // 404 / NoSuchKey / NoSuchBucket / NoSuchUpload
  bool transport() const { return http_status_ == 0; }

 private:
  int http_status_;
  std::string code_, message_, request_id_, operation_;
};

struct S3Config {
  /// "http://127.0.0.1:7480", "https://<acct>.r2.cloudflarestorage.com".
  /// Empty: https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";  // "auto" for R2 is signed as-is
  Credentials credentials;
  /// When set, used instead of `credentials`: fetched on the first request
  /// and again 5 minutes before they expire (RefreshingCredentials).
  std::shared_ptr<CredentialsProvider> credentials_provider;
  bool virtual_hosted = false;       // path-style by default
  std::string ca_bundle;             // AWS_CA_BUNDLE / SSL_CERT_FILE; empty: system
  int max_attempts = 5;              // first try included
  /// Waits before a retry, with full jitter, as in the AWS SDKs' standard
  /// retry mode: throttling answers (503 SlowDown, 429, Throttling...) wait
  /// from a longer base, since the server asked for less load.
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds throttle_backoff_base{500};
  std::chrono::milliseconds backoff_cap{20000};
  /// Retries draw on this many tokens, shared by the client: 5 a retry, 10
  /// after a timeout; a success gives back what its retries took, or 1. When
  /// an outage fails every request, retrying stops instead of multiplying
  /// the load (the standard retry mode's quota). 0: no limit.
  int retry_budget = 500;
  std::chrono::milliseconds connect_timeout{kDefaultConnectTimeout};
  /// A transfer with no byte moving either way for this long is abandoned
  /// (and retried).
  std::chrono::seconds stall_timeout{kDefaultStallTimeout};
  /// Limit on one request with all its attempts and waits; 0: none.
  std::chrono::milliseconds deadline{0};
  /// Sign the body hash (false) or send UNSIGNED-PAYLOAD (true; honoured only
  /// for https endpoints: over plain http the hash is always signed).
  bool unsigned_payload = false;
  /// Verbose trace, one line per call; secrets and signatures redacted.
  std::function<void(std::string_view)> trace;
  /// Lines an operator should see at any verbosity: "warning: ..." for a
  /// credential refresh that failed while the current credentials still
  /// work, and the fetch that succeeded after failures.
  std::function<void(std::string_view)> notify;
  /// Run before the first request is sent (not for presigning, which sends
  /// nothing): the caller's checks of what only a request needs. What it
  /// throws is thrown by that request; it runs again until it returns.
  std::function<void()> before_first_request;
};

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::chrono::system_clock::time_point last_modified{};
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-*, name lower-case, prefix stripped
};

struct ListPage {
  std::vector<ObjectInfo> objects;   // metadata empty in listings
  std::vector<std::string> common_prefixes;
  std::string next_continuation_token;  // empty: last page
};

struct DeleteError {
  std::string key, code, message;
};
struct DeleteResult {
  std::vector<std::string> deleted;
  std::vector<DeleteError> errors;
};

struct PutOptions {
  std::string content_type;
  std::map<std::string, std::string> metadata;  // becomes x-amz-meta-<name>
};

struct MultipartUpload {
  std::string key, upload_id;
  std::chrono::system_clock::time_point initiated{};  // epoch when the server did not say
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

/// A request body that can be read again from the start (for retries).
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual std::uint64_t size() const = 0;
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;  // 0 at end
  virtual void rewind() = 0;
  /// Hex SHA-256 of the whole body (used for x-amz-content-sha256).
  virtual std::string sha256_hex() = 0;
};

/// Receives a GET body. Called with consecutive chunks; on a retry after a
/// partial body, the client resumes with a Range request, so the sink never
/// sees a byte twice.
using BodySink = std::function<void(const char* data, std::size_t size)>;

struct ByteRange {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;  // inclusive; nullopt: to the end
};

/// Thread-safe: each call borrows a libcurl handle from an internal pool, so
/// parallel callers (multipart parts) keep their connections alive.
/// Failures after retries throw S3Error; exceptions thrown by a BodySink or
/// BodySource pass through unchanged; bad arguments (an endpoint that is not
/// http(s)://host[:port], metadata names outside [a-z0-9_-], header values
/// with line breaks, over kMaxDeleteKeys keys to delete, missing credentials) throw
/// std::invalid_argument before anything is sent. A credentials provider
/// that fails throws CredentialsError.
class S3Client {
 public:
  explicit S3Client(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  void put_object(const std::string& bucket, const std::string& key,
                  std::string_view body, const PutOptions& options = {});
  void put_object(const std::string& bucket, const std::string& key,
                  BodySource& body, const PutOptions& options = {});
  void get_object(const std::string& bucket, const std::string& key,
                  const BodySink& sink, std::optional<ByteRange> range = {});
  ObjectInfo head_object(const std::string& bucket, const std::string& key);
  void delete_object(const std::string& bucket, const std::string& key);
  void head_bucket(const std::string& bucket);
  ListPage list_objects_v2(const std::string& bucket, const std::string& prefix,
                           const std::string& continuation_token = {},
                           const std::string& delimiter = {}, int max_keys = 1000);
  /// Every page of a listing, in order, until `on_page` returns false (it
  /// also sees empty pages, so a caller can stop a listing that pages
  /// nothing). A server that hands back a continuation token it gave before
  /// would make the listing endless: that is an S3Error InvalidResponse.
  void list_objects_v2_pages(const std::string& bucket, const std::string& prefix,
                             const std::string& delimiter, const std::function<bool(const ListPage&)>& on_page);
  /// Up to kMaxDeleteKeys keys; per-key failures come back in DeleteResult::errors.
  DeleteResult delete_objects(const std::string& bucket,
                              const std::vector<std::string>& keys);
  /// Server-side copy onto itself (or another key) with replaced metadata.
  void copy_object_replace_metadata(const std::string& bucket,
                                    const std::string& key,
                                    const PutOptions& options);

  std::string create_multipart_upload(const std::string& bucket,
                                      const std::string& key,
                                      const PutOptions& options = {});
  /// Returns the part's ETag.
  std::string upload_part(const std::string& bucket, const std::string& key,
                          const std::string& upload_id, int part_number,
                          std::string_view data);
  void complete_multipart_upload(const std::string& bucket,
                                 const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts);
  void abort_multipart_upload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  std::vector<MultipartUpload> list_multipart_uploads(const std::string& bucket,
                                                      const std::string& prefix = {});

  /// A presigned GET URL valid for `lifetime`. `response` holds S3's
  /// response overrides to sign into it, e.g. {"response-content-encoding", "gzip"}.
  std::string presign_get(const std::string& bucket, const std::string& key,
                          std::chrono::seconds lifetime,
                          const std::vector<std::pair<std::string, std::string>>& response = {});

  /// Requests sent (attempts included), for tests and stats.
  std::uint64_t request_count() const;

  /// Every request started from now on ends by `end`, its attempts and
  /// waits included (S3Config::deadline still applies where sooner): an
  /// interrupted program's last requests (aborting what it had begun) must
  /// not wait out retries and read timeouts of a server that has stopped
  /// answering. Any thread.
  void end_requests_by(std::chrono::steady_clock::time_point end);

  /// The server's clock minus ours, as adopted after a request refused for
  /// a clock off by enough to correct (clock_skew.hpp; 0 until then).
  std::chrono::seconds clock_offset() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sigv4
