// Keys in claimcheck's layout and foreign keys, for gc/stats tests.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include "reference/reference.hpp"

namespace claimcheck::test {

using namespace std::chrono_literals;
constexpr auto kDay = std::chrono::hours(24);

inline TimePoint at(const char* rfc3339) { return parse_rfc3339(rfc3339); }

/// A UUID v4 shape that differs by `n`.
inline std::string uuid_for(unsigned n) { return fmt::format("5d3f1a2b-0c4e-4f6a-8b9c-{:012x}", n); }

/// `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`, the date and time being the expiry.
inline std::string layout_key(const std::string& prefix, TimePoint expires, unsigned n) {
  const std::time_t t = std::chrono::system_clock::to_time_t(expires);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{}{:04}-{:02}-{:02}/{:02}{:02}{:02}Z-{}", prefix, utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, uuid_for(n));
}

/// The Go runner's bare UUID key under a prefix (no expiry in it).
inline std::string foreign_key(const std::string& prefix, unsigned n) { return prefix + uuid_for(n); }

}  // namespace claimcheck::test
