#include "base/time.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

namespace base {
namespace chr = std::chrono;

namespace {

struct UtcFields {
  long year, month, day, hours, minutes, seconds, millis;
};

UtcFields utc_fields(TimePoint t) {
  const auto millis = chr::floor<chr::milliseconds>(t);
  const auto seconds = chr::floor<chr::seconds>(millis);
  const auto days = chr::floor<chr::days>(seconds);
  const chr::year_month_day date{days};
  const chr::hh_mm_ss time{seconds - days};
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
          static_cast<long>(time.minutes().count()), static_cast<long>(time.seconds().count()),
          static_cast<long>((millis - seconds).count())};
}

/// `value` in decimal, zero-padded to `width` digits.
std::string padded(long value, int width) {
  char text[24];
  std::snprintf(text, sizeof text, "%0*ld", width, value);
  return text;
}

std::string date_part(const UtcFields& f, std::string_view separator) {
  return padded(f.year, 4) + std::string(separator) + padded(f.month, 2) + std::string(separator) +
         padded(f.day, 2);
}

std::string time_part(const UtcFields& f, std::string_view separator) {
  return padded(f.hours, 2) + std::string(separator) + padded(f.minutes, 2) + std::string(separator) +
         padded(f.seconds, 2);
}

[[noreturn]] void bad_timestamp(std::string_view text, const std::string& reason) {
  throw InvalidTimestamp("\"" + std::string(text.substr(0, 64)) + "\": " + reason);
}

/// A cursor over the text that reads fixed-width fields.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  int digits(std::size_t count, const std::string& field) {
    if (pos_ + count > text_.size()) bad_timestamp(text_, field + " is cut short");
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9')
        bad_timestamp(text_, field + " must be " + std::to_string(count) + " digits");
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  void expect(std::string_view accepted, const std::string& where) {
    if (pos_ >= text_.size() || accepted.find(text_[pos_]) == std::string_view::npos)
      bad_timestamp(text_, "expected '" + std::string(accepted.substr(0, 1)) + "' " + where);
    ++pos_;
  }

  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_end() const { return pos_ == text_.size(); }
  void skip() { ++pos_; }
  std::string_view text() const { return text_; }

  void check_range(int value, int low, int high, const std::string& field) const {
    if (value < low || value > high)
      bad_timestamp(text_, field + " " + std::to_string(value) + " is out of range " +
                               std::to_string(low) + ".." + std::to_string(high));
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct Field {
  std::size_t width;
  const char* name;
};

/// Three numbers with `separator` between them ("2026-01-09", "13:24:00"),
/// or none (the AWS forms "20260109", "132400").
std::array<int, 3> three_fields(Reader& in, const std::array<Field, 3>& fields, std::string_view separator) {
  std::array<int, 3> values{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0 && !separator.empty()) in.expect(separator, std::string("after the ") + fields[i - 1].name);
    values[i] = in.digits(fields[i].width, fields[i].name);
  }
  return values;
}

/// YYYY-MM-DD or YYYYMMDD, checked against the calendar.
chr::sys_days calendar_date(Reader& in, std::string_view separator) {
  const auto [year, month, day] = three_fields(in, {{{4, "year"}, {2, "month"}, {2, "day"}}}, separator);
  in.check_range(month, 1, 12, "month");
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%04d-%02d-%02d", year, month, day);
    bad_timestamp(in.text(), std::string(shown) + " is not a calendar date");
  }
  return chr::sys_days{date};
}

/// HH:MM:SS or HHMMSS.
chr::seconds time_of_day(Reader& in, std::string_view separator) {
  const auto [hour, minute, second] =
      three_fields(in, {{{2, "hour"}, {2, "minute"}, {2, "second"}}}, separator);
  in.check_range(hour, 0, 23, "hour");
  in.check_range(minute, 0, 59, "minute");
  // A leap second (60) cannot be represented by system_clock; refuse it.
  in.check_range(second, 0, 59, "second");
  return chr::hours{hour} + chr::minutes{minute} + chr::seconds{second};
}

/// ".123456789" -> nanoseconds; digits beyond nanoseconds are dropped.
chr::nanoseconds fraction(Reader& in) {
  if (!in.peek('.')) return {};
  in.skip();
  std::int64_t nanos = 0;
  int count = 0;
  while (!in.at_end() && !in.peek('Z') && !in.peek('z') && !in.peek('+') && !in.peek('-')) {
    const int digit = in.digits(1, "fractional second");
    if (count++ < 9) nanos = nanos * 10 + digit;
  }
  if (count == 0) bad_timestamp(in.text(), "fractional second has no digits");
  for (int i = count; i < 9; ++i) nanos *= 10;
  return chr::nanoseconds{nanos};
}

/// "Z" -> 0; "+05:30" -> 5h30m (local time is ahead of UTC).
chr::minutes utc_offset(Reader& in) {
  if (in.peek('Z') || in.peek('z')) {
    in.skip();
    return {};
  }
  const bool ahead = in.peek('+');
  in.expect("+-", "(time zone: Z or +HH:MM) after the seconds");
  const int hours = in.digits(2, "offset hour");
  in.expect(":", "in the offset");
  const int minutes = in.digits(2, "offset minute");
  in.check_range(hours, 0, 23, "offset hour");
  in.check_range(minutes, 0, 59, "offset minute");
  const chr::minutes offset = chr::hours{hours} + chr::minutes{minutes};
  return ahead ? offset : -offset;
}

/// system_clock counts nanoseconds in 64 bits: about 1678..2261.
TimePoint representable(chr::sys_seconds utc, std::string_view text) {
  constexpr auto latest = chr::floor<chr::seconds>(TimePoint::max());
  constexpr auto earliest = chr::ceil<chr::seconds>(TimePoint::min());
  if (utc.time_since_epoch() >= latest.time_since_epoch() ||
      utc.time_since_epoch() <= earliest.time_since_epoch())
    throw UnrepresentableTimestamp("\"" + std::string(text.substr(0, 64)) + "\": year is outside the supported range");
  return chr::time_point_cast<TimePoint::duration>(utc);
}

}  // namespace

std::string format_rfc3339(TimePoint t) {
  const UtcFields f = utc_fields(t);
  return date_part(f, "-") + 'T' + time_part(f, ":") + 'Z';
}

std::string format_rfc3339_millis(TimePoint t) {
  const UtcFields f = utc_fields(t);
  return date_part(f, "-") + 'T' + time_part(f, ":") + '.' + padded(f.millis, 3) + 'Z';
}

TimePoint parse_rfc3339(std::string_view text) {
  Reader in(text);
  const chr::sys_days date = calendar_date(in, "-");
  in.expect("Tt", "between date and time");
  const chr::seconds time = time_of_day(in, ":");
  const chr::nanoseconds sub_second = fraction(in);
  const chr::minutes offset = utc_offset(in);
  if (!in.at_end()) bad_timestamp(text, "unexpected characters after the time zone");
  return representable(date + time - offset, text) + sub_second;
}

std::string format_amz_date(TimePoint t) {
  const UtcFields f = utc_fields(t);
  return date_part(f, "") + 'T' + time_part(f, "") + 'Z';
}

std::string format_date_stamp(TimePoint t) { return format_amz_date(t).substr(0, 8); }

TimePoint parse_amz_date(std::string_view text) {
  Reader in(text);
  const chr::sys_days date = calendar_date(in, "");
  in.expect("T", "between date and time");
  const chr::seconds time = time_of_day(in, "");
  in.expect("Z", "after the seconds");
  if (!in.at_end()) bad_timestamp(text, "unexpected characters after the time zone");
  return representable(date + time, text);
}

}  // namespace base
