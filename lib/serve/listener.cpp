#include "serve/listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "base/io.hpp"
#include "core/error.hpp"

namespace claimcheck::serve {
namespace {

/// What serve opens from binding on (its listening socket and a duplicate,
/// the listener's and the idle connections' wake-ups and epoll: 5), and the
/// least one request takes (its connection, and a file or socket of the
/// store: 2).
constexpr std::size_t kDescriptorsToServe = 7;

/// How often a shortage is tried again: connections wait in the kernel's
/// queue meanwhile, and a stop ends the wait at once.
constexpr int kShortageRetryMs = 100;

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

}  // namespace

Listener::Listener(int listening_fd, LogSink log)
    : listening_fd_(listening_fd), stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), log_(std::move(log)) {
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

void Listener::run(const Accepted& accepted) {
  bool short_of_resources = false;  // said once for each shortage
  while (wait(listening_fd_, -1)) {
    const int fd = ::accept4(listening_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      if (short_of_resources && log_) log_("serve: accepting connections again");
      short_of_resources = false;
      accepted(fd);
      continue;
    }
    const int error = errno;
    if (is_connection_failure(error)) continue;
    if (is_shortage(error)) {
      if (!short_of_resources && log_)
        log_("serve: cannot accept a connection: " + base::errno_text(error) +
             "; new connections wait until others close");
      short_of_resources = true;
      if (!wait(-1, kShortageRetryMs)) return;
      continue;
    }
    if (!wait(-1, 0)) return;  // the stop shut the socket down
    throw Error(ErrorKind::Internal, "serve", "accepting connections failed: " + base::errno_text(error));
  }
}

void require_descriptors_to_serve() {
  std::vector<int> opened;
  while (opened.size() < kDescriptorsToServe) {
    const int fd = ::open("/", O_PATH | O_CLOEXEC);
    if (fd < 0) break;
    opened.push_back(fd);
  }
  const int error = errno;
  for (int fd : opened) ::close(fd);
  if (opened.size() == kDescriptorsToServe) return;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  throw Error(ErrorKind::Internal, "serve",
              "the open-file limit (ulimit -n " + std::to_string(limit.rlim_cur) + ") leaves " +
                  std::to_string(opened.size()) + " descriptors free, and serve needs " +
                  std::to_string(kDescriptorsToServe) + " to listen and answer a request" +
                  (base::out_of_descriptors(error) ? "" : ": " + base::errno_text(error)));
}

}  // namespace claimcheck::serve
