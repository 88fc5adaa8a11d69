#include "clock_skew.hpp"

#include <cstdint>

#include <curl/curl.h>

namespace sigv4 {

std::optional<std::chrono::seconds> server_clock_offset(const std::string& date_header) {
  if (date_header.empty()) return std::nullopt;
  const time_t server_time = curl_getdate(date_header.c_str(), nullptr);
  if (server_time < 0) return std::nullopt;
  // In seconds: a Date in the year 9999 is past what a system_clock time
  // point holds (2262), and converting it first wrapped round.
  const std::chrono::seconds offset(static_cast<std::int64_t>(server_time) -
                                    std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  if (std::chrono::abs(offset) > kLargestClockOffset) return std::nullopt;
  return offset;
}

std::optional<std::chrono::seconds> significant_clock_skew(const std::string& date_header) {
  const std::optional<std::chrono::seconds> offset = server_clock_offset(date_header);
  if (!offset || std::chrono::abs(*offset) < kSkewWorthCorrecting) return std::nullopt;
  return offset;
}

}  // namespace sigv4
