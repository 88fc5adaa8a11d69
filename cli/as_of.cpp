#include "as_of.hpp"

#include <string>

#include "base/time.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace claimcheck::cli {

TimePoint parse_as_of(std::string_view text, TimePoint now, std::string_view flag) {
  if (is_relative_as_of(text)) return now + parse_offset(text.substr(1), now, Direction::Forward, flag);
  try {
    return base::parse_rfc3339(text);
  } catch (const base::UnrepresentableTimestamp&) {  // RFC 3339 all right: the range is wrong
    throw Error(ErrorKind::Usage, std::string(flag),
                "'" + std::string(text) + "' is outside " + std::string(base::kClockRange));
  } catch (const base::InvalidTimestamp&) {
    throw Error(ErrorKind::Usage, std::string(flag),
                "expected an RFC 3339 time (2026-01-09T13:24:00Z) or +DURATION (+7d), got '" +
                    std::string(text) + "'");
  }
}

std::chrono::seconds parse_offset(std::string_view text, TimePoint from, Direction direction,
                                  std::string_view flag) {
  using std::chrono::seconds;
  const seconds by = parse_duration(text, flag);
  // In seconds: the clock's whole span in its nanoseconds overflows.
  const seconds at = std::chrono::floor<seconds>(from.time_since_epoch());
  const seconds room = direction == Direction::Forward
                           ? std::chrono::floor<seconds>(TimePoint::max().time_since_epoch()) - at
                           : at - std::chrono::ceil<seconds>(TimePoint::min().time_since_epoch());
  if (by > room)
    throw Error(ErrorKind::Usage, std::string(flag),
                "'" + std::string(text) + "' reaches beyond " + std::string(base::kClockRange));
  return by;
}

}  // namespace claimcheck::cli
