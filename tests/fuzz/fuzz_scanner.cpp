// libFuzzer target: the document and history scanner (JSON, JSON Lines,
// Temporal histories with base64 payloads) on arbitrary input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "scanner/scanner.hpp"

// binary/zlib payloads are inflated: within small bounds here, so that a
// bomb in an input stays within the run's memory and time limits (the code
// that enforces them is the same at any size).
constexpr claimcheck::InflateLimits kLimits{.per_payload = 1 << 20, .per_input = 4 << 20};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::size_t findings = 0;
    claimcheck::scan_text(
        text,
        [&](claimcheck::Finding&& finding) {
          ++findings;
          // A pointer cannot outgrow what was read: the input and what its payloads inflate to.
          if (finding.pointer.size() > (size + kLimits.per_input) * 8 + 64) __builtin_trap();
        },
        claimcheck::BadLines::Fail, kLimits);
  } catch (const claimcheck::Error&) {
  }
  return 0;
}
