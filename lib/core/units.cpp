// Sizes and durations as people type them. Decimal suffixes (KB, MB, GB, TB)
// are powers of 1000, binary ones (KiB, MiB, GiB, TiB) powers of 1024, and
// the bare letters (K, M, G, T) are powers of 1024, as in `dd` and `sort -S`.
// Suffixes are case-insensitive; a fraction is allowed with a suffix
// ("1.5MiB") and rounded down to whole bytes.
#include "core/units.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "base/text.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::optional<std::uint64_t> size_multiplier(std::string_view suffix) {
  struct Unit { std::string_view name; std::uint64_t factor; };
  static constexpr std::array<Unit, 14> units{{
      {"", 1}, {"b", 1},
      {"k", 1ull << 10}, {"kib", 1ull << 10}, {"kb", 1000ull},
      {"m", 1ull << 20}, {"mib", 1ull << 20}, {"mb", 1000ull * 1000},
      {"g", 1ull << 30}, {"gib", 1ull << 30}, {"gb", 1000ull * 1000 * 1000},
      {"t", 1ull << 40}, {"tib", 1ull << 40}, {"tb", 1000ull * 1000 * 1000 * 1000},
  }};
  const std::string key = base::to_lower(base::trim(suffix));
  for (const Unit& unit : units) {
    if (unit.name == key) return unit.factor;
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Accumulates decimal digits into `value`; false on overflow.
bool add_digit(std::uint64_t& value, char digit) {
  const auto d = static_cast<std::uint64_t>(digit - '0');
  if (value > (kMax - d) / 10) return false;
  value = value * 10 + d;
  return true;
}

[[noreturn]] void not_a_size(std::string_view text, std::string_view what) {
  throw Error(ErrorKind::Usage, std::string(what),
              fmt::format("'{}' is not a size (examples: 51200, 50KiB, 50KB, 1MiB, 2G)", text));
}

[[noreturn]] void not_a_duration(std::string_view text, std::string_view what) {
  throw Error(ErrorKind::Usage, std::string(what),
              fmt::format("'{}' is not a duration (examples: 30d, 12h, 15m, 90s, 1w, 1d12h)", text));
}

}  // namespace

std::uint64_t parse_size(std::string_view text, std::string_view what) {
  std::string_view body = base::trim(text);
  // "+51200": Go's strconv.Atoi takes it, so a Go runner's setting may hold it.
  if (body.size() > 1 && body[0] == '+' && is_digit(body[1])) body.remove_prefix(1);
  std::size_t pos = 0;
  std::uint64_t whole = 0;
  while (pos < body.size() && is_digit(body[pos])) {
    if (!add_digit(whole, body[pos++])) not_a_size(text, what);
  }
  if (pos == 0) not_a_size(text, what);
  std::string_view fraction;
  if (pos < body.size() && body[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < body.size() && is_digit(body[pos])) ++pos;
    fraction = body.substr(start, pos - start);
    if (fraction.empty() || fraction.size() > 9) not_a_size(text, what);
  }
  const std::optional<std::uint64_t> factor = size_multiplier(body.substr(pos));
  if (!factor || (!fraction.empty() && *factor == 1)) not_a_size(text, what);
  if (whole > kMax / *factor) {
    throw Error(ErrorKind::Usage, std::string(what), fmt::format("'{}' is too large", text));
  }
  std::uint64_t bytes = whole * *factor;
  if (!fraction.empty()) {
    std::uint64_t numerator = 0, denominator = 1;
    for (char c : fraction) {
      add_digit(numerator, c);
      denominator *= 10;
    }
    // factor <= 2^40 and numerator < 10^9: the product fits in 64 bits.
    bytes += numerator * *factor / denominator;
  }
  return bytes;
}

std::chrono::seconds parse_duration(std::string_view text, std::string_view what) {
  const std::string_view body = base::trim(text);
  if (body.empty()) not_a_duration(text, what);
  std::uint64_t total = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::uint64_t count = 0;
    const std::size_t start = pos;
    while (pos < body.size() && is_digit(body[pos])) {
      if (!add_digit(count, body[pos++])) not_a_duration(text, what);
    }
    if (pos == start || pos == body.size()) not_a_duration(text, what);
    std::uint64_t unit = 0;
    // Units are lowercase, as in Go's time.ParseDuration: elsewhere (systemd)
    // "M" is a month, so "1M" would be a guess between a minute and a month.
    if (std::isupper(static_cast<unsigned char>(body[pos]))) {
      throw Error(ErrorKind::Usage, std::string(what),
                  fmt::format("'{}' is not a duration: units are lowercase (s, m, h, d, w)", text));
    }
    switch (body[pos++]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: not_a_duration(text, what);
    }
    // Keep the result representable as signed seconds.
    constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max() / 2;
    if (count > (limit - total) / unit) {
      throw Error(ErrorKind::Usage, std::string(what), fmt::format("'{}' is too long", text));
    }
    total += count * unit;
  }
  return std::chrono::seconds(static_cast<std::int64_t>(total));
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<const char*, 7> units{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < units.size()) {
    value /= 1024.0;
    ++unit;
  }
  // One decimal; "50 KiB" rather than "50.0 KiB" for whole values.
  std::string number = fmt::format("{:.1f}", value);
  if (number.size() > 2 && number.compare(number.size() - 2, 2, ".0") == 0) number.resize(number.size() - 2);
  return fmt::format("{} {}", number, units[unit]);
}

std::string format_duration(std::chrono::seconds d) {
  std::int64_t total = d.count();
  std::string sign;
  if (total < 0) {
    sign = "-";
    total = -total;
  }
  struct Part { std::int64_t seconds; const char* suffix; };
  static constexpr std::array<Part, 4> parts{{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}}};
  // The largest unit, plus the next one when it is not zero: "29d 23h", "5m 10s".
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::int64_t major = total / parts[i].seconds;
    if (major == 0 && i + 1 < parts.size()) continue;
    std::string out = fmt::format("{}{}{}", sign, major, parts[i].suffix);
    if (i + 1 < parts.size()) {
      const std::int64_t minor = (total % parts[i].seconds) / parts[i + 1].seconds;
      if (minor != 0) out += fmt::format(" {}{}", minor, parts[i + 1].suffix);
    }
    return out;
  }
  return "0s";
}

std::string format_time_left(std::chrono::system_clock::time_point expires_at,
                             std::chrono::system_clock::time_point now) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  if (expires_at <= now) return "expired " + format_duration(duration_cast<seconds>(now - expires_at)) + " ago";
  return format_duration(duration_cast<seconds>(expires_at - now));
}

}  // namespace claimcheck
