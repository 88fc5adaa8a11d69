#include "number_checks.hpp"

#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace claimcheck::cli {

CLI::Validator whole_number(std::int64_t min, std::int64_t max) {
  const std::string expected = max >= std::numeric_limits<int>::max()
                                   ? fmt::format("a whole number from {} up", min)
                                   : fmt::format("a whole number from {} to {}", min, max);
  return CLI::Validator(
      [min, max, expected](std::string& text) -> std::string {
        // A leading '+' is allowed, as for every number a setting takes.
        const std::string_view digits = std::string_view(text).substr(text.starts_with('+') ? 1 : 0);
        std::int64_t value = 0;
        const char* end = digits.data() + digits.size();
        const auto [stop, error] = std::from_chars(digits.data(), end, value);
        if (digits.empty() || digits.front() == '-' || error != std::errc() || stop != end || value < min)
          return fmt::format("'{}' is not {}", text, expected);
        if (value > max) return fmt::format("'{}' is more than {}", text, max);
        // Written again in decimal: CLI11 reads a leading 0 as octal ("010" was 8, "08" an error).
        text = std::to_string(value);
        return {};
      },
      "", "WHOLE_NUMBER");  // no description: the option's type name says it
}

}  // namespace claimcheck::cli
