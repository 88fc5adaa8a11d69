#include "core/posix_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/io.hpp"

namespace claimcheck {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int UniqueFd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

bool UniqueFd::reset() noexcept {
  if (fd_ < 0) return true;
  int rc = ::close(fd_);
  fd_ = -1;
  return rc == 0;
}

Error errno_error(const std::string& what) {
  const int error_number = errno;
  return Error(ErrorKind::Internal, what, base::errno_text(error_number));
}

ErrorKind path_error_kind(int error_number) {
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EEXIST:  // a file where a directory must be made
    case EACCES:
    case EPERM:
    case EROFS:
    case ELOOP:
    case ENAMETOOLONG:
    case ENXIO:
      return ErrorKind::Usage;
    default:
      return ErrorKind::Internal;
  }
}

Error path_error(const std::string& what) {
  const int error_number = errno;
  return Error(path_error_kind(error_number), what, base::errno_text(error_number));
}

void write_all(int fd, const char* data, std::size_t size, const std::string& what) {
  if (!base::write_all(fd, data, size)) throw errno_error(what);
}

std::string temp_directory() {
  const char* dir = std::getenv("TMPDIR");
  return (dir != nullptr && *dir != '\0') ? dir : "/tmp";
}

UniqueFd anonymous_temp_file(const std::string& directory) {
  std::string pattern = directory + "/claimcheck-spool-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd.valid()) throw path_error("create temp file in " + directory);
  ::unlink(name.data());
  return fd;
}

}  // namespace claimcheck
