#include "interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string>
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

void take_signals(sigset_t signals, const std::shared_ptr<SignalHandling::Shared>& shared) {
  while (true) {
    int number = 0;
    if (sigwait(&signals, &number) != 0) return;
    if (action_for(shared->policy, number) == OnSignal::CleanUpAndExit) {
      const bool undone = run_cleanup_actions([number] {
        print_error_line(std::string("interrupted: ") + sigabbrev_np(number) + ", nothing kept");
        // A credential_process still running (a login prompt, say) would hold
        // the command, and the cleanup's own requests, for as long as it
        // runs. Ended here, once the cleanup has begun: the command's own
        // error then waits for the exit instead of racing it.
        sigv4::end_credential_processes();
      });
      if (!undone) take_default_action(number);  // the result is already out: it stays
      ::_exit(kSignalExitBase + number);
    }
    std::lock_guard lock(shared->mutex);
    if (!shared->stop) take_default_action(number);  // the command is done
    if (shared->stopped) {
      if (action_for(shared->policy, number) == OnSignal::StopOnce) continue;  // still finishing
      take_default_action(number);
    }
    shared->stopped = true;
    shared->stop(number);
  }
}

}  // namespace

SignalHandling::SignalHandling(SignalPolicy policy, std::function<void(int)> stop)
    : shared_(std::make_shared<Shared>()) {
  shared_->policy = policy;
  shared_->stop = std::move(stop);
  sigset_t signals;
  sigemptyset(&signals);
  for (int number : {SIGINT, SIGTERM, SIGHUP})
    if (action_for(policy, number) != OnSignal::Default) sigaddset(&signals, number);
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) return;  // default handling stays
  // Detached: it lives until the process ends, so a signal after this object
  // is gone still takes its default action rather than staying pending.
  std::thread([signals, shared = shared_] { take_signals(signals, shared); }).detach();
}

SignalHandling::~SignalHandling() { end(); }

void SignalHandling::end() {
  std::lock_guard lock(shared_->mutex);
  shared_->stop = nullptr;
}

}  // namespace claimcheck::cli
