#include "interrupt.hpp"

#include <csignal>

namespace claimcheck::cli {
namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

/// The first SIGINT asks for a clean stop; a second one ends the process at
/// once, as if there were no handler (both calls are async-signal-safe).
extern "C" void on_sigint(int) {
  if (interrupted.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

}  // namespace

const std::atomic<bool>& catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // blocking calls resume; the flag is checked between pages
  sigaction(SIGINT, &action, nullptr);
  return interrupted;
}

}  // namespace claimcheck::cli
