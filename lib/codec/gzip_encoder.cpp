// Single-threaded gzip: one z_stream, a fixed output buffer, constant memory.
#include <algorithm>
#include <array>

#include <zlib.h>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "codec/gzip_internal.hpp"

namespace claimcheck {

using namespace gzip_internal;

struct GzipEncoder::State {
  explicit State(ByteSink& sink) : out(sink) {}
  ~State() {
    if (initialised) deflateEnd(&stream);
  }
  ByteSink& out;
  z_stream stream{};
  bool initialised = false;
  bool finished = false;
  std::array<unsigned char, 64 * 1024> buffer{};

  /// Runs deflate until it has consumed its input (or ended, for Z_FINISH),
  /// passing every full or final buffer on.
  void pump(int flush) {
    int status = Z_OK;
    do {
      stream.next_out = buffer.data();
      stream.avail_out = static_cast<uInt>(buffer.size());
      status = deflate(&stream, flush);
      if (status == Z_STREAM_ERROR) throw Error(ErrorKind::Internal, "gzip", "deflate failed");
      const std::size_t produced = buffer.size() - stream.avail_out;
      if (produced > 0) out.write(reinterpret_cast<const char*>(buffer.data()), produced);
    } while (stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
  }
};

GzipEncoder::GzipEncoder(ByteSink& out, int level) : state_(std::make_unique<State>(out)) {
  check_level(level);
  if (deflateInit2(&state_->stream, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(ErrorKind::Internal, "gzip", "cannot initialise zlib");
  state_->initialised = true;
}

GzipEncoder::~GzipEncoder() = default;

void GzipEncoder::write(const char* data, std::size_t size) {
  if (state_->finished) throw Error(ErrorKind::Internal, "gzip", "write after finish");
  while (size > 0) {
    const std::size_t chunk = std::min(size, kMaxZlibChunk);
    state_->stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    state_->stream.avail_in = static_cast<uInt>(chunk);
    state_->pump(Z_NO_FLUSH);
    data += chunk;
    size -= chunk;
  }
}

void GzipEncoder::finish() {
  if (state_->finished) throw Error(ErrorKind::Internal, "gzip", "finish called twice");
  state_->stream.next_in = nullptr;
  state_->stream.avail_in = 0;
  state_->pump(Z_FINISH);
  state_->finished = true;
}

}  // namespace claimcheck
