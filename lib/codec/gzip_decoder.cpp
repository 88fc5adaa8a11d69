// gunzip for retrieval. Stored objects are untrusted: the magic number is
// checked before anything else (a wrong `compressed` flag must not look like
// corruption), output is capped at what the reference promises (a gzip bomb
// costs one buffer, not memory), and the stream must end cleanly. The
// inflating itself is the engine's (inflater.hpp).
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "codec/codec.hpp"
#include "codec/gzip_internal.hpp"
#include "codec/inflater.hpp"
#include "core/error.hpp"

namespace claimcheck {

using namespace gzip_internal;

void gzip_internal::integrity_failure(const std::string& why) {
  throw Error(ErrorKind::Integrity, "cannot decompress stored object", why);
}

namespace {
constexpr unsigned char kGzipMagic[2] = {0x1f, 0x8b};
constexpr std::size_t kOutputBuffer = 256u << 10;
}  // namespace

struct GzipDecoder::State {
  State(ByteSink& sink, std::uint64_t limit)
      : out(sink), max_output(limit), inflater(make_inflater()),
        buffer(std::make_unique_for_overwrite<unsigned char[]>(kOutputBuffer)) {}
  ByteSink& out;
  std::uint64_t max_output;
  std::unique_ptr<Inflater> inflater;
  // Not zeroed: inflate writes only the front of it for each network read,
  // so most of its pages are never touched (a 1 MiB retrieve faulted in and
  // cleared all 256 KiB before).
  std::unique_ptr<unsigned char[]> buffer;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  bool member_ended = false;   // the last member read so far is complete
  std::size_t magic_seen = 0;  // magic bytes checked of the current member
  bool first_member = true;

  /// The member's first two bytes must be gzip's magic number, split across
  /// writes or not. After a complete member, anything else is trailing
  /// garbage (gunzip refuses it too).
  void check_magic(const unsigned char* data, std::size_t size) {
    for (std::size_t i = 0; magic_seen < sizeof kGzipMagic && i < size; ++i, ++magic_seen) {
      if (data[i] == kGzipMagic[magic_seen]) continue;
      integrity_failure(first_member ? "object is not gzip although the reference says compressed"
                                     : "gzip stream is corrupt (incorrect header check)");
    }
  }

  void emit(std::size_t produced) {
    if (produced > max_output - bytes_out)
      integrity_failure(fmt::format("decompressed data expands beyond size_bytes ({} bytes)", max_output));
    bytes_out += produced;
    if (produced > 0) out.write(reinterpret_cast<const char*>(buffer.get()), produced);
  }

  /// Inflates all of `data`, starting a new member after each one that ends
  /// (gunzip accepts concatenated members).
  void inflate_all(const unsigned char* data, std::size_t size) {
    for (;;) {
      if (member_ended) {
        if (size == 0) return;
        inflater->reset();
        member_ended = false;
        first_member = false;
        magic_seen = 0;
      }
      check_magic(data, size);
      const Inflater::Step step = inflater->inflate(data, size, buffer.get(), kOutputBuffer);
      data += step.consumed;
      size -= step.consumed;
      emit(step.produced);
      member_ended = step.member_ended;
      const bool output_pending = step.produced == kOutputBuffer;
      if (!member_ended && size == 0 && !output_pending) return;
    }
  }
};

GzipDecoder::GzipDecoder(ByteSink& out, std::uint64_t max_output)
    : state_(std::make_unique<State>(out, max_output)) {}

GzipDecoder::~GzipDecoder() = default;

void GzipDecoder::write(const char* data, std::size_t size) {
  while (size > 0) {
    const std::size_t chunk = std::min(size, kMaxChunk);
    state_->bytes_in += chunk;
    state_->inflate_all(reinterpret_cast<const unsigned char*>(data), chunk);
    data += chunk;
    size -= chunk;
  }
}

void GzipDecoder::finish() {
  if (state_->bytes_in == 0) integrity_failure("object is empty although the reference says compressed");
  if (!state_->member_ended) integrity_failure("gzip stream is truncated");
}

std::uint64_t GzipDecoder::bytes_out() const { return state_->bytes_out; }

}  // namespace claimcheck
