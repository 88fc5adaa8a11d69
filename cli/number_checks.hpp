// Checks for whole-number flags, with messages a user can act on (CLI11's
// own say "Value 0 not in range 0.000000 to 1797693134862315708...").
#pragma once

#include <cstdint>
#include <limits>

#include <CLI/CLI.hpp>

namespace claimcheck::cli {

/// Digits only, from `min` to `max` (inclusive): "'0' is not a whole number
/// from 1 to 64".
CLI::Validator whole_number(std::int64_t min, std::int64_t max = std::numeric_limits<std::int64_t>::max());

}  // namespace claimcheck::cli
