#include "interrupt_cleanup.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "core/cleanup.hpp"

namespace claimcheck::cli {

void cleanup_on_interrupt() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) return;  // default handling stays
  std::thread([signals] {
    int number = 0;
    if (sigwait(&signals, &number) != 0) return;
    const std::string line =
        std::string("claimcheck: interrupted: ") + sigabbrev_np(number) + ", nothing kept\n";
    (void)!::write(STDERR_FILENO, line.data(), line.size());
    run_cleanup_actions();
    ::_exit(128 + number);
  }).detach();
}

}  // namespace claimcheck::cli
