// Single-threaded gzip: one member, header and trailer written here around
// one raw deflate stream from the level's engine; constant memory.
#include "codec/codec.hpp"
#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"
#include "core/error.hpp"

namespace claimcheck {

using namespace gzip_internal;

struct GzipEncoder::State {
  State(ByteSink& sink, int level) : out(sink), deflater(make_deflater(level)), header(gzip_header(level)) {}
  ByteSink& out;
  std::unique_ptr<Deflater> deflater;
  std::string header;  // written with the first output, then cleared
  std::uint32_t crc = 0;
  std::uint64_t total_in = 0;
  bool finished = false;

  void deflate(const char* data, std::size_t size, Deflater::Flush flush) {
    if (!header.empty()) {
      out.write(header.data(), header.size());
      header.clear();
    }
    crc = crc32_update(crc, data, size);
    total_in += size;
    deflater->deflate(data, size, flush, out);
  }
};

GzipEncoder::GzipEncoder(ByteSink& out, int level) {
  check_level(level);
  state_ = std::make_unique<State>(out, level);
}

GzipEncoder::~GzipEncoder() = default;

void GzipEncoder::write(const char* data, std::size_t size) {
  if (state_->finished) throw Error(ErrorKind::Internal, "gzip", "write after finish");
  if (size > 0) state_->deflate(data, size, Deflater::Flush::None);
}

void GzipEncoder::finish() {
  if (state_->finished) throw Error(ErrorKind::Internal, "gzip", "finish called twice");
  state_->deflate(nullptr, 0, Deflater::Flush::Finish);
  const std::string trailer = gzip_trailer(state_->crc, state_->total_in);
  state_->out.write(trailer.data(), trailer.size());
  state_->finished = true;
}

}  // namespace claimcheck
