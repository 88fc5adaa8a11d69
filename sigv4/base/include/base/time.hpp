// The timestamp formats claimcheck reads and writes, all in UTC and computed
// from the calendar (no gmtime/timegm, no process time zone):
//   RFC 3339   2026-01-09T13:24:00Z, 2026-01-09T13:24:00.123Z (references,
//              keys, the journal, S3 listings' LastModified)
//   AWS        20260109T132400Z (x-amz-date) and 20260109 (the scope date)
// Parsers check digits, ranges and the calendar (no February 30th), because
// the text comes from untrusted references and servers.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace base {

using TimePoint = std::chrono::system_clock::time_point;

/// A timestamp a parser refused; what() is "\"<text>\": <reason>".
class InvalidTimestamp : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A well-formed timestamp that TimePoint (64-bit nanoseconds) cannot hold.
class UnrepresentableTimestamp : public InvalidTimestamp {
 public:
  using InvalidTimestamp::InvalidTimestamp;
};

/// The years TimePoint can hold, for messages: "is outside " + kClockRange.
inline constexpr std::string_view kClockRange = "what the clock can represent (years 1678 to 2262)";

/// UTC whole seconds with "Z" (what the Go runner writes); sub-seconds dropped.
std::string format_rfc3339(TimePoint t);
/// UTC with milliseconds: 2026-01-09T13:24:00.123Z.
std::string format_rfc3339_millis(TimePoint t);
/// RFC 3339 with optional fraction (digits beyond nanoseconds dropped),
/// "Z" or a numeric offset, 't'/'z' in either case. Throws InvalidTimestamp.
TimePoint parse_rfc3339(std::string_view text);

/// x-amz-date: 20260109T132400Z; sub-seconds dropped.
std::string format_amz_date(TimePoint t);
/// The SigV4 scope date: 20260109.
std::string format_date_stamp(TimePoint t);
/// Exactly the x-amz-date form. Throws InvalidTimestamp.
TimePoint parse_amz_date(std::string_view text);

}  // namespace base
