#include "base/io.hpp"

#include <poll.h>
#include <unistd.h>

namespace base {
namespace {

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK; }

/// A descriptor inherited in non-blocking mode (it happens with some parent
/// processes) answers EAGAIN; wait until it is ready instead of failing.
bool wait_until_ready(int fd, short events) {
  pollfd entry{fd, events, 0};
  return retry_on_eintr([&] { return ::poll(&entry, 1, -1); }) >= 0;
}

}  // namespace

ssize_t read_some(int fd, char* buffer, std::size_t capacity) {
  for (;;) {
    const ssize_t got = retry_on_eintr([&] { return ::read(fd, buffer, capacity); });
    if (got >= 0 || !would_block() || !wait_until_ready(fd, POLLIN)) return got;
  }
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t put = retry_on_eintr([&] { return ::write(fd, data, size); });
    if (put < 0) {
      if (would_block() && wait_until_ready(fd, POLLOUT)) continue;
      return false;
    }
    data += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

}  // namespace base
