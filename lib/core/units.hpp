// Sizes ("51200", "50KiB", "1MB") and durations ("30d", "12h", "90s").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace claimcheck {

/// Sizes: a byte count with an optional case-insensitive suffix. KB, MB, GB,
/// TB are powers of 1000; KiB, MiB, GiB, TiB and the bare K, M, G, T are
/// powers of 1024. A fraction needs a suffix ("1.5MiB"), rounded down.
/// Durations: one or more <count><unit> with lowercase units s, m, h, d, w
/// ("1d12h");
/// a bare number is refused (the caller decides what it would mean).
/// Both throw Error(Usage) with `what` naming the source (flag or variable)
/// and the bad value quoted in the reason.
std::uint64_t parse_size(std::string_view text, std::string_view what);
std::chrono::seconds parse_duration(std::string_view text, std::string_view what);

/// "1.2 MiB", "340 B".
std::string format_size(std::uint64_t bytes);
/// "29d 23h", "5m 10s".
std::string format_duration(std::chrono::seconds d);
/// What is left until `expires_at`: "29d 23h", "0s" in its last second, then
/// "expired 2h ago" from `expires_at` on (when a reference counts as expired).
std::string format_time_left(std::chrono::system_clock::time_point expires_at,
                             std::chrono::system_clock::time_point now);

}  // namespace claimcheck
