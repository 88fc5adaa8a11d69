#include "serve/idle_connections.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "base/io.hpp"
#include "core/error.hpp"

namespace claimcheck::serve {

IdleConnections::IdleConnections(std::function<void(std::unique_ptr<IdleConnection>)> resume)
    : resume_(std::move(resume)),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    const int error = errno;
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    throw Error(ErrorKind::Internal, "serve", "cannot create the idle connections' epoll: " + base::errno_text(error));
  }
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
  thread_ = std::thread([this] { run(); });
}

IdleConnections::~IdleConnections() {
  stop();
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

void IdleConnections::park(std::unique_ptr<IdleConnection> connection, Deadline deadline) {
  const int fd = connection->fd();
  std::lock_guard lock(mutex_);
  if (stopping_) return;  // closed as it goes out of scope
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return;  // closed
  waiting_[fd] = Waiting{std::move(connection), deadline};
  // The waiting thread's timeout may be later than this deadline.
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
}

void IdleConnections::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  std::unordered_map<int, Waiting> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(waiting_);
  }
}

int IdleConnections::close_expired() {
  const Deadline now = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<IdleConnection>> expired;  // closed outside the lock
  Deadline nearest = Deadline::max();
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->second.deadline <= now) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->first, nullptr);
        expired.push_back(std::move(it->second.connection));
        it = waiting_.erase(it);
      } else {
        nearest = std::min(nearest, it->second.deadline);
        ++it;
      }
    }
  }
  if (nearest == Deadline::max()) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(nearest - now).count();
  return static_cast<int>(std::clamp<long long>(left, 1, 60'000));
}

void IdleConnections::run() {
  std::vector<epoll_event> events(256);
  for (;;) {
    const int timeout = close_expired();
    const int ready = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    if (ready < 0 && errno != EINTR) return;
    for (int i = 0; i < std::max(ready, 0); ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        std::uint64_t count;
        [[maybe_unused]] auto drained = ::read(wake_fd_, &count, sizeof count);
        continue;
      }
      std::unique_ptr<IdleConnection> connection;
      {
        std::lock_guard lock(mutex_);
        auto it = waiting_.find(fd);
        if (it == waiting_.end()) continue;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
        connection = std::move(it->second.connection);
        waiting_.erase(it);
      }
      // The client hung up: nothing to serve (closed here, not by a worker).
      if ((events[i].events & (EPOLLHUP | EPOLLERR)) || (events[i].events & (EPOLLRDHUP | EPOLLIN)) == EPOLLRDHUP)
        continue;
      resume_(std::move(connection));
    }
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
}

}  // namespace claimcheck::serve
