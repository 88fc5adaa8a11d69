// Checks for whole-number flags, with messages a user can act on (CLI11's
// own say "Value 0 not in range 0.000000 to 1797693134862315708...").
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>

namespace claimcheck::cli {

/// Digits only (a leading '+' allowed), from `min` to `max` (inclusive):
/// "'0' is not a whole number from 1 to 64". A transform (->transform()): it
/// writes the number again in decimal, which CLI11 then converts ("010" is 10).
CLI::Validator whole_number(std::int64_t min, std::int64_t max = std::numeric_limits<std::int64_t>::max());

/// "; 1 to 64": the range a whole-number flag's help ends with.
inline std::string range_text(std::int64_t min, std::int64_t max) {
  return "; " + std::to_string(min) + " to " + std::to_string(max);
}

/// -j/--jobs of inspect and retrieve: requests in flight.
constexpr std::int64_t kMaxJobs = 64;

}  // namespace claimcheck::cli
