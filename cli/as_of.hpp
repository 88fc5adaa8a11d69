// gc --as-of: an RFC 3339 time, or now plus a duration ("+7d").
#pragma once

#include <string_view>

#include "reference/reference.hpp"

namespace claimcheck::cli {

/// Throws Error(Usage) naming `flag` when `text` is neither form.
TimePoint parse_as_of(std::string_view text, TimePoint now, std::string_view flag);

}  // namespace claimcheck::cli
