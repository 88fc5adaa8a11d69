#include "interrupt.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "core/cleanup.hpp"
#include "sigv4/credential_providers.hpp"
#include "report_error.hpp"

namespace claimcheck::cli {

struct SignalHandling::Shared {
  SignalPolicy policy;
  std::mutex mutex;
  std::function<void(int)> stop;  // cleared when the SignalHandling ends
  bool stopped = false;
};

namespace {

/// Whether a signal that ends the command (CleanUpAndExit) has arrived. The
/// signal thread takes a signal off the pending set and records it under the
/// mutex, so that a check under the mutex sees it either pending or taken:
/// when a signal to the whole process group ends a credential_process, its
/// error must not be printed before the signal thread has even run.
struct Arrival {
  std::mutex mutex;
  sigset_t ending_signals;  // those the command cleans up and exits on
  bool taken = false;
};

Arrival& arrival() {
  static Arrival instance;
  return instance;
}

/// Ignored when the program started: nohup's SIGHUP, SIGINT in a script's
/// `&` job. Whoever started it chose that the signal not end it.
bool ignored_at_start(int number) {
  struct sigaction current {};
  return sigaction(number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

OnSignal action_for(const SignalPolicy& policy, int number) {
  if (number == SIGINT) return policy.sigint;
  if (number == SIGTERM) return policy.sigterm;
  if (number == SIGHUP) return policy.sighup;
  return OnSignal::Default;
}

/// As if the signal had never been caught: its default action, here and now.
[[noreturn]] void take_default_action(int number) {
  sigv4::end_credential_processes();  // not left behind, whoever was to wait for it
  ::signal(number, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, number);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  ::raise(number);
  ::_exit(kSignalExitBase + number);  // not reached: SIGINT, SIGTERM and SIGHUP terminate
}

/// The next signal off `signal_fd`, waiting for one without taking it first
/// (a signalfd, not sigwait), so that taking and recording are one step.
int take_next_signal(int signal_fd) {
  pollfd ready{.fd = signal_fd, .events = POLLIN, .revents = 0};
  while (true) {
    if (poll(&ready, 1, -1) < 0 && errno != EINTR) return 0;
    Arrival& a = arrival();
    std::lock_guard lock(a.mutex);
    signalfd_siginfo info{};
    if (read(signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;  // not there after all
    const int number = static_cast<int>(info.ssi_signo);
    if (sigismember(&a.ending_signals, number) == 1) a.taken = true;
    return number;
  }
}

void take_signals(int signal_fd, const std::shared_ptr<SignalHandling::Shared>& shared) {
  while (true) {
    const int number = take_next_signal(signal_fd);
    if (number == 0) return;
    if (number == SIGCHLD) {
      sigv4::reap_credential_process_orphans();
      continue;
    }
    if (action_for(shared->policy, number) == OnSignal::EndAtOnce) {
      print_error_line(interrupted_line(number));
      take_default_action(number);
    }
    if (action_for(shared->policy, number) == OnSignal::CleanUpAndExit) {
      // A second signal during the cleanup ends the process at once (its
      // default action, here): what is not undone yet is left for gc.
      pthread_sigmask(SIG_UNBLOCK, &arrival().ending_signals, nullptr);
      const CleanupOutcome cleanup = run_cleanup_actions([] {
        // A credential_process still running (a login prompt, say) would hold
        // the command, and the cleanup's own requests, for as long as it
        // runs. Ended here, once the cleanup has begun: the command's own
        // error then waits for the exit instead of racing it.
        sigv4::end_credential_processes();
      });
      if (!cleanup.ran) take_default_action(number);  // the result is already out: it stays
      print_error_line(interrupted_line(
          number, cleanup.failure ? "cleanup incomplete: " + *cleanup.failure + "; gc removes anything left"
                                  : "nothing kept"));
      ::_exit(kSignalExitBase + number);
    }
    {
      std::lock_guard lock(shared->mutex);
      if (!shared->stop) take_default_action(number);  // the command is done
      if (shared->stopped) {
        if (action_for(shared->policy, number) == OnSignal::StopOnce) continue;  // still finishing
        take_default_action(number);
      }
      shared->stopped = true;
      shared->stop(number);
    }
    // A credential_process that hangs (a login prompt) would hold the work in
    // flight, and so the stop, for as long as it runs. Ended after the stop
    // is asked for, so that the work it fails knows why (gc: interrupted,
    // not a listing that failed); not under the lock, since ending it may
    // wait (for one that ignores SIGTERM) and the command's end must not.
    sigv4::end_credential_processes();
  }
}

}  // namespace

SignalHandling::SignalHandling(SignalPolicy policy, std::function<void(int)> stop)
    : shared_(std::make_shared<Shared>()) {
  shared_->policy = policy;
  shared_->stop = std::move(stop);
  sigset_t signals;
  sigset_t ending;
  sigemptyset(&signals);
  sigemptyset(&ending);
  for (int number : {SIGINT, SIGTERM, SIGHUP}) {
    if (ignored_at_start(number)) continue;  // a blocked signal is never discarded: it would be taken
    if (action_for(policy, number) != OnSignal::Default) sigaddset(&signals, number);
    if (action_for(policy, number) == OnSignal::CleanUpAndExit || action_for(policy, number) == OnSignal::EndAtOnce)
      sigaddset(&ending, number);
  }
  // An orphan a credential_process left, adopted, is reaped as it ends, not
  // at the next fetch (serve's may be an hour away).
  sigaddset(&signals, SIGCHLD);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) return;  // default handling stays
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) {
    close(signal_fd);
    return;
  }
  {
    Arrival& a = arrival();
    std::lock_guard lock(a.mutex);
    a.ending_signals = ending;
  }
  // Detached: it lives until the process ends, so a signal after this object
  // is gone still takes its default action rather than staying pending.
  try {
    std::thread([signal_fd, shared = shared_] { take_signals(signal_fd, shared); }).detach();
  } catch (const std::system_error&) {
    // No thread to be had (ulimit -u). A command that ends at once on every
    // signal does without (default action, no line: nor could it start a
    // credential_process to end); the others' work needs the thread.
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    close(signal_fd);
    const bool ends_at_once = policy.sigint == OnSignal::EndAtOnce && policy.sigterm == OnSignal::EndAtOnce &&
                              policy.sighup == OnSignal::EndAtOnce;
    if (!ends_at_once) throw;
  }
}

SignalHandling::~SignalHandling() { end(); }

void SignalHandling::end() {
  std::lock_guard lock(shared_->mutex);
  shared_->stop = nullptr;
}

std::string interrupted_line(int number, std::string_view what_became) {
  std::string line = std::string("interrupted: ") + sigabbrev_np(number);
  if (!what_became.empty()) line.append(", ").append(what_became);
  return line;
}

void wait_if_interrupted() {
  Arrival& a = arrival();
  {
    std::lock_guard lock(a.mutex);
    if (!a.taken) {
      sigset_t pending, ending_and_pending;
      if (sigpending(&pending) != 0) return;
      sigandset(&ending_and_pending, &pending, &a.ending_signals);
      if (sigisemptyset(&ending_and_pending) == 1) return;
    }
  }
  while (true) std::this_thread::sleep_for(std::chrono::hours(1));  // the signal thread exits
}

}  // namespace claimcheck::cli
