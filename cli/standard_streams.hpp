// A command started with stdin, stdout or stderr closed (`>&-`, a careless
// daemon) must not let the next file it opens take that number: libcurl's
// wakeup socket became fd 1, and gc wrote its summary into it and exited 0.
#pragma once

namespace claimcheck::cli {

/// Puts /dev/null, opened for the other direction, on each of fds 0-2 that
/// is closed: a write to a closed stdout still fails with EBADF (exit 1,
/// "cannot write stdout"), a read of a closed stdin too, and nothing else
/// lands there. Call first in main.
void reserve_standard_streams() noexcept;

}  // namespace claimcheck::cli
