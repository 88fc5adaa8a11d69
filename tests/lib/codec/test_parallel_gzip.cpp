// ParallelGzipEncoder: one gzip member that zlib and gzip read back exactly,
// at every block boundary, with a ratio close to the single-threaded encoder.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <zlib.h>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

constexpr std::size_t kSmallBlock = 64 * 1024;

std::string parallel_gzip(const std::string& data, unsigned threads, std::size_t block, int level = 6,
                          std::size_t chunk = 100000) {
  StringSink sink;
  ParallelGzipEncoder encoder(sink, level, threads, block);
  for (std::size_t offset = 0; offset < data.size(); offset += chunk)
    encoder.write(data.data() + offset, std::min(chunk, data.size() - offset));
  encoder.finish();
  return sink.take();
}

std::string single_gzip(const std::string& data, int level = 6) {
  StringSink sink;
  GzipEncoder encoder(sink, level);
  encoder.write(data.data(), data.size());
  encoder.finish();
  return sink.take();
}

/// Inflates exactly ONE gzip member with plain zlib; fails on anything after it.
std::string zlib_gunzip_one_member(const std::string& compressed, std::size_t expected_size) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out(expected_size + 1, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  CHECK(status == Z_STREAM_END);
  CHECK(stream.avail_in == 0);  // nothing after the single member
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

void check_decodes(const std::string& payload, const std::string& compressed) {
  CHECK(zlib_gunzip_one_member(compressed, payload.size()) == payload);
  bool ok = false;
  CHECK(system_gunzip(compressed, ok) == payload);
  CHECK(ok);
}

}  // namespace

/// One level of each engine: ISA-L (1) and zlib (6).
constexpr int kEngineLevels[] = {1, 6};

TEST_CASE("parallel gzip decodes exactly at every block boundary, with either engine") {
  const std::vector<std::size_t> sizes = {0, 1, kSmallBlock - 1, kSmallBlock, kSmallBlock + 1,
                                          3 * kSmallBlock + 17, 20 * kSmallBlock};
  for (const int level : kEngineLevels) {
    for (const std::size_t size : sizes) {
      for (const bool text : {true, false}) {
        CAPTURE(level);
        CAPTURE(size);
        CAPTURE(text);
        const std::string payload = text ? text_bytes(size) : random_bytes(size);
        check_decodes(payload, parallel_gzip(payload, 2, kSmallBlock, level));
      }
    }
  }
}

TEST_CASE("parallel gzip with the default 1 MiB blocks over several MiB") {
  const std::size_t block = ParallelGzipEncoder::kDefaultBlockSize;
  for (const std::size_t size : {block - 1, block, block + 1, 5 * block + 12345}) {
    CAPTURE(size);
    const std::string payload = text_bytes(size, 9);
    check_decodes(payload, parallel_gzip(payload, 0, block, 6, 300000));
  }
  const std::string noise = random_bytes(3 * block + 1);
  check_decodes(noise, parallel_gzip(noise, 3, block));
}

TEST_CASE("blocks smaller than the 32 KiB window still decode (dictionary spans blocks)") {
  const std::string payload = text_bytes(300000, 4);
  for (const int level : kEngineLevels) {
    for (const std::size_t block : {std::size_t{1}, std::size_t{1000}, std::size_t{32768}, std::size_t{40000}}) {
      CAPTURE(level);
      CAPTURE(block);
      const std::string& input = block == 1 ? payload.substr(0, 3000) : payload;
      check_decodes(input, parallel_gzip(input, 3, block, level, 7777));
    }
  }
}

TEST_CASE("the output does not depend on the number of threads or write sizes") {
  const std::string payload = text_bytes(1 << 20, 11);
  for (const int level : kEngineLevels) {
    CAPTURE(level);
    const std::string reference = parallel_gzip(payload, 1, kSmallBlock, level);
    CHECK(parallel_gzip(payload, 2, kSmallBlock, level, 1) == reference);
    CHECK(parallel_gzip(payload, 5, kSmallBlock, level, 999999) == reference);
  }
}

TEST_CASE("the ratio stays within 2% of single-threaded gzip on text") {
  const std::string payload = text_bytes(3 << 20, 12);
  for (const int level : {1, 3, 6, 9}) {
    CAPTURE(level);
    const double single = static_cast<double>(single_gzip(payload, level).size());
    const double parallel = static_cast<double>(parallel_gzip(payload, 2, ParallelGzipEncoder::kDefaultBlockSize, level).size());
    CHECK(parallel <= single * 1.02);
  }
  // Without the dictionary, 16 KiB blocks would lose far more than 2%.
  const double single = static_cast<double>(single_gzip(payload).size());
  CHECK(static_cast<double>(parallel_gzip(payload, 2, 16384).size()) <= single * 1.02);
}

TEST_CASE("a failing output sink surfaces as the sink's Error, without hanging") {
  struct FailingSink : ByteSink {
    std::size_t budget = 10000;
    void write(const char*, std::size_t size) override {
      if (size > budget) throw Error(ErrorKind::Store, "upload", "connection reset");
      budget -= size;
    }
  } sink;
  const std::string payload = random_bytes(2 << 20);
  auto run = [&] {
    ParallelGzipEncoder encoder(sink, 6, 2, kSmallBlock);
    encoder.write(payload.data(), payload.size());
    encoder.finish();
  };
  CHECK_THROWS_WITH_AS(run(), "upload: connection reset", Error);
}

TEST_CASE("bad parameters are usage errors, misuse is refused") {
  StringSink sink;
  CHECK_THROWS_AS(ParallelGzipEncoder(sink, 0), Error);
  CHECK_THROWS_AS(ParallelGzipEncoder(sink, 6, 2, 0), Error);
  ParallelGzipEncoder encoder(sink, 6, 2, kSmallBlock);
  encoder.finish();
  CHECK_THROWS_AS(encoder.write("x", 1), Error);
  CHECK_THROWS_AS(encoder.finish(), Error);
}

TEST_CASE("make_gzip_encoder gives an encoder whose output round trips") {
  const std::string payload = text_bytes(3 << 20, 13);
  StringSink sink;
  auto encoder = make_gzip_encoder(sink, 6);
  encoder->write(payload.data(), payload.size());
  encoder->finish();
  check_decodes(payload, sink.data());
}
