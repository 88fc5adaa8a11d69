// The one sanitising reporter: every byte claimcheck writes to stderr goes
// through here (errors, warnings, -v notes and traces, serve's request log,
// the interrupt notice, the terminal status line, the usage text), so no line
// carries a control character or a password from a URL.
#pragma once

#include <exception>
#include <string>

namespace claimcheck::cli {

/// Prints `claimcheck: <what failed>: <why>` (plus detail lines with -v)
/// and returns the documented exit code for `error`.
int report_exception(std::exception_ptr error, int verbosity);

/// Prints `claimcheck: <message>` on one line (newlines flattened). Any line,
/// not only errors: callers write "warning: ..." or a -v note as the message.
/// Clears the terminal status line first. Safe from any thread.
void print_error_line(const std::string& message);

/// Draws the terminal status line in place (no newline), sanitised like a
/// line; terminal_status.hpp decides when.
void draw_status_text(const std::string& text);
/// Clears the status line, if drawn.
void clear_status_text();


}  // namespace claimcheck::cli
