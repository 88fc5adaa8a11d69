// One HTTP exchange over a libcurl easy handle: no signing, no retries.
// Private to sigv4/.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "curl_handle.hpp"
#include "sigv4/s3_client.hpp"
#include "sigv4/transfer_defaults.hpp"

namespace sigv4 {

struct TransferSettings {
  std::chrono::milliseconds connect_timeout{kDefaultConnectTimeout};
  /// Give up when no byte moved either way for this long, once connected; 0: never.
  std::chrono::seconds stall_timeout{kDefaultStallTimeout};
  std::string ca_bundle;  // empty: the system's
  /// Limit on the whole exchange; 0: none. What a deadline leaves, or a
  /// credential provider's bound (instance metadata: about a second).
  std::chrono::milliseconds total_timeout{0};
};

/// Receives a 2xx response body with the status (200 or 206).
using StatusSink = std::function<void(long status, const char* data, std::size_t size)>;

struct HttpCall {
  std::string method;  // GET HEAD PUT POST DELETE
  std::string url;     // already encoded
  std::vector<std::string> header_lines;  // "Name: value"
  BodySource* body = nullptr;             // PUT/POST body (rewound first)
  const StatusSink* sink = nullptr;       // 2xx bodies; otherwise collected
};

struct HttpOutcome {
  CURLcode curl_code = CURLE_OK;
  std::string curl_message;
  long status = 0;                  // 0: no response
  std::vector<Header> headers;      // lower-case names, final response only
  std::string body;                 // the body when not given to the sink
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  bool connected = false;             // a connection, new or pooled, carried the request
  bool new_connection = false;        // false: a pooled connection was reused (when connected)
  bool stalled = false;               // timed out: no byte moved for stall_timeout
  long os_errno = 0;                  // the system's errno behind a failed connect (EMFILE, say)
  std::exception_ptr callback_error;  // thrown by the sink or the body source

  /// Value of the first header `lower_name`, or "".
  std::string header(std::string_view lower_name) const;
};

/// Performs the exchange; transport failures are reported in the outcome,
/// never thrown (only bad options throw).
HttpOutcome perform_http(CurlEasy& easy, const HttpCall& call,
                         const TransferSettings& settings);

}  // namespace sigv4
