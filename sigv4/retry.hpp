// When to try an S3 request again, and how long to wait first.
// Private to sigv4/.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <mutex>
#include <string_view>

#include "base/io.hpp"

namespace sigv4 {

struct BackoffPolicy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{5000};
};

/// "Full jitter": a uniform wait in [0, min(cap, base * 2^(failures-1))).
/// `unit_random` is in [0, 1) so tests can pin it; `failures` counts from 1.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures,
                                        double unit_random);

/// A uniform draw in [0, 1) from a per-thread generator.
double random_unit();

/// Server answers worth another try: 5xx, 429 and the throttling or timeout
/// codes S3 sends with other statuses. Other 4xx are final.
bool retryable_status(long http_status, std::string_view s3_code);

/// Answers that ask the client to slow down: 429, 503 and S3's throttling
/// codes. They are retried after a longer wait.
bool throttling_status(long http_status, std::string_view s3_code);

/// The standard retry mode's retry quota (see S3Config::retry_budget).
class RetryQuota {
 public:
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kSuccessRefund = 1;

  explicit RetryQuota(int capacity) : capacity_(capacity), available_(capacity) {}
  /// Takes `cost` tokens for a retry; false (nothing taken) when too few
  /// are left. Always true without a limit (capacity 0).
  bool acquire(int cost);
  /// Gives tokens back after a success, up to the capacity.
  void release(int amount);
  int available() const;

 private:
  const int capacity_;
  mutable std::mutex mutex_;
  int available_;
};

/// The end of one request's time, attempts and waits included
/// (S3Config::deadline); no end when the limit is 0.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds limit)
      : limit_(limit), start_(std::chrono::steady_clock::now()) {}
  /// Time left for an attempt (at least 1 ms); 0 when there is no deadline.
  std::chrono::milliseconds remaining() const;
  /// Whether waiting `wait` would leave less than kShortestAttempt, so
  /// that another attempt could only time out.
  bool passed_after(std::chrono::milliseconds wait) const;
  /// curl times an attempt on its own clock, which can end a little before
  /// ours: cut at "999 ms" of a 999 ms limit, 998 ms by ours, it left 2 ms
  /// on the deadline, and a 1 ms attempt followed. An attempt needs more.
  static constexpr std::chrono::milliseconds kShortestAttempt{10};

 private:
  std::chrono::milliseconds elapsed() const;
  std::chrono::milliseconds limit_;
  std::chrono::steady_clock::time_point start_;
};

/// Transport failures worth another try: refused, reset, timed out, a body
/// cut short. TLS verification, malformed URLs and a process out of file
/// descriptors (os_errno EMFILE or ENFILE: CURLINFO_OS_ERRNO) are final.
bool retryable_transport(CURLcode code, long os_errno);

/// The S3Error code for a transport failure: "ConnectionFailed", "Timeout",
/// "TlsError", "TooManyOpenFiles" or "TransportError".
std::string_view transport_error_code(CURLcode code, long os_errno);

/// EMFILE or ENFILE (base/io.hpp): no socket could be opened, so nothing was sent.
using base::open_files_limit_hint;
using base::out_of_descriptors;

}  // namespace sigv4
