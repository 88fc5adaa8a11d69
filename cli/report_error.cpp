#include "report_error.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <sstream>
#include <string_view>
#include <system_error>

#include "base/text.hpp"
#include "core/cleanup.hpp"
#include "core/error.hpp"

namespace claimcheck::cli {
namespace {

/// Defence in depth: whatever a lower layer put in its message, a password
/// in a URL (scheme://user:password@host) is never printed. A scan, not a
/// std::regex: libstdc++'s regex recurses once per character and overflowed
/// the stack on a message of 30 KB.
bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-';
}

std::string without_url_credentials(std::string_view text) {
  constexpr std::string_view kSeparator = "://";
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;
  for (std::size_t at = text.find(kSeparator); at != std::string_view::npos; at = text.find(kSeparator, at + 1)) {
    const std::size_t host = at + kSeparator.size();
    // The user part ends at the authority's last '@': a password may hold
    // one ("user:p@ss@host" showed "@ss@host").
    const std::size_t authority_end = std::min(text.find_first_of("/ \t\r\n\f\v", host), text.size());
    const std::size_t user_end = text.substr(0, authority_end).rfind('@');
    if (at == 0 || !is_scheme_char(text[at - 1]) || user_end == std::string_view::npos || user_end < host) continue;
    out.append(text.substr(done, host - done)).append("<redacted>");
    done = user_end;
  }
  return out.append(text.substr(done));
}

/// One line, whatever the message holds: control characters become spaces
/// and bytes that are not UTF-8 \xNN (a value from a file or variable).
std::string single_line(const std::string& text) {
  std::string line = base::clipped_message(base::printable_line(without_url_credentials(text)));
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

/// Whether the status line is drawn: the next line must clear it first.
std::atomic<bool> status_drawn{false};

/// One write per line (stderr is unbuffered), so lines from several threads
/// (serve's workers) never interleave.
void write_line(const std::string& line) {
  const std::string text = (status_drawn.exchange(false) ? "\r\033[K" : "") + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void print_details(const std::string& detail) {
  std::istringstream lines(detail);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) write_line("claimcheck:   " + single_line(line));
}

int report_library_error(const Error& error, int verbosity) {
  if (error.kind() == ErrorKind::ReaderGone && verbosity == 0) return exit_code(error.kind());
  std::string message = error.what_failed().empty()
                            ? error.why()
                            : error.what_failed() + ": " + error.why();
  print_error_line(message);
  if (verbosity > 0) print_details(error.detail);
  return exit_code(error.kind());
}

}  // namespace

void print_error_line(const std::string& message) { write_line("claimcheck: " + single_line(message)); }

void draw_status_text(const std::string& text) {
  const std::string drawn = "\r\033[K" + single_line(text);
  std::fwrite(drawn.data(), 1, drawn.size(), stderr);
  status_drawn = true;
}

void clear_status_text() {
  if (status_drawn.exchange(false)) std::fputs("\r\033[K", stderr);
}


int report_exception(std::exception_ptr error, int verbosity) {
  claimcheck::wait_if_exiting();  // the signal thread says why, and exits
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return report_library_error(e, verbosity);
  } catch (const std::bad_alloc&) {
    print_error_line("out of memory");
  } catch (const std::system_error& e) {
    // What std::thread throws when no thread can be had.
    if (e.code() == std::errc::resource_unavailable_try_again)
      print_error_line(std::string("cannot start a thread: ") + std::strerror(EAGAIN) + thread_limit_hint());
    else
      print_error_line(std::string("internal error: ") + e.what());
  } catch (const std::exception& e) {
    print_error_line(std::string("internal error: ") + e.what());
  } catch (...) {
    print_error_line("internal error: unknown exception");
  }
  return exit_code(ErrorKind::Internal);
}

}  // namespace claimcheck::cli
