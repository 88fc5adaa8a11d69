// base/time.hpp: RFC 3339 and the AWS forms, written and read in UTC.
// (The RFC 3339 parser's accepted and refused forms, with their reasons,
// are tested through claimcheck's parse_rfc3339 in tests/lib/core.)
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/time.hpp"

using namespace std::chrono;
using base::TimePoint;

namespace {
TimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

std::string refusal(TimePoint (*parse)(std::string_view), std::string_view text) {
  try {
    parse(text);
  } catch (const base::InvalidTimestamp& e) {
    return e.what();
  }
  return "<accepted>";
}
}  // namespace

TEST_CASE("amz_date and date_stamp format UTC, seconds truncated") {
  CHECK(base::format_amz_date(system_clock::time_point{}) == "19700101T000000Z");
  CHECK(base::format_amz_date(utc(2015, 8, 30, 12, 36, 0)) == "20150830T123600Z");
  CHECK(base::format_amz_date(utc(2024, 2, 29, 23, 59, 59) + milliseconds(999)) == "20240229T235959Z");
  CHECK(base::format_date_stamp(utc(2024, 2, 29, 23, 59, 59)) == "20240229");
  CHECK(base::format_date_stamp(utc(2099, 12, 31, 1)) == "20991231");
}

TEST_CASE("format_rfc3339_millis keeps milliseconds, floored, before and after 1970") {
  struct Case {
    TimePoint time;
    const char* text;
  };
  const std::vector<Case> cases = {
      {utc(2026, 1, 9, 13, 24, 0) + milliseconds(123), "2026-01-09T13:24:00.123Z"},
      {utc(2026, 1, 9, 13, 24, 0) + microseconds(999999), "2026-01-09T13:24:00.999Z"},
      {TimePoint{}, "1970-01-01T00:00:00.000Z"},
      {TimePoint{} - milliseconds(1), "1969-12-31T23:59:59.999Z"},
      {utc(2000, 2, 29, 23, 59, 59) + milliseconds(7), "2000-02-29T23:59:59.007Z"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(base::format_rfc3339_millis(c.time) == c.text);
    CHECK(base::parse_rfc3339(c.text) == floor<milliseconds>(c.time));
  }
}

TEST_CASE("parse_amz_date reads exactly the x-amz-date form") {
  CHECK(base::parse_amz_date("20150830T123600Z") == utc(2015, 8, 30, 12, 36, 0));
  CHECK(base::parse_amz_date("19700101T000000Z") == TimePoint{});
  CHECK(base::parse_amz_date("20240229T235959Z") == utc(2024, 2, 29, 23, 59, 59));
}

TEST_CASE("parse_amz_date refuses anything else, saying why") {
  const std::pair<const char*, const char*> refused[] = {
      {"", "year is cut short"},
      {"2015-08-30T12:36:00Z", "month must be 2 digits"},
      {"20150830T1236Z", "second is cut short"},
      {"20150830 123600Z", "expected 'T' between date and time"},
      {"20150830t123600Z", "expected 'T' between date and time"},
      {"20150830T123600", "expected 'Z' after the seconds"},
      {"20150830T123600+00:00", "expected 'Z' after the seconds"},
      {"20150830T123600Zx", "unexpected characters after the time zone"},
      {"20150230T123600Z", "2015-02-30 is not a calendar date"},
      {"20151330T123600Z", "month 13 is out of range 1..12"},
      {"20150830T240000Z", "hour 24 is out of range 0..23"},
      {"20150830T123660Z", "second 60 is out of range 0..59"},
      {"99991231T235959Z", "year is outside the supported range"},
  };
  for (const auto& [text, reason] : refused) {
    const auto& shown = text;  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(shown);
    CHECK(refusal(base::parse_amz_date, text) == std::string("\"") + text + "\": " + reason);
  }
}

TEST_CASE("a refused timestamp is quoted up to 64 characters") {
  const std::string long_text(100, '9');
  CHECK(refusal(base::parse_rfc3339, long_text) ==
        "\"" + long_text.substr(0, 64) + "\": expected '-' after the year");
}

TEST_CASE("each format reads back what it writes, to its precision") {
  for (const TimePoint t : {utc(1970, 1, 1), utc(2026, 1, 9, 13, 24, 0) + milliseconds(456),
                            utc(2261, 12, 31, 23, 59, 59), utc(1678, 1, 1, 0, 0, 1)}) {
    CAPTURE(base::format_rfc3339_millis(t));
    CHECK(base::parse_rfc3339(base::format_rfc3339(t)) == floor<seconds>(t));
    CHECK(base::parse_rfc3339(base::format_rfc3339_millis(t)) == floor<milliseconds>(t));
    CHECK(base::parse_amz_date(base::format_amz_date(t)) == floor<seconds>(t));
  }
}
