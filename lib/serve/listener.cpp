#include "serve/listener.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/io.hpp"
#include "core/error.hpp"

namespace claimcheck::serve {
namespace {

/// What serve opens once it listens: its listening socket and a duplicate,
/// the listener's wake-up, the idle connections' epoll and wake-up.
constexpr std::size_t kServerDescriptors = 5;

/// What the store needs at once for one payload at least: a local store's
/// directories as it walks down to the object, the object and its sidecar
/// (an S3 store: a socket).
constexpr std::size_t kOnePayloadDescriptors = 4;

/// How often a shortage is tried again when nothing says a place came free
/// (a connection's close does): connections wait in the kernel's queue
/// meanwhile, and a stop ends the wait at once.
constexpr int kShortageRetryMs = 100;

/// A shortage is said at most this often (else a server at its limit
/// could log ten lines a second).
constexpr std::chrono::minutes kShortageLogInterval{1};

/// Out of descriptors or memory: the process's or the system's, for now.
bool is_shortage(int error) {
  return base::out_of_descriptors(error) || error == ENOBUFS || error == ENOMEM;
}

/// Failures of the connection being accepted, not of the listening socket
/// (accept(2): Linux passes a pending network error on to accept).
bool is_connection_failure(int error) {
  switch (error) {
    case EINTR: case EAGAIN: case ECONNABORTED: case EPROTO: case EPERM: case ENETDOWN:
    case ENOPROTOOPT: case EHOSTDOWN: case ENONET: case EHOSTUNREACH: case EOPNOTSUPP:
    case ENETUNREACH: case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

/// Descriptors below the soft limit `limit` not in use: counted in
/// /proc/self/fd (0 when even that cannot be opened).
std::size_t free_descriptors(rlim_t limit) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::size_t in_use = 0;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const unsigned long fd = std::strtoul(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && fd < limit && static_cast<int>(fd) != ::dirfd(dir)) ++in_use;
  }
  ::closedir(dir);
  return limit > in_use ? static_cast<std::size_t>(limit - in_use) : 0;
}

}  // namespace

ConnectionCount::ConnectionCount() : closed_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (closed_fd_ < 0)
    throw Error(ErrorKind::Internal, "serve", "cannot create its connections' eventfd: " + base::errno_text(errno));
}

ConnectionCount::~ConnectionCount() { ::close(closed_fd_); }

void ConnectionCount::closed() {
  --open_;
  // After the count: a listener that saw the count before this close is
  // woken; one that sees it after does not wait.
  if (!others_wait_) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(closed_fd_, &one, sizeof one);
}

void ConnectionCount::read_closed() const {
  std::uint64_t count = 0;
  [[maybe_unused]] auto read = ::read(closed_fd_, &count, sizeof count);
}

Listener::Listener(int listening_fd, std::size_t max_connections, ConnectionCount& connections, LogSink log)
    : listening_fd_(listening_fd),
      max_connections_(max_connections),
      connections_(connections),
      stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      log_(std::move(log)) {
  if (stop_fd_ < 0)
    throw Error(ErrorKind::Internal, "serve", "cannot create its stop's eventfd: " + base::errno_text(errno));
}

Listener::~Listener() { ::close(stop_fd_); }

void Listener::stop() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(stop_fd_, &one, sizeof one);
}

bool Listener::wait(int fd, int timeout_ms) const {
  pollfd fds[2] = {{.fd = stop_fd_, .events = POLLIN, .revents = 0}, {.fd = fd, .events = POLLIN, .revents = 0}};
  const int count = fd < 0 ? 1 : 2;
  if (::poll(fds, count, timeout_ms) < 0 && errno != EINTR) return true;  // the accept that follows says why
  return (fds[0].revents & POLLIN) == 0;
}

bool Listener::wait_for_a_place() const {
  const bool going_on = wait(connections_.closed_fd(), kShortageRetryMs);
  connections_.read_closed();
  return going_on;
}

void Listener::short_of(const std::string& why) {
  if (in_shortage_) return;
  in_shortage_ = true;
  const auto now = std::chrono::steady_clock::now();
  shortage_said_ = !last_said_ || now - *last_said_ >= kShortageLogInterval;
  if (!shortage_said_) {
    ++shortages_unsaid_;
    return;
  }
  last_said_ = now;
  const std::string unsaid =
      shortages_unsaid_ == 0 ? "" : fmt::format(" ({} more since the last such line)", shortages_unsaid_);
  shortages_unsaid_ = 0;
  if (log_) log_("serve: " + why + "; new connections wait until others close" + unsaid);
}

void Listener::accepting() {
  if (in_shortage_ && shortage_said_ && log_) log_("serve: accepting connections again");
  in_shortage_ = false;
}

void Listener::run(const Accepted& accepted) {
  while (wait(listening_fd_, -1)) {
    if (connections_.open() >= max_connections_) {
      connections_.set_others_wait(true);
      // Read again once that is said: a close since the first read did not
      // wake the wait below, and one after this read will.
      if (connections_.open() >= max_connections_) {
        short_of(fmt::format("connections open: {}, the most the open-file limit ({}) allows with room for "
                             "their store requests",
                             max_connections_, base::open_file_limit()));
        if (!wait_for_a_place()) return;
      }
      continue;
    }
    const int fd = ::accept4(listening_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    const int error = errno;
    // Waiting ends with an accept, or a connection gone before it.
    if (fd >= 0 || is_connection_failure(error)) connections_.set_others_wait(false);
    if (fd >= 0) {
      accepting();
      accepted(fd);
      continue;
    }
    if (is_connection_failure(error)) continue;
    if (is_shortage(error)) {
      connections_.set_others_wait(true);
      short_of("cannot accept a connection: " + base::errno_text(error));
      if (!wait_for_a_place()) return;
      continue;
    }
    if (!wait(-1, 0)) return;  // the stop shut the socket down
    throw Error(ErrorKind::Internal, "serve", "accepting connections failed: " + base::errno_text(error));
  }
}

std::size_t connections_the_open_file_limit_allows() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
  const std::size_t free = free_descriptors(limit.rlim_cur);
  const std::size_t after_listening = free > kServerDescriptors ? free - kServerDescriptors : 0;
  // At the least, connections for one payload's store needs, and those needs.
  const std::size_t needed = kServerDescriptors + 2 * kOnePayloadDescriptors;
  if (free >= needed) return after_listening / 2;
  throw Error(ErrorKind::Internal, "serve",
              fmt::format("the open-file limit ({}) leaves {} descriptor{} free, and serve needs {} to "
                          "listen and answer a request",
                          base::open_file_limit(), free, free == 1 ? "" : "s", needed));
}

}  // namespace claimcheck::serve
