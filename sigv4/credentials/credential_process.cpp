// credential_process: a command whose stdout is the credentials as JSON
// (version 1). It runs without a shell, as the AWS CLI runs it: the command
// line is split like a POSIX shell splits words, nothing is expanded. Its
// stdin is /dev/null (claimcheck's own stdin may be the payload), its
// stderr is ours, so its messages reach the user as they are.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/io.hpp"
#include "base/text.hpp"
#include "sigv4/credential_providers.hpp"
#include "credential_fields.hpp"
#include "process_tree.hpp"
#include "provider_base.hpp"
#include "../retry.hpp"

extern char** environ;

namespace sigv4 {
namespace {

// A larger answer is not credentials.
constexpr std::size_t kMaxOutput = 1u << 20;

/// The commands running now, so that end_credential_processes can end them.
/// `ending` becomes readable then: a reader stops waiting for the end of a
/// command's output, which a child of the command (a script's `sleep`, say)
/// may hold open after the command itself is gone.
struct RunningCommands {
  std::mutex mutex;
  std::set<pid_t> pids;
  /// Adopted orphans of commands that had finished when the commands
  /// running now began (a browser a login opened), and the processes below
  /// them then: not theirs to end.
  std::set<pid_t> spared;
  std::atomic<bool> ended{false};  // the program is exiting: start no more
  int ending = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
};

/// adopt_credential_process_orphans was called. Apart from RunningCommands,
/// whose eventfd a program that never runs a command need not open.
std::atomic<bool> adopting{false};

RunningCommands& running_commands() {
  static RunningCommands instance;
  return instance;
}

/// What ending the commands `roots` reaches: their trees and, where orphans
/// are adopted, those. Under running.mutex.
std::vector<pid_t> to_end(const RunningCommands& running, const std::set<pid_t>& roots) {
  std::vector<pid_t> found = process_tree::trees_of(roots);
  if (!adopting) return found;
  std::set<pid_t> not_theirs = running.spared;
  not_theirs.insert(running.pids.begin(), running.pids.end());
  process_tree::add_adopted_orphans(found, not_theirs);
  return found;
}

using SteadyClock = std::chrono::steady_clock;

/// After SIGTERM, how long a command that ran out of time has to end before SIGKILL.
constexpr std::chrono::seconds kGraceAfterTerm{2};

/// Ends the command `one`, or every one running where it is nullopt, the
/// processes below them and the orphans they left in this process's group:
/// SIGTERM, then SIGKILL to what has not ended kGraceAfterTerm later. Not
/// under the lock, which each look at the processes takes.
void end_commands(std::optional<pid_t> one) {
  process_tree::end(
      [one] {
        RunningCommands& running = running_commands();
        std::lock_guard lock(running.mutex);
        return to_end(running, one ? std::set<pid_t>{*one} : running.pids);
      },
      kGraceAfterTerm);
}

enum class Waited { Ready, Exited, Ending, TimedOut, Failed };

/// Until `fd` is readable (output, or a pidfd's process has ended), the
/// process `pidfd` holds has ended (Exited, where `fd` is not readable),
/// end_credential_processes is called, or `deadline` passes.
Waited wait_for(int fd, SteadyClock::time_point deadline, int pidfd = -1) {
  pollfd ready[3] = {{fd, POLLIN, 0}, {running_commands().ending, POLLIN, 0}, {pidfd, POLLIN, 0}};
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return Waited::TimedOut;
    // A negative descriptor is passed over by poll.
    const int polled = ::poll(ready, 3, static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30)));
    if (polled < 0 && errno == EINTR) continue;
    if (polled < 0) return Waited::Failed;
    if (polled == 0) continue;  // the deadline, checked above
    if (ready[1].revents != 0) return Waited::Ending;
    if (ready[0].revents != 0) return Waited::Ready;
    return Waited::Exited;
  }
}

/// Whether the process `pid`, ended and not yet reaped, exited with status 0.
bool exited_cleanly(pid_t pid) {
  siginfo_t ended{};
  if (waitid(P_PID, static_cast<id_t>(pid), &ended, WEXITED | WNOWAIT | WNOHANG) != 0) return false;
  return ended.si_pid == pid && ended.si_code == CLD_EXITED && ended.si_status == 0;
}

/// "60 s", or "250 ms" for a bound that is not whole seconds.
std::string duration_text(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  return std::to_string(duration.count()) + " ms";
}


