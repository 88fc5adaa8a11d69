#include "clock_skew.hpp"

#include <curl/curl.h>

namespace sigv4 {

std::optional<std::chrono::seconds> server_clock_offset(const std::string& date_header) {
  if (date_header.empty()) return std::nullopt;
  const time_t server_time = curl_getdate(date_header.c_str(), nullptr);
  if (server_time < 0) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::from_time_t(server_time) -
                                                          std::chrono::system_clock::now());
}

std::optional<std::chrono::seconds> significant_clock_skew(const std::string& date_header) {
  const std::optional<std::chrono::seconds> offset = server_clock_offset(date_header);
  if (!offset || std::chrono::abs(*offset) < kSkewWorthCorrecting) return std::nullopt;
  return offset;
}

}  // namespace sigv4
