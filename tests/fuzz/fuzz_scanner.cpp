// libFuzzer target: the document and history scanner (JSON, JSON Lines,
// Temporal histories with base64 payloads) on arbitrary input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "scanner/scanner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::size_t findings = 0;
    claimcheck::scan_text(text, [&](claimcheck::Finding&& finding) {
      ++findings;
      if (finding.pointer.size() > size * 8 + 64) __builtin_trap();  // pointer cannot outgrow input
    });
  } catch (const claimcheck::Error&) {
  }
  return 0;
}
