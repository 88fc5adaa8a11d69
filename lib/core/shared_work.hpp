// Work that several threads take from one list: this thread and helpers.
#pragma once

#include <cstddef>
#include <functional>

namespace claimcheck {

/// Runs `work` on this thread and on `threads` - 1 helper threads, and
/// returns when every one has returned. `work` takes items until none is
/// left, so a helper that cannot be started (a limit on threads: ulimit -u,
/// a container's pids.max) is done without: fewer threads share the list.
void run_on_threads(std::size_t threads, const std::function<void()>& work);

}  // namespace claimcheck
