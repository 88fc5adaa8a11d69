// libFuzzer target: the gzip decoding path of retrieve. Output is capped as
// retrieve caps it at size_bytes; going past the cap must be an Integrity
// error, and the sink must never receive more than the cap.
#include <cstddef>
#include <cstdint>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "core/stream.hpp"

namespace {
class CountingSink : public claimcheck::ByteSink {
 public:
  void write(const char*, std::size_t size) override { total += size; }
  std::uint64_t total = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint64_t kCap = 1 << 20;
  CountingSink sink;
  try {
    claimcheck::GzipDecoder decoder(sink, kCap);
    // feed in uneven chunks, as a network body arrives
    std::size_t offset = 0, chunk = 1;
    while (offset < size) {
      std::size_t n = std::min(chunk, size - offset);
      decoder.write(reinterpret_cast<const char*>(data) + offset, n);
      offset += n;
      chunk = chunk * 3 + 1;
    }
    decoder.finish();
  } catch (const claimcheck::Error&) {
  }
  if (sink.total > kCap) __builtin_trap();
  return 0;
}
