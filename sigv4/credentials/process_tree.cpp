#include "process_tree.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <mutex>
#include <string>

namespace sigv4::process_tree {
namespace {

/// The children of `pid`, from each of its threads (a child belongs to the
/// thread that started it); false where /proc could not be read.
bool read_children(pid_t pid, std::vector<pid_t>& into) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return false;
  while (const dirent* task = ::readdir(dir)) {
    if (task->d_name[0] == '.') continue;
    std::ifstream children(tasks + "/" + task->d_name + "/children");
    for (pid_t child; children >> child;) into.push_back(child);
  }
  ::closedir(dir);
  return true;
}

/// Whether `pid` is in this process's group (see trees_of).
bool in_this_group(pid_t pid) { return ::getpgid(pid) == ::getpgrp(); }

/// Appends every process below the ones in `tree` from `next` on, but for
/// those in another group.
void add_descendants(std::vector<pid_t>& tree, std::size_t next) {
  for (; next < tree.size(); ++next) {
    std::vector<pid_t> children;
    read_children(tree[next], children);
    for (const pid_t child : children)
      if (in_this_group(child)) tree.push_back(child);
  }
}

}  // namespace

int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

void adopt_orphans() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

std::vector<pid_t> trees_of(const std::set<pid_t>& roots) {
  std::vector<pid_t> found(roots.begin(), roots.end());
  add_descendants(found, 0);
  return found;
}

std::set<pid_t> adopted_children(const std::set<pid_t>& commands) {
  std::vector<pid_t> own;
  read_children(::getpid(), own);
  std::set<pid_t> adopted;
  for (const pid_t child : own)
    if (!commands.contains(child)) adopted.insert(child);
  return adopted;
}

void add_adopted_orphans(std::vector<pid_t>& found, const std::set<pid_t>& not_theirs) {
  const std::size_t orphans_from = found.size();
  for (const pid_t child : adopted_children(not_theirs))
    if (in_this_group(child) && std::find(found.begin(), found.end(), child) == found.end())
      found.push_back(child);
  add_descendants(found, orphans_from);
}

Ending::Ending(const std::vector<pid_t>& processes) {
  for (const pid_t pid : processes) {
    const int pidfd = open_pidfd(pid);
    if (pidfd < 0 && errno == ESRCH) continue;  // gone already
    members_.push_back({pid, pidfd, false});
  }
}

Ending::~Ending() {
  for (const Member& member : members_)
    if (member.pidfd >= 0) ::close(member.pidfd);
}

void Ending::signal(int number) const {
  for (const Member& member : members_) {
    if (member.ended) continue;
    if (member.pidfd >= 0)
      ::syscall(SYS_pidfd_send_signal, member.pidfd, number, nullptr, 0);
    else
      ::kill(member.pid, number);
  }
}

bool Ending::wait(std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (;;) {
    std::vector<pollfd> running;
    std::vector<Member*> owners;
    for (Member& member : members_) {
      if (member.ended) continue;
      if (member.pidfd < 0) return false;  // no way to know when it ends
      running.push_back({member.pidfd, POLLIN, 0});
      owners.push_back(&member);
    }
    if (running.empty()) return true;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    const int polled = ::poll(running.data(), running.size(), static_cast<int>(left));
    if (polled < 0 && errno != EINTR) return false;
    for (std::size_t i = 0; polled > 0 && i < running.size(); ++i)
      if (running[i].revents != 0) owners[i]->ended = true;
  }
}

void end(const std::function<std::vector<pid_t>()>& find, std::chrono::milliseconds grace) {
  Ending first(find());
  first.signal(SIGTERM);
  if (first.wait(grace)) return;
  first.signal(SIGKILL);
  Ending(find()).signal(SIGKILL);
}

void reap_adopted(const std::set<pid_t>& commands, std::set<pid_t>& spared) {
  for (const pid_t child : adopted_children(commands))
    if (::waitpid(child, nullptr, WNOHANG) == child) spared.erase(child);
}

}  // namespace sigv4::process_tree
