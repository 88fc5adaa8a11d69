// GzipEncoder / GzipDecoder round trips, and every way a stored object can
// be wrong: not gzip, empty, truncated, corrupt, or a bomb.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

std::string gzip(const std::string& data, int level = 6, std::size_t chunk = 4096) {
  StringSink sink;
  GzipEncoder encoder(sink, level);
  for (std::size_t offset = 0; offset < data.size(); offset += chunk)
    encoder.write(data.data() + offset, std::min(chunk, data.size() - offset));
  encoder.finish();
  return sink.take();
}

std::string gunzip(const std::string& compressed, std::uint64_t max_output, std::size_t chunk = 4096) {
  StringSink sink;
  GzipDecoder decoder(sink, max_output);
  for (std::size_t offset = 0; offset < compressed.size(); offset += chunk)
    decoder.write(compressed.data() + offset, std::min(chunk, compressed.size() - offset));
  decoder.finish();
  CHECK(decoder.bytes_out() == sink.data().size());
  return sink.take();
}

/// The Integrity reason gunzip gives, or "" when it succeeds.
std::string integrity_reason(const std::string& compressed, std::uint64_t max_output) {
  try {
    gunzip(compressed, max_output);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Integrity);
    return e.why();
  }
  return "";
}

/// Counts bytes without keeping them.
struct CountingSink : ByteSink {
  std::uint64_t count = 0;
  void write(const char*, std::size_t size) override { count += size; }
};

}  // namespace

TEST_CASE("gzip round trips, whatever the write sizes") {
  const std::vector<std::string> payloads = {"", "x", text_bytes(100), text_bytes(300000), random_bytes(200000)};
  for (const std::string& payload : payloads) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{1000}, std::size_t{1} << 20}) {
      if (chunk == 1 && payload.size() > 1000) continue;  // byte by byte only for small ones
      for (const int level : {1, 6}) {  // ISA-L's and zlib's
        CAPTURE(payload.size());
        CAPTURE(chunk);
        CAPTURE(level);
        const std::string compressed = gzip(payload, level, chunk);
        CHECK(gunzip(compressed, payload.size(), chunk) == payload);
      }
    }
  }
}

TEST_CASE("GzipEncoder output is read by the system gzip") {
  const std::string payload = text_bytes(500000);
  bool ok = false;
  CHECK(system_gunzip(gzip(payload, 9), ok) == payload);
  CHECK(ok);
}

TEST_CASE("the level is honoured and checked") {
  const std::string payload = text_bytes(400000);
  CHECK(gzip(payload, 9).size() < gzip(payload, 1).size());
  StringSink sink;
  for (const int level : {0, 10, -1}) {
    CAPTURE(level);
    CHECK_THROWS_WITH_AS(GzipEncoder(sink, level), doctest::Contains("not in 1..9"), Error);
  }
}

TEST_CASE("the decoder reads gzip written by the system gzip") {
  const std::string payload = text_bytes(100000);
  TempFile in, out;
  in.write(payload);
  REQUIRE(std::system(("gzip -c < '" + in.path + "' > '" + out.path + "'").c_str()) == 0);
  CHECK(gunzip(out.read(), payload.size()) == payload);
}

TEST_CASE("an object that is not gzip is refused before inflating") {
  const std::string expected = "object is not gzip although the reference says compressed";
  CHECK(integrity_reason("{\"plain\":\"json payload\"}", 1000) == expected);
  CHECK(integrity_reason("\x1f", 1000) == "gzip stream is truncated");
  CHECK(integrity_reason(std::string("\x1f\x00", 2), 1000) == expected);
  // The magic number split across writes is still checked.
  StringSink sink;
  GzipDecoder decoder(sink, 1000);
  decoder.write("\x1f", 1);
  CHECK_THROWS_WITH_AS(decoder.write("x", 1), doctest::Contains(expected.c_str()), Error);
}

TEST_CASE("an empty object is not a gzip stream") {
  CHECK(integrity_reason("", 1000) == "object is empty although the reference says compressed");
}

TEST_CASE("a truncated gzip stream is refused wherever it is cut") {
  const std::string payload = text_bytes(50000);
  const std::string compressed = gzip(payload);
  for (const std::size_t keep : {std::size_t{2}, std::size_t{9}, std::size_t{10}, compressed.size() / 2,
                                 compressed.size() - 8, compressed.size() - 1}) {
    CAPTURE(keep);
    CHECK(integrity_reason(compressed.substr(0, keep), payload.size()) == "gzip stream is truncated");
  }
}

TEST_CASE("corrupt gzip streams are refused with the inflating engine's reason") {
  const std::string payload = text_bytes(50000);
  const std::string compressed = gzip(payload);
  const bool isal = inflate_engine() == GzipEngine::Isal;
  std::string bad_crc = compressed;
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  CHECK(integrity_reason(bad_crc, payload.size()) ==
        (isal ? "gzip stream is corrupt (CRC-32 or length mismatch)" : "gzip stream is corrupt (incorrect data check)"));
  std::string bad_length = compressed;
  bad_length[bad_length.size() - 4] ^= 0x01;
  CHECK(integrity_reason(bad_length, payload.size()) ==
        (isal ? "gzip stream is corrupt (CRC-32 or length mismatch)" : "gzip stream is corrupt (incorrect length check)"));
  std::string bad_method = compressed;
  bad_method[2] = 7;
  CHECK(integrity_reason(bad_method, payload.size()) == "gzip stream is corrupt (unknown compression method)");
  std::string bad_body = compressed;
  for (std::size_t i = 100; i < 140; ++i) bad_body[i] = static_cast<char>(~bad_body[i]);
  CHECK(integrity_reason(bad_body, payload.size()).rfind("gzip stream is corrupt (", 0) == 0);
}

