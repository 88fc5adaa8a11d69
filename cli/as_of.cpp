#include "as_of.hpp"

#include <string>

#include "base/time.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace claimcheck::cli {

TimePoint parse_as_of(std::string_view text, TimePoint now, std::string_view flag) {
  if (text.starts_with('+')) return now + parse_offset(text.substr(1), now, Direction::Forward, flag);
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
  const std::chrono::seconds by = parse_duration(text, flag);
  const auto room = std::chrono::duration_cast<std::chrono::seconds>(
      direction == Direction::Forward ? TimePoint::max() - from : from - TimePoint::min());
  if (by > room)
    throw Error(ErrorKind::Usage, std::string(flag),
                "'" + std::string(text) + "' reaches beyond " + std::string(base::kClockRange));
  return by;
}

}  // namespace claimcheck::cli
