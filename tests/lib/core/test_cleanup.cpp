// The interrupt cleanup registry (core/cleanup): what runs, in which order,
// and when publishing the result disarms it. Each case runs in a child
// process: running the cleanup, or publishing, is for the rest of a process.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <optional>
#include <csignal>
#include <functional>
#include <string>

#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "core/stream.hpp"
#include "manager/staged_output.hpp"

using namespace claimcheck;

namespace {

/// The exit status of `body` run in a child process (-1 if it did not exit).
int in_child(const std::function<int()>& body) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(body());
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("registered actions run once, newest first; a destroyed registration does not run") {
  CHECK(in_child([] {
          std::string order;
          CleanupRegistration first([&] { order += "1"; });
          CleanupRegistration gone([&] { order += "x"; });
          gone = CleanupRegistration();
          const CleanupRegistration second = CleanupRegistration::made_by([&] { return [&] { order += "2"; }; });
          if (!run_cleanup_actions([&] { order += "b"; }).ran) return 1;
          run_cleanup_actions();  // nothing left to run
          return order == "b21" ? 0 : 2;
        }) == 0);
}

TEST_CASE("an action that fails is said, and the ones after it still run") {
  CHECK(in_child([] {
          if (cleanup_has_begun()) return 1;
          bool ran = false;
          const CleanupRegistration older([&] { ran = true; });
          const CleanupRegistration failing([] { throw Error(ErrorKind::Store, "delete s3://b/k", "Timeout"); });
          const CleanupRegistration also_failing([] { throw Error(ErrorKind::Store, "put s3://b/k", "later"); });
          const CleanupOutcome outcome = run_cleanup_actions();
          if (!outcome.ran || !ran) return 2;
          // The first to fail is the newest: the last registered runs first.
          if (outcome.failure != std::optional<std::string>("put s3://b/k: later")) return 3;
          return cleanup_has_begun() ? 0 : 4;
        }) == 0);
  CHECK(in_child([] { return run_cleanup_actions().failure ? 1 : 0; }) == 0);
}

TEST_CASE("once the result is published, nothing is undone") {
  CHECK(in_child([] {
          bool ran = false;
          const CleanupRegistration action([&] { ran = true; });
          publish_result([] {});
          return !run_cleanup_actions().ran && !ran ? 0 : 1;
        }) == 0);
}

TEST_CASE("only the command's output publishes: a buffer's commit leaves the cleanup armed") {
  const auto cleanup_runs_after_commit = [](bool command_output) {
    return in_child([command_output] {
      StringSink sink;
      auto staged = command_output ? stage_to_output_stream(sink) : stage_to_stream(sink);
      staged->write("payload", 7);
      staged->commit();
      return run_cleanup_actions().ran ? 0 : 1;
    });
  };
  CHECK(cleanup_runs_after_commit(false) == 0);  // a payload restored into a document, say
  CHECK(cleanup_runs_after_commit(true) == 1);   // stdout: the result is out
}

namespace {

/// A stream interrupted before and after each write: it records whether
/// the cleanup would run then (it is not run: the process goes on).
class InterruptedAroundWrites : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override {
    events_ += cleanup_would_run() ? "u" : "k";  // undone or kept
    written_.append(data, size);
    last_write_ = size;
    events_ += "w";
  }
  const std::string& events() const { return events_; }
  const std::string& written() const { return written_; }
  std::size_t last_write() const { return last_write_; }

 private:
  /// Whether a cleanup starting now (in a copy of this process) would undo
  /// the output. Inside publish_result the copy finds its lock held for
  /// ever (its holder is not copied): that counts as kept, since a cleanup
  /// waits for the publishing and then finds the result out. A copy that has
  /// not answered in 10 s is taken to be waiting there.
  static bool cleanup_would_run() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(run_cleanup_actions().ran ? 0 : 1);
    const int handle = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
    pollfd ended{.fd = handle, .events = POLLIN, .revents = 0};
    const bool answered = ::poll(&ended, 1, 10'000) == 1;
    ::close(handle);
    if (!answered) ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    return answered && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  std::string events_, written_;
  std::size_t last_write_ = 0;
};

}  // namespace

TEST_CASE("the command's output is published by its last write, and not before") {
  // A signal after offload wrote its whole reference to stdout, but before
  // it was marked published, removed the object: a reference left behind
  // naming an object that was gone, with "nothing kept" (eighth audit).
  // A signal while a write waits for a full pipe must still undo it.
  CHECK(in_child([] {
          InterruptedAroundWrites sink;
          auto staged = stage_to_output_stream(sink);
          const std::string output(PIPE_BUF * 3 + 100, 'x');
          staged->write(output.data(), output.size());
          staged->commit();
          if (sink.written() != output) return 1;
          // Every write but the last finds the cleanup armed; the last, of
          // PIPE_BUF bytes, is made as the result is published.
          return sink.events() == "uwkw" && sink.last_write() == PIPE_BUF ? 0 : 2;
        }) == 0);
}
