// libFuzzer target: the reference parser must answer every input with a
// Reference or a claimcheck::Error, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "reference/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto ref = claimcheck::parse_reference(text);
    // Whatever parses must write back out and parse again to the same key.
    auto again = claimcheck::parse_reference(claimcheck::to_json(ref));
    if (again.key != ref.key || again.size_bytes != ref.size_bytes) __builtin_trap();
  } catch (const claimcheck::Error&) {
  }
  return 0;
}
