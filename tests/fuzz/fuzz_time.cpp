// libFuzzer target: the timestamp parsers of base/time.hpp. Every input is
// a time or base::InvalidTimestamp, nothing else; a time that parses writes
// back out (RFC 3339 with and without milliseconds, x-amz-date) and reads
// back to itself at each format's precision.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/time.hpp"

namespace {

using namespace std::chrono;

void check_round_trips(base::TimePoint t) {
  if (base::parse_rfc3339(base::format_rfc3339(t)) != floor<seconds>(t)) __builtin_trap();
  if (base::parse_rfc3339(base::format_rfc3339_millis(t)) != floor<milliseconds>(t)) __builtin_trap();
  if (base::parse_amz_date(base::format_amz_date(t)) != floor<seconds>(t)) __builtin_trap();
  if (base::format_date_stamp(t) != base::format_amz_date(t).substr(0, 8)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto parse : {base::parse_rfc3339, base::parse_amz_date}) {
    try {
      check_round_trips(parse(text));
    } catch (const base::InvalidTimestamp&) {
    }
  }
  return 0;
}
