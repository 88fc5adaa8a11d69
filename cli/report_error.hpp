// Turns whatever a command threw into ONE line on stderr and an exit code.
#pragma once

#include <exception>
#include <string>

namespace claimcheck::cli {

/// Prints `claimcheck: <what failed>: <why>` (plus detail lines with -v)
/// and returns the documented exit code for `error`.
int report_exception(std::exception_ptr error, int verbosity);

/// Prints `claimcheck: <message>` on one line (newlines flattened).
void print_error_line(const std::string& message);

}  // namespace claimcheck::cli
