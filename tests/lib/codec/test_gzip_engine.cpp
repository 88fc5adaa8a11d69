// Which library deflates at each level (ISA-L 1-3, zlib 4-9), proven by the
// bytes: each level's output is exactly what that library writes when
// called directly, and never what the other one writes. And at every level,
// both encoders' output is standard gzip that the system gzip tests and
// reads back.
#include <doctest/doctest.h>

#include <string>

#include <zlib.h>
#if CLAIMCHECK_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "codec/codec.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

constexpr std::size_t kGzipHeader = 10;
constexpr std::size_t kGzipTrailer = 8;

std::string encode(const std::string& data, int level) {
  StringSink sink;
  GzipEncoder encoder(sink, level);
  encoder.write(data.data(), data.size());
  encoder.finish();
  return sink.take();
}

std::string parallel_encode(const std::string& data, int level) {
  StringSink sink;
  ParallelGzipEncoder encoder(sink, level, 2, 128u << 10);
  encoder.write(data.data(), data.size());
  encoder.finish();
  return sink.take();
}

/// The raw deflate stream between the gzip header and trailer.
std::string deflate_body(const std::string& gzip) {
  REQUIRE(gzip.size() >= kGzipHeader + kGzipTrailer);
  return gzip.substr(kGzipHeader, gzip.size() - kGzipHeader - kGzipTrailer);
}

/// zlib called directly: all input without flushing, then Z_FINISH.
std::string zlib_raw_deflate(const std::string& data, int level) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_NO_FLUSH) == Z_OK);
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

#if CLAIMCHECK_HAVE_ISAL
/// ISA-L called directly the same way, with its default buffer for the level.
std::string isal_raw_deflate(const std::string& data, int level) {
  auto stream = std::make_unique<isal_zstream>();
  isal_deflate_init(stream.get());
  const std::size_t level_buffer_size = level == 1 ? ISAL_DEF_LVL1_DEFAULT : level == 2 ? ISAL_DEF_LVL2_DEFAULT
                                                                                        : ISAL_DEF_LVL3_DEFAULT;
  std::string level_buffer(level_buffer_size, '\0');
  stream->level = static_cast<std::uint32_t>(level);
  stream->level_buf = reinterpret_cast<std::uint8_t*>(level_buffer.data());
  stream->level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
  std::string out(data.size() + data.size() / 8 + 4096, '\0');
  stream->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data.data()));
  stream->avail_in = static_cast<std::uint32_t>(data.size());
  stream->next_out = reinterpret_cast<std::uint8_t*>(out.data());
  stream->avail_out = static_cast<std::uint32_t>(out.size());
  REQUIRE(isal_deflate(stream.get()) == COMP_OK);
  stream->end_of_stream = 1;
  REQUIRE(isal_deflate(stream.get()) == COMP_OK);
  REQUIRE(stream->internal_state.state == ZSTATE_END);
  out.resize(stream->total_out);
  return out;
}
#endif

}  // namespace

TEST_CASE("levels 1-3 deflate with ISA-L, 4-9 with zlib; gunzip is ISA-L") {
  for (int level = 1; level <= 9; ++level) {
    CAPTURE(level);
#if CLAIMCHECK_HAVE_ISAL
    CHECK(deflate_engine(level) == (level <= 3 ? GzipEngine::Isal : GzipEngine::Zlib));
#else
    CHECK(deflate_engine(level) == GzipEngine::Zlib);  // the fallback build
#endif
  }
#if CLAIMCHECK_HAVE_ISAL
  CHECK(inflate_engine() == GzipEngine::Isal);
#endif
  CHECK(std::string(engine_name(GzipEngine::Isal)) == "ISA-L");
  CHECK(std::string(engine_name(GzipEngine::Zlib)) == "zlib");
}

TEST_CASE("each level's deflate stream is byte for byte the chosen library's") {
  const std::string payload = text_bytes(300000, 21);
  for (int level = 1; level <= 9; ++level) {
    CAPTURE(level);
    const std::string body = deflate_body(encode(payload, level));
    const std::string zlib = zlib_raw_deflate(payload, level);
#if CLAIMCHECK_HAVE_ISAL
    if (level <= 3) {
      CHECK(body == isal_raw_deflate(payload, level));
      CHECK(body != zlib);  // the comparison tells the libraries apart
      continue;
    }
#endif
    CHECK(body == zlib);
  }
}

TEST_CASE("every level, single-threaded or parallel, is one standard gzip member") {
  const std::string payload = text_bytes(600000, 22);
  TempFile file;
  for (int level = 1; level <= 9; ++level) {
    for (const bool parallel : {false, true}) {
      CAPTURE(level);
      CAPTURE(parallel);
      const std::string compressed = parallel ? parallel_encode(payload, level) : encode(payload, level);
      CHECK(compressed.substr(0, 3) == "\x1f\x8b\x08");
      file.write(compressed);
      CHECK(std::system(("gzip -t '" + file.path + "'").c_str()) == 0);
      bool ok = false;
      CHECK(system_gunzip(compressed, ok) == payload);
      CHECK(ok);
      StringSink sink;
      GzipDecoder decoder(sink, payload.size());
      decoder.write(compressed.data(), compressed.size());
      decoder.finish();
      CHECK(sink.data() == payload);
    }
  }
}

TEST_CASE("the decoder reads what other gzip writers produce") {
  // pigz writes many deflate blocks; igzip is ISA-L's own command.
  const std::string payload = text_bytes(200000, 23);
  TempFile in, out;
  in.write(payload);
  for (const char* writer : {"gzip -1", "gzip -9", "pigz -p 2 -6", "igzip -1", "igzip -3"}) {
    CAPTURE(writer);
    REQUIRE(std::system((std::string(writer) + " -c < '" + in.path + "' > '" + out.path + "'").c_str()) == 0);
    StringSink sink;
    GzipDecoder decoder(sink, payload.size());
    const std::string compressed = out.read();
    decoder.write(compressed.data(), compressed.size());
    decoder.finish();
    CHECK(sink.data() == payload);
  }
}
