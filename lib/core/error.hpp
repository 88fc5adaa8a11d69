// One error type for the whole library: a category that the CLI maps to an
// exit code, plus "what failed" and "why" for the one-line message
// `claimcheck: <what>: <why>`.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace claimcheck {

/// Values are the exit codes; what each means is documented once, in
/// exit_statuses() below.
enum class ErrorKind : int {
  Internal = 1,
  Usage = 2,
  InvalidInput = 3,
  NotFound = 4,
  Integrity = 5,
  Store = 6,
  // 128 + SIGPIPE, what a filter killed by SIGPIPE returns; no message, as
  // such a filter prints none.
  ReaderGone = 141,
};

/// A process stopped by signal N exits with kSignalExitBase + N.
constexpr int kSignalExitBase = 128;

/// One documented exit status: --help's footer, the man page's EXIT STATUS
/// and README's table are generated from or checked against these.
struct ExitStatusDoc {
  std::string code;        // "2", "128+N"
  std::string meaning;     // one line
  std::string detail;      // more, for the man page and README; "" none
};
const std::vector<ExitStatusDoc>& exit_statuses();

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string what_failed, std::string why);
  ErrorKind kind() const { return kind_; }
  const std::string& what_failed() const { return what_failed_; }
  const std::string& why() const { return why_; }
  /// Optional extra lines shown with -v (never secrets).
  std::string detail;
  /// This process met a limit of its own (open files, threads, memory): not
  /// the store's fault, and the same work may succeed once others finish.
  bool local_limit = false;

 private:
  ErrorKind kind_;
  std::string what_failed_;
  std::string why_;
};

inline int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

/// How long cleanup after a failure (removing objects no reference names,
/// aborting an upload) is tried again while this process is at a limit of
/// its own (Error::local_limit), and how often: others' work finishing frees
/// what it needs.
inline constexpr std::chrono::seconds kCleanupRetryTime{5};
inline constexpr std::chrono::milliseconds kCleanupRetryDelay{50};

/// " (the limit on processes and threads: ulimit -u, ...)": which limits
/// a thread that cannot be started (EAGAIN) may have met.
std::string thread_limit_hint();

}  // namespace claimcheck
