#include "standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace claimcheck::cli {

void reserve_standard_streams() noexcept {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free number is this one: the ones below it are open.
    const int placeholder = open("/dev/null", (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY));
    if (placeholder != -1 && placeholder != fd) close(placeholder);
  }
}

}  // namespace claimcheck::cli
