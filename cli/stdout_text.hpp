// Text to stdout through FdSink, so a full disk or a closed pipe is an
// error (exit 1) rather than output silently lost.
#pragma once

#include <string_view>

namespace claimcheck::cli {

void print_stdout(std::string_view text);

}  // namespace claimcheck::cli
