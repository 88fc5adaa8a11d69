// gc --as-of: an RFC 3339 time, or now plus a duration ("+7d"); and the
// durations that move a time back (--older-than, --since), kept in the
// clock's range.
#pragma once

#include <chrono>
#include <string_view>

#include "reference/reference.hpp"

namespace claimcheck::cli {

/// "+7d": now plus a duration, rather than a time (which stays as given).
inline bool is_relative_as_of(std::string_view text) { return text.starts_with('+'); }

/// Throws Error(Usage) naming `flag` when `text` is neither form.
TimePoint parse_as_of(std::string_view text, TimePoint now, std::string_view flag);

enum class Direction { Back, Forward };

/// parse_duration(text), refused (Error(Usage) naming `flag`) when moving
/// `from` by it leaves the years the clock can hold: such a time had wrapped
/// around (--as-of +90000d was 1688, --older-than 200000d chose new objects).
std::chrono::seconds parse_offset(std::string_view text, TimePoint from, Direction direction,
                                  std::string_view flag);

}  // namespace claimcheck::cli
