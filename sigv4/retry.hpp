// When to try an S3 request again, and how long to wait first.
// Private to sigv4/.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string_view>

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

/// Transport failures worth another try: refused, reset, timed out, a body
/// cut short. TLS verification and malformed URLs are final.
bool retryable_transport(CURLcode code);

/// The S3Error code for a transport failure: "ConnectionFailed", "Timeout",
/// "TlsError" or "TransportError".
std::string_view transport_error_code(CURLcode code);

}  // namespace sigv4
