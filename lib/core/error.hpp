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

/// Cleanup after a failure (removing objects no reference names, aborting
/// an upload) that failed at a limit of this process's own
/// (Error::local_limit) is tried again: others' work finishing frees what it
/// needs. One CleanupRetry covers one cleanup, however many steps it has.
class CleanupRetry {
 public:
  /// After a failed step: whether to try it again. True (once a short pause
  /// has passed) while `at_local_limit` and within 5 s of construction.
  bool again(bool at_local_limit) const;

 private:
  std::chrono::steady_clock::time_point give_up_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
};

/// " (the limit on processes and threads: ulimit -u, ...)": which limits
/// a thread that cannot be started (EAGAIN) may have met.
std::string thread_limit_hint();

}  // namespace claimcheck