struct Pipe {
  int read_end = -1, write_end = -1;
  int error = 0;  // pipe2's errno when it failed
  Pipe() {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) {
      error = errno;
      return;
    }
    read_end = ends[0];
    write_end = ends[1];
  }
  ~Pipe() {
    if (read_end >= 0) close(read_end);
    if (write_end >= 0) close(write_end);
  }
  void close_write() {
    close(write_end);
    write_end = -1;
  }
};

struct ProcessResult {
  std::string output;
  int status = 0;
  bool too_long = false;
};

struct ProcessOptions {
  std::string command;
  std::chrono::milliseconds timeout;
};

class ProcessProvider final : public ProviderBase<ProcessOptions> {
 public:
  using ProviderBase::ProviderBase;

  TimedCredentials fetch() override {
    const ProcessResult result = run();
    if (WIFSIGNALED(result.status))
      fail("it was killed by signal " + std::to_string(WTERMSIG(result.status)));
    if (WEXITSTATUS(result.status) != 0)
      fail("it exited with status " + std::to_string(WEXITSTATUS(result.status)));
    if (result.too_long) fail("it printed more than 1 MiB");
    const auto document = parse_json_quietly(result.output);
    if (!document || !document->is_object())
      fail("it did not print a JSON object (" + std::to_string(result.output.size()) + " bytes on stdout)");
    const auto version = document->find("Version");
    if (version == document->end()) fail("its JSON has no \"Version\" (1 is the version read)");
    if (!version->is_number_integer() || version->get<long long>() != 1)
      fail("its JSON says \"Version\": " + version->dump().substr(0, 40) + ", not 1 (the version read)");
    CredentialFieldNames names;
    names.session_token = "SessionToken";
    return credentials_from_json(*document, names, name_);
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { ProviderBase::fail(CredentialsError::Cause::Provider, why); }

  /// The command could not be started because of `error`: this process's
  /// limit (open files, processes), which the line names, or else the
  /// setting's fault (no such program, not executable).
  [[noreturn]] void fail_to_start(int error, std::string why) const {
    why += error == EAGAIN ? " (the limit on processes: ulimit -u)" : open_files_limit_hint(error);
    const bool local_limit = out_of_descriptors(error) || error == EAGAIN || error == ENOMEM;
    ProviderBase::fail(local_limit ? CredentialsError::Cause::LocalLimit : CredentialsError::Cause::Configuration,
                       why);
  }

  std::vector<std::string> words() const {
    auto split = base::split_shell_words(options_.command);
    if (!split || split->empty())
      ProviderBase::fail(CredentialsError::Cause::Configuration,
                         split ? "the command is empty" : "the command has an unterminated quote");
    return *split;
  }

  ProcessResult run() const {
    const std::vector<std::string> argv_words = words();
    std::vector<char*> argv;
    for (const std::string& word : argv_words) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    Pipe out;
    if (out.error)
      fail_to_start(out.error, "no pipe could be opened: " + std::string(std::strerror(out.error)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write_end, STDOUT_FILENO);
    // The command starts with no signal blocked: a program that blocks them
    // while a thread waits for them (claimcheck does) would otherwise hand
    // that mask down, and the command would outlive a Ctrl-C or `timeout`,
    // which signal the whole process group. SIGPIPE and SIGXFSZ, which such a
    // program ignores to see the errors instead, act again; any other signal
    // ignored stays so, as the AWS CLI and Go leave it: under nohup, the
    // hang-up must not end the command either.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, restored;
    sigemptyset(&none);
    sigemptyset(&restored);
    sigaddset(&restored, SIGPIPE);
    sigaddset(&restored, SIGXFSZ);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &restored);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int spawned = 0;
    {
      // Started and recorded under one lock: end_credential_processes sees
      // it, or it is never started.
      RunningCommands& running = running_commands();
      std::lock_guard lock(running.mutex);
      if (adopting && !running.ended) {
        process_tree::adopt_orphans();
        // What the commands before left is theirs, and so is what is below
        // it, which an end there may hand here later (a launcher's child);
        // the commands still running, if any, may have left some since
        // they began.
        if (running.pids.empty()) {
          const std::vector<pid_t> left = process_tree::trees_of(process_tree::adopted_children({}));
          running.spared = std::set<pid_t>(left.begin(), left.end());
        }
      }
      spawned = running.ended ? ECANCELED
                              : posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
      if (spawned == 0) running.pids.insert(pid);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned == ECANCELED) fail("not started: the program is exiting");
    if (spawned != 0) fail_to_start(spawned, "cannot run '" + argv_words[0] + "': " + std::strerror(spawned));
    out.close_write();
    const SteadyClock::time_point deadline = SteadyClock::now() + options_.timeout;
    const int pidfd = process_tree::open_pidfd(pid);
    struct ClosePidfd {
      int fd;
      ~ClosePidfd() {
        if (fd >= 0) ::close(fd);
      }
    } close_pidfd{pidfd};
    ProcessResult result;
    for (;;) {
      const Waited waited = wait_for(out.read_end, deadline, pidfd);
      // Ended by end_credential_processes: the program is exiting; the
      // command, sent SIGTERM, is not waited for.
      if (waited == Waited::Ending) fail("ended: the program is exiting");
      if (waited == Waited::TimedOut) end_overdue(pid);
      if (waited == Waited::Exited) {
        // It ended, and a process it started holds its output open. Its
        // answer is what it wrote before it exited: read, and what holds
        // the output is left alone, as anything a finished command left.
        // One that failed is done with, and so is what it left.
        if (exited_cleanly(pid))
          read_what_is_there(out.read_end, result);
        else
          end_commands(pid);
        break;
      }
      if (waited != Waited::Ready || !read_into(out.read_end, result)) break;
    }
    // Its output may end before it does (a command that closes stdout and
    // lingers): that wait has the same bound.
    if (pidfd >= 0) {
      const Waited waited = wait_for(pidfd, deadline);
      if (waited == Waited::Ending) fail("ended: the program is exiting");
      if (waited == Waited::TimedOut) end_overdue(pid);
    }
    result.status = reap(pid);
    return result;
  }

  /// Appends what one read of `fd` gives to the output; false at its end
  /// or on an error. Past kMaxOutput it keeps reading, so that the command
  /// is not stuck on a full pipe, and says the output was too long.
  static bool read_into(int fd, ProcessResult& result) {
    char buffer[8192];
    const ssize_t n = base::read_some(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    if (result.output.size() + static_cast<std::size_t>(n) > kMaxOutput)
      result.too_long = true;
    else
      result.output.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  /// What `fd` holds now, without waiting for more.
  static void read_what_is_there(int fd, ProcessResult& result) {
    for (pollfd ready{fd, POLLIN, 0}; ::poll(&ready, 1, 0) == 1 && read_into(fd, result);) {
    }
  }

  /// Waited for without the lock (it may take long), reaped under it, so
  /// that end_credential_processes never signals a process reusing the pid.
  static int reap(pid_t pid) {
    siginfo_t ended{};
    base::retry_on_eintr([&] { return waitid(P_PID, static_cast<id_t>(pid), &ended, WEXITED | WNOWAIT); });
    RunningCommands& running = running_commands();
    std::lock_guard lock(running.mutex);
    int status = 0;
    base::retry_on_eintr([&] { return waitpid(pid, &status, 0); });
    running.pids.erase(pid);
    if (adopting) process_tree::reap_adopted(running.pids, running.spared);
    return status;
  }

  /// The command ran out of time: ended with what it started, reaped, and
  /// the fetch fails. (Its pid is not reaped until then, so it cannot have
  /// been reused.)
  [[noreturn]] void end_overdue(pid_t pid) const {
    end_commands(pid);
    reap(pid);
    fail("it did not finish within " + duration_text(options_.timeout) + " (it was ended)");
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> process_provider(std::string command, std::string name,
                                                      std::chrono::milliseconds timeout) {
  return std::make_shared<ProcessProvider>(ProcessOptions{std::move(command), timeout}, std::move(name));
}

void adopt_credential_process_orphans() { adopting = true; }

void reap_credential_process_orphans() {
  if (!adopting) return;
  RunningCommands& running = running_commands();
  std::lock_guard lock(running.mutex);
  process_tree::reap_adopted(running.pids, running.spared);
}

void end_credential_processes() {
  RunningCommands& running = running_commands();
  {
    std::lock_guard lock(running.mutex);
    running.ended = true;
    // The orphans of commands that finished are left alone, as they were
    // when init adopted them (a browser a login opened, say).
    if (running.pids.empty()) return;
    if (running.ending >= 0) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const ssize_t written = ::write(running.ending, &one, sizeof one);
    }
  }
  end_commands(std::nullopt);  // a command that ignores SIGTERM is waited for
}

bool credential_processes_ended() { return running_commands().ended; }

}  // namespace sigv4
