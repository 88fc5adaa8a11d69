// The interrupt cleanup registry (core/cleanup): what runs, in which order,
// and when publishing the result disarms it. Each case runs in a child
// process: running the cleanup, or publishing, is for the rest of a process.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "core/cleanup.hpp"
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
          if (!run_cleanup_actions([&] { order += "b"; })) return 1;
          run_cleanup_actions();  // nothing left to run
          return order == "b21" ? 0 : 2;
        }) == 0);
}

TEST_CASE("once the result is published, nothing is undone") {
  CHECK(in_child([] {
          bool ran = false;
          const CleanupRegistration action([&] { ran = true; });
          publish_result([] {});
          return !run_cleanup_actions() && !ran ? 0 : 1;
        }) == 0);
}

TEST_CASE("only the command's output publishes: a buffer's commit leaves the cleanup armed") {
  const auto cleanup_runs_after_commit = [](bool command_output) {
    return in_child([command_output] {
      StringSink sink;
      auto staged = command_output ? stage_to_output_stream(sink) : stage_to_stream(sink);
      staged->write("payload", 7);
      staged->commit();
      return run_cleanup_actions() ? 0 : 1;
    });
  };
  CHECK(cleanup_runs_after_commit(false) == 0);  // a payload restored into a document, say
  CHECK(cleanup_runs_after_commit(true) == 1);   // stdout: the result is out
}
