// Sizes ("51200", "50KiB", "1MB") and durations ("30d", "12h", "90s").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace claimcheck {

/// Throws Error(Usage) with `what` naming the source (flag or variable).
std::uint64_t parse_size(std::string_view text, std::string_view what);
std::chrono::seconds parse_duration(std::string_view text, std::string_view what);

/// "1.2 MiB", "340 B".
std::string format_size(std::uint64_t bytes);
/// "29d 23h", "5m 10s", "expired 2h ago" is the caller's job.
std::string format_duration(std::chrono::seconds d);

}  // namespace claimcheck
