#include "base/io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

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

bool out_of_descriptors(long error_number) { return error_number == EMFILE || error_number == ENFILE; }

std::string open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return "ulimit -n";
  return "ulimit -n " + std::to_string(limit.rlim_cur);
}

std::string open_files_limit_hint(long error_number) {
  if (error_number == ENFILE) return " (the system's limit on open files: sysctl fs.file-max)";
  if (error_number != EMFILE) return "";
  return " (the limit on open files: " + open_file_limit() + ")";
}

std::string errno_text(int error_number) {
  return std::string(std::strerror(error_number)) + open_files_limit_hint(error_number);
}

ssize_t read_some(int fd, char* buffer, std::size_t capacity) {
  for (;;) {
    const ssize_t got = retry_on_eintr([&] { return ::read(fd, buffer, capacity); });
    if (got >= 0 || !would_block() || !wait_until_ready(fd, POLLIN)) return got;
  }
}

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
  // O_NONBLOCK only for the open: a FIFO without a writer would block it.
  const int fd = retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK); });
  if (fd < 0) return std::nullopt;
  const auto fail = [fd](int error) -> std::optional<std::string> {
    ::close(fd);
    errno = error;
    return std::nullopt;
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(errno);
  if (S_ISDIR(st.st_mode)) return fail(EISDIR);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) return fail(errno);
  std::string content;
  char buffer[16384];
  for (;;) {
    const ssize_t got = read_some(fd, buffer, sizeof buffer);
    if (got < 0) return fail(errno);
    if (got == 0) break;
    if (content.size() + static_cast<std::size_t>(got) > limit) return fail(EFBIG);
    content.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return content;
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
