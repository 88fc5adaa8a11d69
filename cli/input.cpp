#include "input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/posix_file.hpp"

namespace claimcheck::cli {

Input::Input(const std::string& path) {
  const std::string shown = shown_path(path);
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw path_error("open " + shown);
    owned_ = true;
  }
  struct stat info {};
  if (::fstat(fd_, &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      if (owned_) ::close(fd_);
      throw Error(ErrorKind::Usage, "open " + shown, "is a directory");
    }
    if (S_ISREG(info.st_mode)) size_hint_ = static_cast<std::uint64_t>(info.st_size);
  }
  source_ = std::make_unique<FdSource>(fd_, path == "-" ? "stdin" : path);
}

Input::~Input() {
  if (owned_) ::close(fd_);
}

std::string Input::read_all() {
  std::string text;
  char buffer[1 << 16];
  while (std::size_t n = source_->read(buffer, sizeof buffer)) text.append(buffer, n);
  return text;
}

}  // namespace claimcheck::cli
