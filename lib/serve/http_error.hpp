// A failure with the HTTP status and the short message the client gets.
// The message never carries secrets, store locations or payload data; the
// detail (for the server's log line only) may name the reason.
#pragma once

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

}  // namespace claimcheck::serve
