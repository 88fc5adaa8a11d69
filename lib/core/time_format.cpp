// RFC 3339 timestamps. Written as UTC whole seconds with "Z" (what the Go
// runner writes); read with fractional seconds and numeric offsets, and with
// the calendar checked (no February 30th), because references are untrusted.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/error.hpp"
#include "reference/reference.hpp"

namespace claimcheck {

namespace chr = std::chrono;

std::string format_rfc3339(TimePoint t) {
  const auto seconds = chr::floor<chr::seconds>(t);
  const auto days = chr::floor<chr::days>(seconds);
  const chr::year_month_day date{days};
  const chr::hh_mm_ss time{seconds - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

namespace {

[[noreturn]] void bad_timestamp(std::string_view text, const std::string& reason) {
  throw Error(ErrorKind::InvalidInput, "invalid timestamp",
              fmt::format("\"{}\": {}", text.substr(0, 64), reason));
}

/// A cursor over the text that reads fixed-width fields.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  int digits(std::size_t count, const char* field) {
    if (pos_ + count > text_.size()) bad_timestamp(text_, fmt::format("{} is cut short", field));
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') bad_timestamp(text_, fmt::format("{} must be {} digits", field, count));
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  void expect(std::string_view accepted, const char* where) {
    if (pos_ >= text_.size() || accepted.find(text_[pos_]) == std::string_view::npos)
      bad_timestamp(text_, fmt::format("expected '{}' {}", accepted.substr(0, 1), where));
    ++pos_;
  }

  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_end() const { return pos_ == text_.size(); }
  void skip() { ++pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

void check_range(std::string_view text, int value, int low, int high, const char* field) {
  if (value < low || value > high)
    bad_timestamp(text, fmt::format("{} {} is out of range {}..{}", field, value, low, high));
}

/// ".123456789" -> nanoseconds; digits beyond nanoseconds are dropped.
chr::nanoseconds fraction(Reader& in, std::string_view text) {
  if (!in.peek('.')) return {};
  in.skip();
  std::int64_t nanos = 0;
  int count = 0;
  while (!in.at_end() && !in.peek('Z') && !in.peek('z') && !in.peek('+') && !in.peek('-')) {
    const int digit = in.digits(1, "fractional second");
    if (count++ < 9) nanos = nanos * 10 + digit;
  }
  if (count == 0) bad_timestamp(text, "fractional second has no digits");
  for (int i = count; i < 9; ++i) nanos *= 10;
  return chr::nanoseconds{nanos};
}

/// "Z" -> 0; "+05:30" -> 5h30m (local time is ahead of UTC).
chr::minutes utc_offset(Reader& in, std::string_view text) {
  if (in.peek('Z') || in.peek('z')) {
    in.skip();
    return {};
  }
  const bool ahead = in.peek('+');
  in.expect("+-", "(time zone: Z or +HH:MM) after the seconds");
  const int hours = in.digits(2, "offset hour");
  in.expect(":", "in the offset");
  const int minutes = in.digits(2, "offset minute");
  check_range(text, hours, 0, 23, "offset hour");
  check_range(text, minutes, 0, 59, "offset minute");
  const chr::minutes offset = chr::hours{hours} + chr::minutes{minutes};
  return ahead ? offset : -offset;
}

chr::sys_days calendar_date(Reader& in, std::string_view text) {
  const int year = in.digits(4, "year");
  in.expect("-", "after the year");
  const int month = in.digits(2, "month");
  in.expect("-", "after the month");
  const int day = in.digits(2, "day");
  check_range(text, month, 1, 12, "month");
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  if (!date.ok()) bad_timestamp(text, fmt::format("{:04}-{:02}-{:02} is not a calendar date", year, month, day));
  return chr::sys_days{date};
}

chr::seconds time_of_day(Reader& in, std::string_view text) {
  const int hour = in.digits(2, "hour");
  in.expect(":", "after the hour");
  const int minute = in.digits(2, "minute");
  in.expect(":", "after the minute");
  const int second = in.digits(2, "second");
  check_range(text, hour, 0, 23, "hour");
  check_range(text, minute, 0, 59, "minute");
  // A leap second (60) cannot be represented by system_clock; refuse it.
  check_range(text, second, 0, 59, "second");
  return chr::hours{hour} + chr::minutes{minute} + chr::seconds{second};
}

}  // namespace

TimePoint parse_rfc3339(std::string_view text) {
  Reader in(text);
  const chr::sys_days date = calendar_date(in, text);
  in.expect("Tt", "between date and time");
  const chr::seconds time = time_of_day(in, text);
  const chr::nanoseconds sub_second = fraction(in, text);
  const chr::minutes offset = utc_offset(in, text);
  if (!in.at_end()) bad_timestamp(text, "unexpected characters after the time zone");

  const chr::sys_seconds utc = date + time - offset;
  // system_clock counts nanoseconds in 64 bits: about 1678..2261.
  constexpr auto latest = chr::floor<chr::seconds>(TimePoint::max());
  constexpr auto earliest = chr::ceil<chr::seconds>(TimePoint::min());
  if (utc.time_since_epoch() >= latest.time_since_epoch() ||
      utc.time_since_epoch() <= earliest.time_since_epoch())
    bad_timestamp(text, "year is outside the supported range");
  return chr::time_point_cast<TimePoint::duration>(utc) + sub_second;
}

}  // namespace claimcheck
