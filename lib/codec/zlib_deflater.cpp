// Raw deflate through zlib (levels 4-9, and every level in a build without
// ISA-L).
#include <algorithm>
#include <vector>

#include <zlib.h>

#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"
#include "core/error.hpp"

namespace claimcheck::gzip_internal {
namespace {

constexpr int kRawWindowBits = -15;  // 32 KiB window, no wrapper
constexpr int kMemLevel = 8;         // zlib's and gzip's default

class ZlibDeflater : public Deflater {
 public:
  explicit ZlibDeflater(int level) : output_(kOutputChunk) {
    if (deflateInit2(&stream_, level, Z_DEFLATED, kRawWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK)
      throw Error(ErrorKind::Internal, "gzip", "cannot initialise zlib");
  }
  ~ZlibDeflater() override { deflateEnd(&stream_); }
  ZlibDeflater(const ZlibDeflater&) = delete;
  ZlibDeflater& operator=(const ZlibDeflater&) = delete;

  void reset() override {
    if (deflateReset(&stream_) != Z_OK) throw Error(ErrorKind::Internal, "gzip", "cannot reset zlib");
  }

  void set_dictionary(std::string_view dictionary) override {
    if (dictionary.empty()) return;
    if (deflateSetDictionary(&stream_, reinterpret_cast<const Bytef*>(dictionary.data()),
                             static_cast<uInt>(dictionary.size())) != Z_OK)
      throw Error(ErrorKind::Internal, "gzip", "cannot set the deflate dictionary");
  }

  void deflate(const char* data, std::size_t size, Flush flush, ByteSink& out) override {
    do {
      const std::size_t take = std::min(size, kMaxChunk);
      const bool last_piece = take == size;
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
      stream_.avail_in = static_cast<uInt>(take);
      const int mode = !last_piece ? Z_NO_FLUSH
                       : flush == Flush::Sync   ? Z_SYNC_FLUSH
                       : flush == Flush::Finish ? Z_FINISH
                                                : Z_NO_FLUSH;
      pump(mode, out);
      data += take;
      size -= take;
    } while (size > 0);
  }

 private:
  /// Runs deflate until it has consumed its input and, for Z_FINISH, ended
  /// the stream; a full output buffer means there may be more to come.
  void pump(int mode, ByteSink& out) {
    for (;;) {
      stream_.next_out = output_.data();
      stream_.avail_out = static_cast<uInt>(output_.size());
      const int status = ::deflate(&stream_, mode);
      if (status == Z_STREAM_ERROR) throw Error(ErrorKind::Internal, "gzip", "deflate failed");
      const std::size_t produced = output_.size() - stream_.avail_out;
      if (produced > 0) out.write(reinterpret_cast<const char*>(output_.data()), produced);
      const bool output_full = stream_.avail_out == 0;
      if (mode == Z_FINISH ? status == Z_STREAM_END : stream_.avail_in == 0 && !output_full) return;
    }
  }

  z_stream stream_{};
  std::vector<unsigned char> output_;
};

}  // namespace

std::unique_ptr<Deflater> make_zlib_deflater(int level) { return std::make_unique<ZlibDeflater>(level); }

}  // namespace claimcheck::gzip_internal
