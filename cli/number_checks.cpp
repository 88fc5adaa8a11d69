#include "number_checks.hpp"

#include <charconv>
#include <string>

#include <fmt/format.h>

namespace claimcheck::cli {

CLI::Validator whole_number(std::int64_t min, std::int64_t max) {
  const std::string expected = max >= std::numeric_limits<int>::max()
                                   ? fmt::format("a whole number from {} up", min)
                                   : fmt::format("a whole number from {} to {}", min, max);
  return CLI::Validator(
      [min, max, expected](std::string& text) -> std::string {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || stop != end || value < min || value > max)
          return fmt::format("'{}' is not {}", text, expected);
        return {};
      },
      "", "WHOLE_NUMBER");  // no description: the option's type name says it
}

}  // namespace claimcheck::cli
