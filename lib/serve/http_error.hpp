// A failure with the HTTP status and the short message the client gets.
// The message never carries secrets, store locations or payload data; the
// detail (for the server's log line only) may name the reason.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace claimcheck::serve {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string message, std::string detail = {})
      : std::runtime_error(message), status_(status), detail_(std::move(detail)) {}
  int status() const { return status_; }
  const std::string& detail() const { return detail_; }

 private:
  int status_;
  std::string detail_;
};

/// 413 for a payload larger than a response may carry; `size` says how
/// large ("70000000 bytes").
inline HttpError too_large_for_a_response(const std::string& size, std::uint64_t limit) {
  return HttpError(413, size + " is more than serve returns in one response (" + std::to_string(limit) + ")");
}

}  // namespace claimcheck::serve
