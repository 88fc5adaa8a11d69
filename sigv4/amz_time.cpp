// The two SigV4 time formats, computed from the calendar in UTC without
// touching the process time zone (gmtime/TZ are not thread-safe to rely on).
#include <cstdio>

#include "sigv4/signer.hpp"

namespace sigv4 {
namespace {

struct UtcFields {
  int year;
  unsigned month, day;
  long hours, minutes, seconds;
};

UtcFields utc_fields(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto whole_seconds = floor<seconds>(t);
  const auto day_start = floor<days>(whole_seconds);
  const year_month_day date{day_start};
  const hh_mm_ss time_of_day{whole_seconds - day_start};
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()), static_cast<long>(time_of_day.hours().count()),
          static_cast<long>(time_of_day.minutes().count()),
          static_cast<long>(time_of_day.seconds().count())};
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point t) {
  const UtcFields f = utc_fields(t);
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02ld%02ld%02ldZ", f.year, f.month, f.day,
                f.hours, f.minutes, f.seconds);
  return text;
}

std::string date_stamp(std::chrono::system_clock::time_point t) {
  return amz_date(t).substr(0, 8);
}

}  // namespace sigv4
