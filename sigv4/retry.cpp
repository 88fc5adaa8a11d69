#include "retry.hpp"

#include <algorithm>
#include <cerrno>
#include <random>

#include "sigv4/s3_client.hpp"

namespace sigv4 {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures,
                                        double unit_random) {
  // Doubling stops once past the cap, so large attempt numbers cannot overflow.
  auto ceiling = policy.base;
  for (int i = 1; i < failures && ceiling < policy.cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.cap);
  const double unit = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(unit * static_cast<double>(ceiling.count())));
}

double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

bool retryable_status(long http_status, std::string_view s3_code) {
  if (http_status >= 500 || http_status == 429) return true;
  return s3_code == "SlowDown" || s3_code == "RequestTimeout" ||
         s3_code == "Throttling" || s3_code == "ThrottlingException" ||
         s3_code == "RequestThrottled" || s3_code == "InternalError";
}

bool throttling_status(long http_status, std::string_view s3_code) {
  return http_status == 429 || http_status == 503 || s3_code == "SlowDown" ||
         s3_code == "Throttling" || s3_code == "ThrottlingException" || s3_code == "RequestThrottled";
}

bool RetryQuota::acquire(int cost) {
  if (capacity_ == 0) return true;
  std::lock_guard lock(mutex_);
  if (available_ < cost) return false;
  available_ -= cost;
  return true;
}

void RetryQuota::release(int amount) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  available_ = std::min(capacity_, available_ + amount);
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

std::chrono::milliseconds Deadline::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
}

std::chrono::milliseconds Deadline::remaining() const {
  if (limit_.count() == 0) return limit_;
  return std::max(limit_ - elapsed(), std::chrono::milliseconds(1));
}

bool Deadline::passed_after(std::chrono::milliseconds wait) const {
  return limit_.count() != 0 && elapsed() + wait + kShortestAttempt >= limit_;
}

bool retryable_transport(CURLcode code, long os_errno) {
  // The limit is the process's own (ulimit -n): another try a moment later
  // meets it again, so the one line says so at once.
  if (out_of_descriptors(os_errno)) return false;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string_view transport_error_code(CURLcode code, long os_errno) {
  if (out_of_descriptors(os_errno)) return kTooManyOpenFiles;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return "ConnectionFailed";
    case CURLE_OPERATION_TIMEDOUT:
      return "Timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
      return "TlsError";
    default:
      return "TransportError";
  }
}

}  // namespace sigv4
