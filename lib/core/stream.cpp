// File-descriptor and in-memory streams. EINTR is retried, short writes are
// continued, and every failure becomes one claimcheck::Error naming the stream.
#include "core/stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <unistd.h>

#include "core/error.hpp"

namespace claimcheck {

namespace {
std::string system_reason(int error_number) { return std::strerror(error_number); }

/// A descriptor inherited in non-blocking mode (it happens with some parent
/// processes) answers EAGAIN; wait until it is ready instead of failing.
bool wait_until_ready(int fd, short events) {
  pollfd entry{fd, events, 0};
  for (;;) {
    const int ready = ::poll(&entry, 1, -1);
    if (ready >= 0) return true;
    if (errno != EINTR) return false;
  }
}

bool would_block(int error_number) { return error_number == EAGAIN || error_number == EWOULDBLOCK; }
}  // namespace

std::size_t FdSource::read(char* buffer, std::size_t capacity) {
  for (;;) {
    const ssize_t got = ::read(fd_, buffer, capacity);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (would_block(errno) && wait_until_ready(fd_, POLLIN)) continue;
    throw Error(ErrorKind::Internal, "cannot read " + name_, system_reason(errno));
  }
}

void FdSink::write(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t put = ::write(fd_, data, size);
    if (put < 0) {
      if (errno == EINTR) continue;
      if (would_block(errno) && wait_until_ready(fd_, POLLOUT)) continue;
      // The CLI ignores SIGPIPE so that EPIPE arrives here and the caller
      // can clean up (temp files, multipart uploads) before exiting.
      if (errno == EPIPE) throw Error(ErrorKind::ReaderGone, "cannot write " + name_, system_reason(errno));
      throw Error(ErrorKind::Internal, "cannot write " + name_, system_reason(errno));
    }
    data += put;
    size -= static_cast<std::size_t>(put);
  }
}

std::size_t ViewSource::read(char* buffer, std::size_t capacity) {
  const std::size_t n = std::min(capacity, data_.size() - offset_);
  std::memcpy(buffer, data_.data() + offset_, n);
  offset_ += n;
  return n;
}

}  // namespace claimcheck
