// Byte I/O loops on file descriptors: a signal arriving mid-call (EINTR) is
// retried, a short write is continued, a descriptor inherited in
// non-blocking mode (EAGAIN) is waited for. Failures come back as -1/false
// with errno set, so each caller words the error in its own terms.
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace base {

/// Calls `call()` again for as long as it fails with EINTR; returns its
/// last result (read, write, flock, getrandom...).
template <typename Call>
auto retry_on_eintr(Call&& call) {
  for (;;) {
    const auto result = call();
    if (result >= 0 || errno != EINTR) return result;
  }
}

/// EMFILE or ENFILE: this process (or the system) is out of file
/// descriptors. The limit is ours, not the file's or the server's fault.
bool out_of_descriptors(long error_number);

/// This process's limit on open files as `ulimit -n` sets it: "ulimit -n
/// 1024", or "ulimit -n" when it cannot be read or there is none.
std::string open_file_limit();

/// Which limit EMFILE or ENFILE met, with its value: " (the limit on open
/// files: ulimit -n 1024)", " (the system's limit on open files: sysctl
/// fs.file-max)"; else "".
std::string open_files_limit_hint(long error_number);

/// strerror(error_number), and at the open-file limit which limit it is:
/// "Too many open files (the limit on open files: ulimit -n 1024)".
std::string errno_text(int error_number);

/// Up to `capacity` bytes; 0 at end of file; -1 with errno on failure.
ssize_t read_some(int fd, char* buffer, std::size_t capacity);

/// The most read_small_file reads: far above any real config, credentials or
/// token file, far below what a path such as /dev/zero would fill memory with.
constexpr std::size_t kSmallFileLimit = 1u << 20;

/// The whole of a small file a setting names (a config or credentials file,
/// a token): nullopt with errno set on failure, EFBIG past `limit` bytes (a
/// path such as /dev/zero would otherwise fill memory), EISDIR for a
/// directory. A FIFO nobody writes to reads as empty instead of blocking the
/// open for ever; a pipe (`<(...)`) is read to its end.
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit);

/// All `size` bytes, or false with errno set (EPIPE when the reader is gone).
bool write_all(int fd, const char* data, std::size_t size);

/// Moves everything from `read(buffer, capacity) -> size_t` (0 at the end)
/// to `write(data, size)` through one buffer; returns the byte count. The
/// buffer is not zero-filled: only the pages reads fill are ever touched.
template <typename Read, typename Write>
std::uint64_t copy_all(Read&& read, Write&& write, std::size_t buffer_size = 64u << 10) {
  if (buffer_size == 0) buffer_size = 1;
  const std::unique_ptr<char[]> buffer(new char[buffer_size]);
  std::uint64_t total = 0;
  while (const std::size_t n = read(buffer.get(), buffer_size)) {
    write(buffer.get(), n);
    total += n;
  }
  return total;
}

}  // namespace base
