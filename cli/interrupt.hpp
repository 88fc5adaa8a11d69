// The one way every command reacts to SIGINT, SIGTERM and SIGHUP. A thread
// takes the signals from a signalfd (they are blocked everywhere else, so no
// handler ever interrupts a system call or a worker) and does what the
// command chose for each:
//   CleanUpAndExit  print "interrupted: <signal>, nothing kept", run the
//                   library's cleanup actions (temp files removed, multipart
//                   uploads aborted, undelivered objects removed: network
//                   requests, hence a thread, not a handler), exit 128 + N:
//                   offload, retrieve. Once the result is published (the
//                   output in place), the signal takes its default action;
//   Stop            end any credential_process, call the command's stop
//                   function once (it finishes what is in flight and
//                   returns); a second such signal, or one
//                   after the command is done, takes the signal's default
//                   action at once (the shell reports 128 + N), as curl and
//                   ninja do on a second Ctrl-C: gc (SIGINT, SIGTERM, SIGHUP);
//   StopOnce        the same, but a second such signal is ignored until the
//                   command is done: serve (SIGINT, SIGTERM, SIGHUP), which
//                   still answers the requests in flight;
//   EndAtOnce       print "interrupted: <signal>", end any credential_process
//                   (else it outlived the command, holding its stderr), then
//                   the signal's default action: inspect, stats, which write
//                   nothing until their output, and call wait_if_interrupted
//                   first (a credential_process so ended fails their lookups).
// Signals a command does not name keep their default action, and one ignored
// when claimcheck started (nohup's SIGHUP) stays ignored. The thread also
// takes SIGCHLD, to reap a credential_process's adopted orphans as they end.
#pragma once

#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace claimcheck::cli {

enum class OnSignal { Default, CleanUpAndExit, Stop, StopOnce, EndAtOnce };

struct SignalPolicy {
  OnSignal sigint = OnSignal::Default;
  OnSignal sigterm = OnSignal::Default;
  OnSignal sighup = OnSignal::Default;
};

/// offload and retrieve: whatever the signal, nothing half-written is kept.
constexpr SignalPolicy kCleanUpAndExitOnAnySignal{
    .sigint = OnSignal::CleanUpAndExit, .sigterm = OnSignal::CleanUpAndExit, .sighup = OnSignal::CleanUpAndExit};

/// inspect and stats: whatever the signal, the command ends at once.
constexpr SignalPolicy kEndAtOnceOnAnySignal{
    .sigint = OnSignal::EndAtOnce, .sigterm = OnSignal::EndAtOnce, .sighup = OnSignal::EndAtOnce};

/// Create it first thing in the command, before any other thread starts:
/// threads inherit the blocked signals. For as long as it lives, `stop` may
/// be called once, on the signal thread, with the signal's number.
class SignalHandling {
 public:
  explicit SignalHandling(SignalPolicy policy, std::function<void(int)> stop = {});
  ~SignalHandling();
  SignalHandling(const SignalHandling&) = delete;
  SignalHandling& operator=(const SignalHandling&) = delete;

  /// No more calls to `stop` (waits for one in progress); from now on the
  /// signals take their default action. The destructor does the same.
  void end();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

/// The line a command says on signal `number`: "interrupted: INT", and
/// ", " + `what_became` where it says what became of the work.
std::string interrupted_line(int number, std::string_view what_became = {});

/// Returns at once, unless a signal the command cleans up and exits on (or
/// ends at once on) has arrived (pending, or taken by the signal thread): then the process exits
/// with that signal's status and this never returns. The command's own end
/// (an error line, an exit code) must not race it: a signal to the process
/// group (Ctrl-C, `timeout`) also ends a credential_process, whose error
/// would otherwise come first.
void wait_if_interrupted();

}  // namespace claimcheck::cli
