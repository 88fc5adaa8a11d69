#include "stdout_text.hpp"

#include <unistd.h>

#include "core/stream.hpp"

namespace claimcheck::cli {

void print_stdout(std::string_view text) {
  FdSink out(STDOUT_FILENO);
  out.write(text.data(), text.size());
}

}  // namespace claimcheck::cli
