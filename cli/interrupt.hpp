// SIGINT for long commands (gc): the handler only sets a flag; the command
// checks it between steps, finishes what is in flight and exits 130.
#pragma once

#include <atomic>

namespace claimcheck::cli {

constexpr int kInterruptedExitCode = 130;

/// Installs the SIGINT handler and returns the flag it sets. A second SIGINT
/// ends the process immediately.
const std::atomic<bool>& catch_interrupts();

}  // namespace claimcheck::cli
