// offload and retrieve on SIGINT, SIGTERM or SIGHUP: a dedicated thread takes
// the signal, runs the library's registered cleanup actions (temp files
// removed, open multipart uploads aborted) and exits with 128 + signal. A
// thread, not a handler, because aborting an upload is a network request.
#pragma once

namespace claimcheck::cli {

/// Call before any other thread starts: threads inherit the blocked signals.
void cleanup_on_interrupt();

}  // namespace claimcheck::cli
