// The processes a credential_process command leaves, and how they are ended.
// A command is often a wrapper (`sh -c`, aws-vault, saml2aws) whose own
// children would otherwise outlive it, holding claimcheck's stderr (`2>&1 |
// cat` waits for them) or its output pipe. Orphans, whose parent ended first
// (a Ctrl-C to the process group ends a shell before its `&` children, which
// ignore SIGINT; a wrapper exits and leaves a child holding its output), are
// kept within reach by making this process their reaper.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <set>
#include <vector>

namespace sigv4::process_tree {

/// From now on, an orphan below this process becomes its child rather than
/// init's (PR_SET_CHILD_SUBREAPER). Called before the first command starts.
void adopt_orphans();

/// A handle on the process that polls readable once it has ended; -1 where
/// the kernel has none (before Linux 5.3).
int open_pidfd(pid_t pid);

/// `roots` and every process below them that is in this process's group,
/// where a Ctrl-C at the terminal reaches it too: one that moved to a group
/// of its own (`setsid`, a daemon, a shell's job) chose not to end with the
/// command that started it, and is left alone with everything below it.
/// Read from /proc/PID/task/TID/children, parents before children; where
/// /proc cannot be read (no descriptor left), `roots` alone.
std::vector<pid_t> trees_of(const std::set<pid_t>& roots);

/// This process's children but for `commands`: the orphans it adopted.
std::set<pid_t> adopted_children(const std::set<pid_t>& commands);

/// Adds to `found` (read before: a command that ends meanwhile hands its
/// children here) the adopted orphans, children of this process not in
/// `not_theirs`, that are in its group, with the processes below them.
void add_adopted_orphans(std::vector<pid_t>& found, const std::set<pid_t>& not_theirs);

/// The processes `processes` names, each held by a pidfd where one can be
/// had (a pid freed meanwhile is then never signalled in another's place).
class Ending {
 public:
  explicit Ending(const std::vector<pid_t>& processes);
  Ending(const Ending&) = delete;
  Ending& operator=(const Ending&) = delete;
  ~Ending();

  /// Sends `number` to each process still running.
  void signal(int number) const;
  /// Until each has ended or `grace` has passed; whether all have ended.
  bool wait(std::chrono::milliseconds grace);

 private:
  struct Member {
    pid_t pid;
    int pidfd;  // -1: none to be had; signalled by pid
    bool ended;
  };
  std::vector<Member> members_;
};

/// SIGTERM to the processes `find` names; `grace` later, SIGKILL to those
/// still running and to any `find` names then (a spawner's latest). Where a
/// process has no pidfd to wait on, SIGKILL follows at once.
void end(const std::function<std::vector<pid_t>()>& find, std::chrono::milliseconds grace);

/// Reaps the adopted children (not in `commands`) that have ended, so that
/// orphans do not pile up as zombies in a long-running serve; each reaped
/// leaves `spared` (its pid may be reused).
void reap_adopted(const std::set<pid_t>& commands, std::set<pid_t>& spared);

}  // namespace sigv4::process_tree
