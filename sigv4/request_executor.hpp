// Signs, sends and retries one S3 request: the part of the client that knows
// about attempts, backoff, clock skew and traces but not about operations.
// Private to sigv4/.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "endpoint.hpp"
#include "handle_pool.hpp"
#include "http_transfer.hpp"
#include "retry.hpp"
#include "sigv4/credentials.hpp"
#include "sigv4/s3_client.hpp"
#include "sigv4/signer.hpp"

namespace sigv4 {

struct S3Request {
  std::string operation;  // "PutObject", for messages and traces
  std::string method;
  std::string bucket, key;  // key empty: a bucket-level request
  std::vector<std::pair<std::string, std::string>> query;  // raw
  std::vector<Header> headers;                             // signed and sent
  BodySource* body = nullptr;
  const StatusSink* sink = nullptr;
  /// CompleteMultipartUpload and CopyObject may answer 200 with an <Error>.
  bool error_in_ok_body = false;
  /// Runs before every attempt, with the previous attempt's outcome (null
  /// before the first): lets GetObject resume with a Range.
  std::function<void(S3Request&, const HttpOutcome*)> before_attempt;

  void set_header(const std::string& name, std::string value);
};

struct S3Response {
  long status = 0;
  std::vector<Header> headers;  // lower-case names
  std::string body;             // when not streamed to a sink
  std::string header(std::string_view lower_name) const;
};

class RequestExecutor {
 public:
  explicit RequestExecutor(S3Config config);

  /// Throws S3Error once the request fails for good; exceptions from the
  /// sink or body source pass through unchanged.
  S3Response execute(S3Request& request);
  /// `query` (signed with the rest): S3's response-content-type and the like.
  std::string presign_get(const std::string& bucket, const std::string& key,
                          std::chrono::seconds lifetime,
                          const std::vector<std::pair<std::string, std::string>>& query = {}) const;
  std::uint64_t request_count() const { return requests_.load(); }
  /// The server's clock minus ours, once a refusal taught it (0 before).
  std::chrono::seconds clock_offset() const { return std::chrono::seconds(clock_offset_seconds_.load()); }
  /// S3Client::end_requests_by.
  void end_requests_by(std::chrono::steady_clock::time_point end);

 private:
  HttpOutcome attempt(const S3Request& request, const std::string& payload_hash,
                      int attempt_number, const Signer& signer, const Deadline& deadline);
  void trace_retry(const S3Request& request, const S3Error& error, bool throttled,
                   std::chrono::milliseconds wait) const;
  std::vector<std::string> signed_header_lines(const S3Request& request, const Address& address,
                                               const std::string& payload_hash,
                                               const Signer& signer) const;
  bool adopt_server_clock(const HttpOutcome& outcome, const std::string& code);
  /// config_.deadline, or less where end_requests_by was called.
  std::chrono::milliseconds time_limit() const;
  std::chrono::system_clock::time_point now() const;
  void trace_attempt(const S3Request& request, const Address& address,
                     const HttpOutcome& outcome, int attempt_number,
                     std::chrono::milliseconds elapsed) const;

  S3Config config_;
  Endpoint endpoint_;
  // Before credentials_: a refresh under way may release the idle handles
  // until credentials_'s end has marked it abandoned.
  HandlePool pool_;
  mutable RefreshingCredentials credentials_;
  TransferSettings transfer_;
  RetryQuota retry_quota_;
  std::atomic<std::int64_t> clock_offset_seconds_{0};  // server time minus ours
  std::atomic<std::uint64_t> requests_{0};
  // end_requests_by's end on the steady clock, in its ticks; 0: none.
  std::atomic<std::chrono::steady_clock::rep> end_of_requests_{0};
  std::once_flag first_request_;  // config_.before_first_request
  mutable std::mutex trace_mutex_;  // parallel parts trace through one callback
};

}  // namespace sigv4
