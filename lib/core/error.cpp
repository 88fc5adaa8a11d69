// The one-line message is "<what>: <why>" so that what() is useful even when
// a caller only logs std::exception.
#include "core/error.hpp"

#include <sys/resource.h>

#include <csignal>
#include <thread>
#include <utility>

#include "core/cleanup.hpp"

namespace claimcheck {

namespace {
std::string one_line(const std::string& what_failed, const std::string& why) {
  if (why.empty()) return what_failed;
  if (what_failed.empty()) return why;
  return what_failed + ": " + why;
}
}  // namespace

const std::vector<ExitStatusDoc>& exit_statuses() {
  static const std::vector<ExitStatusDoc> statuses = [] {
    auto code = [](ErrorKind kind) { return std::to_string(exit_code(kind)); };
    const std::string signal_base = std::to_string(kSignalExitBase);
    return std::vector<ExitStatusDoc>{
        {"0", "success", ""},
        {code(ErrorKind::Internal), "unexpected internal error",
         "also a local write that fails (disk full, a file-size limit (ulimit -f), I/O error), to standard "
         "output and -o alike; a thread that cannot be started (the limit on processes and threads: "
         "ulimit -u, a container's pids.max; or on memory for its stack: ulimit -v, ulimit -d) where the work needs it (gc, stats and inspect make do "
         "with the threads that start); a socket that cannot be opened (the limit on open files: ulimit -n, whose value the line gives; or the system's, fs.file-max), which is not retried, to the "
         "store or to a credential provider, a file that cannot be opened for that limit (a config, AWS shared "
         "or CA bundle file, an input or -o file, the journal, the local store's), and a credential_process that cannot be started for a limit "
         "(a pipe: ulimit -n; a process: ulimit -u); `serve` under an open-file limit that leaves it too few descriptors to answer a request; and `serve` without its claimcheck-serve (an incomplete installation)"},
        {code(ErrorKind::Usage), "usage error (bad flag or configuration value)",
         "also a path the user named, by argument, flag, variable or setting, that cannot be used: a "
         "missing input file, an -o directory that is missing or unwritable, TMPDIR, the journal "
         "directory for `stats` when it is not a directory or cannot be read (one that does not exist "
         "yet is no records: nothing journaled; offload and retrieve only warn that the run is not "
         "journaled), or a journal in it that is not a regular file (a FIFO, a device), the "
         "local store's directory (or one inside it this user may not write in; a full "
         "disk or a file-size limit there is 6), also one that is not there when a reference is read "
         "from it (an unmounted volume), or whose path no reference can name (a control character, a "
         "byte that is not UTF-8: offload refuses it before storing, serve --offload at start); and a malformed endpoint or store URL"},
        {code(ErrorKind::InvalidInput), "invalid input (malformed reference or document)",
         "content that cannot be read as what it claims to be; never a path"},
        {code(ErrorKind::NotFound), "object not found in the store",
         "only the object a reference names: a missing bucket is a store error (6), a missing local "
         "store directory a usage error (2)"},
        {code(ErrorKind::Integrity), "integrity failure (checksum, size or compressed stream wrong)", ""},
        {code(ErrorKind::Store), "store error after retries (network, authentication, permission, server)",
         "an offload whose store answered that the upload failed deletes the object the store may have "
         "kept anyway; a store that never answered is not asked again (gc removes what it kept, at its TTL); "
         "a multipart upload whose abort the store refuses too (credentials refused mid-upload) is named "
         "on the line, and gc aborts it once older than --uploads-older-than"},
        {signal_base + "+N",
         "stopped by signal N (" + std::to_string(kSignalExitBase + SIGINT) + ": Ctrl-C, " +
             std::to_string(kSignalExitBase + SIGTERM) + ": SIGTERM); nothing half-written is left",
         "an interrupted offload or retrieve first removes its temporary files, aborts its open "
         "multipart upload and removes the objects whose reference it had not yet delivered, after "
         "their upload has ended (a PUT still sending stopped, a request sent waited for, no other "
         "started), and says `interrupted: INT, nothing kept`; that wait ends within " +
             std::to_string(kCleanupRequestTimeLimit.count()) + " s, so does each of the cleanup's requests, "
             "retries included, and once one of them has gone unanswered the store is not asked again; "
             "where something may be left the line says `interrupted: INT, cleanup incomplete: <what and "
             "why>; gc removes anything left`; a second signal during the cleanup ends the process at once, "
             "its line unsaid (a signal "
         "once the output is out, renamed into place or its last write made, leaves it and its objects "
         "as they are, and the process ends with no line; a stream may hold part of a failed command's "
         "output); an interrupted gc (SIGINT, SIGTERM, SIGHUP) finishes the "
         "delete batches in flight, prints its summary and the line `interrupted: INT, stopped after the "
         "batches in flight`, and a second signal meanwhile ends it at once; an interrupted inspect or "
         "stats ends at once with the line `interrupted: INT`; a running credential_process is ended "
         "in every case; serve stopped by SIGTERM answers the requests in flight and exits 0 (SIGINT 130, SIGHUP "
         "129); a signal ignored when claimcheck started (nohup's SIGHUP, SIGINT in a script's `&` job) stays "
         "ignored, in claimcheck and in its credential_process. SIGKILL, which no program can catch, "
         "leaves what was under way: an open multipart upload or a local store's `.cctmp-*` file, which gc removes, and beside an -o file its hidden temporary "
         "`.NAME.claimcheck-XXXXXX`, which nothing removes"},
        {code(ErrorKind::ReaderGone),
         "the reader of stdout went away (as in `claimcheck retrieve ref | head`); no message",
         "as for a filter killed by SIGPIPE (-v prints one); an offload removes the objects it stored, so "
         "references in the part of its output the reader took lead nowhere"},
    };
  }();
  return statuses;
}

Error::Error(ErrorKind kind, std::string what_failed, std::string why)
    : std::runtime_error(one_line(what_failed, why)),
      kind_(kind),
      what_failed_(std::move(what_failed)),
      why_(std::move(why)) {}

// pthread_create says EAGAIN both at the limit on threads and when the new
// thread's stack cannot be mapped; the second can only be a memory limit's
// doing when one is set (the address space, or since Linux 4.7 the data
// segment, which counts stacks too), so those set are named.
std::string thread_limit_hint() {
  std::string hint = " (the limit on processes and threads: ulimit -u, or a container's pids.max";
  std::string memory;
  for (const auto& [resource, flag] : {std::pair{RLIMIT_AS, "ulimit -v"}, std::pair{RLIMIT_DATA, "ulimit -d"}}) {
    rlimit limit{};
    if (getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      memory += (memory.empty() ? "" : ", ") + std::string(flag);
  }
  if (!memory.empty()) hint += "; or on memory, for its stack: " + memory;
  return hint + ")";
}

bool CleanupRetry::again(bool at_local_limit) const {
  if (!at_local_limit || std::chrono::steady_clock::now() >= give_up_at_) return false;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return true;
}

}  // namespace claimcheck
