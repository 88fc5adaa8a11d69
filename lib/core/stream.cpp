// File-descriptor and in-memory streams. The descriptor loops are base/io.hpp's
// (EINTR retried, short writes continued, EAGAIN waited out); every failure
// becomes one claimcheck::Error naming the stream.
#include "core/stream.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/io.hpp"
#include "core/error.hpp"

namespace claimcheck {

namespace {
std::string system_reason(int error_number) { return std::strerror(error_number); }
}  // namespace

std::size_t FdSource::read(char* buffer, std::size_t capacity) {
  const ssize_t got = base::read_some(fd_, buffer, capacity);
  if (got < 0) throw Error(ErrorKind::Internal, "cannot read " + name_, system_reason(errno));
  return static_cast<std::size_t>(got);
}

void FdSink::write(const char* data, std::size_t size) {
  if (base::write_all(fd_, data, size)) return;
  // The CLI ignores SIGPIPE so that EPIPE arrives here and the caller
  // can clean up (temp files, multipart uploads) before exiting.
  if (errno == EPIPE) throw Error(ErrorKind::ReaderGone, "cannot write " + name_, system_reason(errno));
  throw Error(ErrorKind::Internal, "cannot write " + name_, system_reason(errno));
}

void FdSink::wait_until_writable() {
  // Only a pipe, a socket or a terminal (stopped by ^S) has room that a
  // reader makes. Another character device's poll is its driver's:
  // /dev/random never says POLLOUT, and retrieve -o /dev/random waited for
  // ever after its last byte.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) && !::isatty(fd_)) return;
  pollfd ready{.fd = fd_, .events = POLLOUT, .revents = 0};
  // An error or hang-up shows as readiness: the write that follows reports it.
  while (::poll(&ready, 1, -1) < 0 && errno == EINTR) {
  }
}

std::uint64_t copy_all(ByteSource& source, ByteSink& sink) {
  return base::copy_all([&](char* buffer, std::size_t capacity) { return source.read(buffer, capacity); },
                        [&](const char* data, std::size_t size) { sink.write(data, size); });
}

std::size_t ViewSource::read(char* buffer, std::size_t capacity) {
  const std::size_t n = std::min(capacity, data_.size() - offset_);
  std::memcpy(buffer, data_.data() + offset_, n);
  offset_ += n;
  return n;
}

}  // namespace claimcheck
