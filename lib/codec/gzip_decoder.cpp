// gunzip for retrieval. Stored objects are untrusted: the magic number is
// checked before anything else (a wrong `compressed` flag must not look like
// corruption), output is capped at what the reference promises (a gzip bomb
// costs one buffer, not memory), and the stream must end cleanly.
#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <zlib.h>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "codec/gzip_internal.hpp"

namespace claimcheck {

using namespace gzip_internal;

namespace {
constexpr unsigned char kGzipMagic[2] = {0x1f, 0x8b};

[[noreturn]] void integrity_failure(const std::string& why) {
  throw Error(ErrorKind::Integrity, "cannot decompress stored object", why);
}
}  // namespace

struct GzipDecoder::State {
  State(ByteSink& sink, std::uint64_t limit) : out(sink), max_output(limit) {}
  ~State() {
    if (initialised) inflateEnd(&stream);
  }
  ByteSink& out;
  std::uint64_t max_output;
  z_stream stream{};
  bool initialised = false;
  bool member_ended = false;  // the last inflate call ended a gzip member
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::array<unsigned char, 64 * 1024> buffer{};

  void check_magic(const char* data, std::size_t size) {
    for (std::size_t i = 0; bytes_in + i < sizeof kGzipMagic && i < size; ++i)
      if (static_cast<unsigned char>(data[i]) != kGzipMagic[bytes_in + i])
        integrity_failure("object is not gzip although the reference says compressed");
  }

  void emit(std::size_t produced) {
    if (produced > max_output - bytes_out)
      integrity_failure(fmt::format("decompressed data expands beyond size_bytes ({} bytes)", max_output));
    bytes_out += produced;
    out.write(reinterpret_cast<const char*>(buffer.data()), produced);
  }

  /// Inflates everything in stream.next_in, starting a new member after
  /// each one that ends (gunzip accepts concatenated members).
  void inflate_input() {
    for (;;) {
      if (member_ended && stream.avail_in > 0) {
        inflateReset(&stream);
        member_ended = false;
      }
      stream.next_out = buffer.data();
      stream.avail_out = static_cast<uInt>(buffer.size());
      const int status = inflate(&stream, Z_NO_FLUSH);
      if (status == Z_DATA_ERROR || status == Z_NEED_DICT)
        integrity_failure(fmt::format("gzip stream is corrupt ({})", stream.msg ? stream.msg : "bad data"));
      if (status == Z_MEM_ERROR) throw Error(ErrorKind::Internal, "gunzip", "out of memory");
      emit(buffer.size() - stream.avail_out);
      if (status == Z_STREAM_END) member_ended = true;
      const bool output_pending = stream.avail_out == 0 && !member_ended;
      if (stream.avail_in == 0 && !output_pending) return;
      if (status == Z_BUF_ERROR && stream.avail_out != 0) return;  // no progress possible
    }
  }
};

GzipDecoder::GzipDecoder(ByteSink& out, std::uint64_t max_output)
    : state_(std::make_unique<State>(out, max_output)) {
  if (inflateInit2(&state_->stream, kGzipWindowBits) != Z_OK)
    throw Error(ErrorKind::Internal, "gunzip", "cannot initialise zlib");
  state_->initialised = true;
}

GzipDecoder::~GzipDecoder() = default;

void GzipDecoder::write(const char* data, std::size_t size) {
  state_->check_magic(data, size);
  while (size > 0) {
    const std::size_t chunk = std::min(size, kMaxZlibChunk);
    state_->stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    state_->stream.avail_in = static_cast<uInt>(chunk);
    state_->bytes_in += chunk;
    state_->inflate_input();
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
