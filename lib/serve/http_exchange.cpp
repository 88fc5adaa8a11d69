#include "serve/http_exchange.hpp"

#include <cstdio>

#include "base/text.hpp"
#include "config/config.hpp"

namespace claimcheck::serve {
namespace {

/// Client-facing messages stay short.
constexpr std::size_t kMaxClientMessage = 300;

/// Room kept for the "... (N more bytes)" that says what a cut left out.
constexpr std::size_t kCutMarkerRoom = 32;

bool is_escaped(char c) { return c == '"' || c == '\\'; }

/// Printable ASCII, quotes and backslashes escaped.
std::string log_safe_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_escaped(c)) out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

/// The same in at most `budget` bytes: a longer text is cut, saying how
/// many of its own bytes were left out.
std::string log_safe_text(std::string_view text, std::size_t budget) {
  std::size_t whole = 0;
  for (char c : text) whole += is_escaped(c) ? 2 : 1;
  if (whole <= budget) return log_safe_text(text);
  std::size_t kept = 0, width = 0;  // bytes of `text` kept, and their escaped width
  while (kept < text.size() && width + (is_escaped(text[kept]) ? 2 : 1) <= budget - kCutMarkerRoom)
    width += is_escaped(text[kept++]) ? 2 : 1;
  return log_safe_text(text.substr(0, kept)) + "... (" + std::to_string(text.size() - kept) + " more bytes)";
}

}  // namespace

std::string plain_text_body(std::string_view message) {
  return "claimcheck serve: " + std::string(message.substr(0, kMaxClientMessage)) + "\n";
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (base::equals_ignoring_case(key, name)) return value;
  return {};
}

std::size_t HttpRequest::header_count(std::string_view name) const {
  std::size_t count = 0;
  for (const auto& header : headers) count += base::equals_ignoring_case(header.first, name) ? 1 : 0;
  return count;
}

std::string log_safe_namespace(std::string_view ns) {
  if (ns.empty()) return "-";
  std::string out;
  for (char c : ns.substr(0, 100)) {
    out += is_namespace_character(c) ? c : '?';
  }
  return out;
}

std::string format_log_line(const RequestLog& log) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", log.ms);
  std::string line = "serve ns=" + log.ns + " route=" + log.route + " status=" + std::to_string(log.status) +
                     " payloads=" + std::to_string(log.payloads) + " in=" + std::to_string(log.bytes_in) +
                     " out=" + std::to_string(log.bytes_out) + " ms=" + ms;
  // The whole line is one message line: the error gets what is left of
  // its length, so the line's end (the closing quote) is never cut.
  const std::string opening = " error=\"";
  const std::size_t used = line.size() + opening.size() + 1;
  if (!log.error.empty() && used + kCutMarkerRoom < base::kMaxMessageBytes)
    line += opening + log_safe_text(log.error, base::kMaxMessageBytes - used) + "\"";
  return line;
}

}  // namespace claimcheck::serve
