// gzip members through zlib's inflate (a build without ISA-L).
#include <zlib.h>

#include "codec/inflater.hpp"
#include "core/error.hpp"

namespace claimcheck::gzip_internal {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper

class ZlibInflater : public Inflater {
 public:
  ZlibInflater() {
    if (inflateInit2(&stream_, kGzipWindowBits) != Z_OK)
      throw Error(ErrorKind::Internal, "gunzip", "cannot initialise zlib");
  }
  ~ZlibInflater() override { inflateEnd(&stream_); }
  ZlibInflater(const ZlibInflater&) = delete;
  ZlibInflater& operator=(const ZlibInflater&) = delete;

  void reset() override { inflateReset(&stream_); }

  Step inflate(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size) override {
    stream_.next_in = const_cast<Bytef*>(in);
    stream_.avail_in = static_cast<uInt>(in_size);
    stream_.next_out = out;
    stream_.avail_out = static_cast<uInt>(out_size);
    const int status = ::inflate(&stream_, Z_NO_FLUSH);
    if (status == Z_DATA_ERROR || status == Z_NEED_DICT)
      integrity_failure(std::string("gzip stream is corrupt (") + (stream_.msg ? stream_.msg : "bad data") + ")");
    if (status == Z_MEM_ERROR) throw Error(ErrorKind::Internal, "gunzip", "out of memory");
    Step step;
    step.consumed = in_size - stream_.avail_in;
    step.produced = out_size - stream_.avail_out;
    step.member_ended = status == Z_STREAM_END;
    return step;
  }

 private:
  z_stream stream_{};
};

}  // namespace

std::unique_ptr<Inflater> make_zlib_inflater() { return std::make_unique<ZlibInflater>(); }

}  // namespace claimcheck::gzip_internal
