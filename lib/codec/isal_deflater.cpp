// Raw deflate through ISA-L's streaming isal_deflate (levels 1-3). The
// stream state (about 90 KiB) and the level's hash buffer are allocated once
// per deflater and reused by reset().
#include <algorithm>
#include <memory>

#include <isa-l/igzip_lib.h>

#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"
#include "core/error.hpp"

namespace claimcheck::gzip_internal {
namespace {

/// ISA-L's suggested buffer for each level (its "default" size, as igzip uses).
std::size_t level_buffer_size(int level) {
  switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    default: return ISAL_DEF_LVL3_DEFAULT;
  }
}

[[noreturn]] void isal_failure(const char* step, int status) {
  throw Error(ErrorKind::Internal, "gzip", std::string("ISA-L ") + step + " failed (" + std::to_string(status) + ")");
}

class IsalDeflater : public Deflater {
 public:
  // The level and output buffers are not zero-filled (ISA-L's own examples
  // malloc them): their pages are touched only as far as the input fills them.
  explicit IsalDeflater(int level)
      : level_(level), stream_(std::make_unique<isal_zstream>()), level_buffer_size_(level_buffer_size(level)),
        level_buffer_(new std::uint8_t[level_buffer_size_]), output_(new std::uint8_t[kOutputChunk]) {
    reset();
  }

  void reset() override {
    isal_deflate_init(stream_.get());
    stream_->level = static_cast<std::uint32_t>(level_);
    stream_->level_buf = level_buffer_.get();
    stream_->level_buf_size = static_cast<std::uint32_t>(level_buffer_size_);
    stream_->gzip_flag = IGZIP_DEFLATE;
  }

  void set_dictionary(std::string_view dictionary) override {
    if (dictionary.empty()) return;
    const int status = isal_deflate_set_dict(stream_.get(), reinterpret_cast<std::uint8_t*>(const_cast<char*>(dictionary.data())),
                                             static_cast<std::uint32_t>(dictionary.size()));
    if (status != COMP_OK) isal_failure("set dictionary", status);
  }

  void deflate(const char* data, std::size_t size, Flush flush, ByteSink& out) override {
    do {
      const std::size_t take = std::min(size, kMaxChunk);
      const bool last_piece = take == size;
      stream_->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data));
      stream_->avail_in = static_cast<std::uint32_t>(take);
      stream_->flush = last_piece && flush == Flush::Sync ? SYNC_FLUSH : NO_FLUSH;
      stream_->end_of_stream = last_piece && flush == Flush::Finish ? 1 : 0;
      pump(out);
      data += take;
      size -= take;
    } while (size > 0);
  }

 private:
  /// Runs isal_deflate until the input is consumed and nothing is held back
  /// that the flush asks for (the end of the stream at Finish).
  void pump(ByteSink& out) {
    for (;;) {
      stream_->next_out = output_.get();
      stream_->avail_out = static_cast<std::uint32_t>(kOutputChunk);
      const int status = isal_deflate(stream_.get());
      if (status != COMP_OK) isal_failure("deflate", status);
      const std::size_t produced = kOutputChunk - stream_->avail_out;
      if (produced > 0) out.write(reinterpret_cast<const char*>(output_.get()), produced);
      const bool output_full = stream_->avail_out == 0;
      const bool ending = stream_->end_of_stream && stream_->internal_state.state != ZSTATE_END;
      if (stream_->avail_in == 0 && !output_full && !ending) return;
    }
  }

  int level_;
  std::unique_ptr<isal_zstream> stream_;
  std::size_t level_buffer_size_;
  std::unique_ptr<std::uint8_t[]> level_buffer_;
  std::unique_ptr<std::uint8_t[]> output_;
};

}  // namespace

std::unique_ptr<Deflater> make_isal_deflater(int level) { return std::make_unique<IsalDeflater>(level); }

}  // namespace claimcheck::gzip_internal
