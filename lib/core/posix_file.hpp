// Small POSIX helpers shared by the spool and the staged outputs: an owned
// file descriptor, complete writes, and errno turned into claimcheck::Error.
#pragma once

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace claimcheck {

/// Owns a file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() noexcept;
  /// Closes now; returns false when close() reported an error.
  bool reset() noexcept;

 private:
  int fd_ = -1;
};

/// Error(Internal) from the current errno: "<what>: <strerror>".
Error errno_error(const std::string& what);

/// The kind of failing to open or create a path the user named (a file
/// argument, -o, TMPDIR, a configured directory): Usage when the path itself
/// is wrong (missing, not a directory, no permission, read-only), Internal
/// when the system fails (disk full, I/O error, out of descriptors).
ErrorKind path_error_kind(int error_number);

/// A path as messages show it: '' for an empty one ("open : ..." reads as a
/// line cut short).
inline std::string shown_path(const std::string& path) { return path.empty() ? "''" : path; }

/// Error(path_error_kind(errno)) from the current errno: "<what>: <strerror>".
Error path_error(const std::string& what);

/// Writes all of `data` (base::write_all); a failure is errno_error(what).
void write_all(int fd, const char* data, std::size_t size, const std::string& what);

/// $TMPDIR, else /tmp.
std::string temp_directory();

/// Creates a temp file in `directory` and unlinks it at
/// once, so it disappears with the descriptor whatever happens.
UniqueFd anonymous_temp_file(const std::string& directory);

}  // namespace claimcheck
