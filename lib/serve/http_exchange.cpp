#include "serve/http_exchange.hpp"

#include <cstdio>

#include "base/text.hpp"
#include "config/config.hpp"

namespace claimcheck::serve {
namespace {

/// Printable ASCII, quotes and backslashes escaped, cut as an error line is.
std::string log_safe_text(std::string_view text) {
  std::string out;
  for (char c : base::clipped_message(std::string(text))) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace

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
  if (!log.error.empty()) line += " error=\"" + log_safe_text(log.error) + "\"";
  return line;
}

}  // namespace claimcheck::serve