TEST_CASE("concatenated members are one payload; trailing garbage is not") {
  const std::string one = text_bytes(20000, 5), two = text_bytes(30000, 6);
  CHECK(gunzip(gzip(one) + gzip(two), one.size() + two.size()) == one + two);
  CHECK(gunzip(gzip(one) + gzip(""), one.size()) == one);
  CHECK(integrity_reason(gzip(one) + "garbage", one.size()) == "gzip stream is corrupt (incorrect header check)");
}

TEST_CASE("a gzip bomb stops at max_output without producing more") {
  const std::string bomb = gzip(std::string(20 << 20, '\0'), 9);  // 20 MiB -> about 20 KiB
  REQUIRE(bomb.size() < 100000);
  CountingSink counter;
  GzipDecoder decoder(counter, 1 << 20);
  CHECK_THROWS_WITH_AS(decoder.write(bomb.data(), bomb.size()),
                       "cannot decompress stored object: decompressed data expands beyond size_bytes (1048576 bytes)",
                       Error);
  CHECK(counter.count <= (1u << 20));
}

TEST_CASE("output of exactly max_output is accepted, one byte less is not") {
  const std::string payload = text_bytes(70000);
  const std::string compressed = gzip(payload);
  CHECK(gunzip(compressed, payload.size()) == payload);
  CHECK(integrity_reason(compressed, payload.size() - 1).find("expands beyond size_bytes") != std::string::npos);
  CHECK(integrity_reason(gzip("x"), 0).find("expands beyond size_bytes (0 bytes)") != std::string::npos);
}

TEST_CASE("gzip_pays_off: text yes, random no, nothing no") {
  const std::string text = text_bytes(2 << 20);
  const std::string noise = random_bytes(300000);
  CHECK(gzip_pays_off(text.data(), text.size(), 6));
  CHECK_FALSE(gzip_pays_off(noise.data(), noise.size(), 6));
  CHECK_FALSE(gzip_pays_off("", 0, 6));
  CHECK_THROWS_AS(gzip_pays_off(text.data(), text.size(), 0), Error);
}

TEST_CASE("gzip_pays_off decides at the documented 10% margin") {
  // A mix of incompressible bytes and zeros: gzip saves about the zeros'
  // share (zeros cost almost nothing, random bytes cost a little over 1x).
  const auto mixed = [](std::size_t zeros_percent) {
    const std::size_t size = 200000;
    const std::size_t zeros = size * zeros_percent / 100;
    return random_bytes(size - zeros) + std::string(zeros, '\0');
  };
  const std::string saves_5 = mixed(5), saves_15 = mixed(15);
  CHECK_FALSE(gzip_pays_off(saves_5.data(), saves_5.size(), 6));
  CHECK(gzip_pays_off(saves_15.data(), saves_15.size(), 6));
}

TEST_CASE("gzip_pays_off looks only at the first kAutoPrefixBytes") {
  const std::string late_savings = random_bytes(kAutoPrefixBytes) + std::string(kAutoPrefixBytes, '\0');
  CHECK_FALSE(gzip_pays_off(late_savings.data(), late_savings.size(), 6));
}

TEST_CASE("gzip_saves_enough is auto's 10% rule on sizes") {
  CHECK(gzip_saves_enough(1000, 899));
  CHECK_FALSE(gzip_saves_enough(1000, 901));
  CHECK_FALSE(gzip_saves_enough(1000, 1020));
  CHECK_FALSE(gzip_saves_enough(0, 0));
}

TEST_CASE("gzip_in_memory: one member gunzip reads, on threads or not, as small as one stream") {
  // 100 KiB takes one thread; 1 MiB and 3 MiB are cut into blocks.
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100} << 10, std::size_t{1} << 20,
                           std::size_t{3} << 20}) {
    for (const int level : {1, 6}) {  // ISA-L's and zlib's
      CAPTURE(size);
      CAPTURE(level);
      const std::string text = text_bytes(size);
      const std::string compressed = gzip_in_memory(text, level);
      CHECK(gunzip(compressed, size) == text);
      bool ok = false;
      CHECK(system_gunzip(compressed, ok) == text);
      CHECK(ok);
      // Parts primed with the previous 32 KiB lose almost nothing.
      CHECK(static_cast<double>(compressed.size()) <= 1.01 * static_cast<double>(gzip(text, level).size()) + 64);
    }
  }
  const std::string noise = random_bytes(1 << 20);
  CHECK(gunzip(gzip_in_memory(noise, 1), noise.size()) == noise);
  CHECK_THROWS_AS(gzip_in_memory("x", 10), Error);
}
