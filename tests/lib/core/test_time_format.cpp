// RFC 3339: UTC whole seconds out; offsets, fractions and calendar checks in.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "reference/reference.hpp"

using namespace claimcheck;
namespace chr = std::chrono;

namespace {
TimePoint at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return TimePoint{chr::sys_days{chr::year{y} / m / d} + chr::hours{hh} + chr::minutes{mm} + chr::seconds{ss}};
}
}  // namespace

TEST_CASE("format_rfc3339 writes UTC whole seconds with Z") {
  CHECK(format_rfc3339(at(2026, 1, 9, 13, 24, 0)) == "2026-01-09T13:24:00Z");
  CHECK(format_rfc3339(at(2026, 1, 9, 13, 24, 0) + chr::milliseconds{999}) == "2026-01-09T13:24:00Z");
  CHECK(format_rfc3339(TimePoint{}) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(at(1969, 12, 31, 23, 59, 59)) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(at(2024, 2, 29, 0, 0, 1)) == "2024-02-29T00:00:01Z");
}

TEST_CASE("parse_rfc3339 accepts what RFC 3339 allows") {
  struct Case {
    const char* text;
    TimePoint expected;
  };
  const TimePoint base = at(2026, 1, 9, 13, 24, 0);
  const std::vector<Case> cases = {
      {"2026-01-09T13:24:00Z", base},
      {"2026-01-09t13:24:00z", base},
      {"2026-01-09T13:24:00.5Z", base + chr::milliseconds{500}},
      {"2026-01-09T13:24:00.123456789Z", base + chr::nanoseconds{123456789}},
      {"2026-01-09T13:24:00.1234567891234Z", base + chr::nanoseconds{123456789}},
      {"2026-01-09T15:24:00+02:00", base},
      {"2026-01-09T08:54:00-04:30", base},
      {"2026-01-09T13:24:00+00:00", base},
      {"2026-01-10T00:24:00+11:00", base},
      {"2024-02-29T00:00:00Z", at(2024, 2, 29, 0, 0, 0)},
      {"2000-02-29T23:59:59Z", at(2000, 2, 29, 23, 59, 59)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_rfc3339(c.text) == c.expected);
  }
}

TEST_CASE("parse_rfc3339 rejects bad timestamps with the reason") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"", "year is cut short"},
      {"2026-01-09", "expected 'T' between date and time"},
      {"2026-1-09T13:24:00Z", "month must be 2 digits"},
      {"2026-00-09T13:24:00Z", "month 0 is out of range 1..12"},
      {"2026-02-29T13:24:00Z", "2026-02-29 is not a calendar date"},
      {"1900-02-29T13:24:00Z", "1900-02-29 is not a calendar date"},
      {"2026-04-31T13:24:00Z", "2026-04-31 is not a calendar date"},
      {"2026-01-00T13:24:00Z", "2026-01-00 is not a calendar date"},
      {"2026-01-09T24:00:00Z", "hour 24 is out of range 0..23"},
      {"2026-01-09T13:60:00Z", "minute 60 is out of range 0..59"},
      {"2026-01-09T13:24:60Z", "second 60 is out of range 0..59"},
      {"2026-01-09T13:24:00", "expected '+' (time zone: Z or +HH:MM) after the seconds"},
      {"2026-01-09T13:24:00.Z", "fractional second has no digits"},
      {"2026-01-09T13:24:00+0200", "expected ':' in the offset"},
      {"2026-01-09T13:24:00+24:00", "offset hour 24 is out of range 0..23"},
      {"2026-01-09T13:24:00Zjunk", "unexpected characters after the time zone"},
      {"2026-01-09 13:24:00Z", "expected 'T' between date and time"},
      {"9999-12-31T23:59:59Z", "year is outside the supported range"},
      {"0001-01-01T00:00:00Z", "year is outside the supported range"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    try {
      parse_rfc3339(c.text);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::InvalidInput);
      CHECK(e.why() == std::string("\"") + c.text + "\": " + c.reason);
    }
  }
}

TEST_CASE("format and parse are inverse on whole seconds") {
  for (const TimePoint t : {at(2026, 1, 9, 13, 24, 0), at(1999, 12, 31, 23, 59, 59), at(2100, 3, 1, 0, 0, 0)})
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
}
