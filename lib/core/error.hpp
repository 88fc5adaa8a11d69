// One error type for the whole library: a category that the CLI maps to an
// exit code, plus "what failed" and "why" for the one-line message
// `claimcheck: <what>: <why>`.
#pragma once

#include <stdexcept>
#include <string>

namespace claimcheck {

/// Values are the documented exit codes.
enum class ErrorKind : int {
  Internal = 1,      // a bug or an unexpected system failure
  Usage = 2,         // bad flags, bad configuration value
  InvalidInput = 3,  // malformed reference or document
  NotFound = 4,      // the object is not in the store
  Integrity = 5,     // checksum, size or compressed stream wrong
  Store = 6,         // network, authentication, permission, server (after retries)
  // The reader of our output went away (`| head`): 128 + SIGPIPE, what a
  // filter killed by SIGPIPE returns, and no message, as such a filter prints none.
  ReaderGone = 141,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string what_failed, std::string why);
  ErrorKind kind() const { return kind_; }
  const std::string& what_failed() const { return what_failed_; }
  const std::string& why() const { return why_; }
  /// Optional extra lines shown with -v (never secrets).
  std::string detail;

 private:
  ErrorKind kind_;
  std::string what_failed_;
  std::string why_;
};

inline int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

}  // namespace claimcheck
