// The protobuf wire reader and writer against objects the real TypeScript
// SDK serialised, and against every way a body can be malformed.
#include <doctest/doctest.h>

#include "codec/digest.hpp"
#include "core/error.hpp"
#include "temporal/payload_wire.hpp"
#include "temporal_fixtures.hpp"

using namespace claimcheck;
using namespace claimcheck::temporal;
using namespace temporal_test;

namespace {

void check_integrity_error(std::string_view bytes, const std::string& fragment) {
  CAPTURE(fragment);
  try {
    decode_payload_wire(bytes);
    FAIL("decoded a malformed body");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Integrity);
    CHECK(e.why().find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("the SDK's objects decode to the original payloads") {
  for (const Sample& sample : kSamples) {
    CAPTURE(sample.name);
    const std::string body = fixture(std::string(sample.name) + ".bin");
    REQUIRE(body.size() == sample.object_bytes);
    CHECK(Sha256::hex(body) == sample.object_sha256);
    const Payload payload = decode_payload_wire(body);
    CHECK(payload.metadata.size() == 1);
    CHECK(payload.encoding() == sample.encoding);
    CHECK(payload.data.size() == sample.data_bytes);
    CHECK(Sha256::hex(payload.data) == sample.data_sha256);
    CHECK(payload.external_sizes.empty());
  }
  CHECK(decode_payload_wire(fixture("tiny.bin")).data == R"({"hello":"world"})");
}

TEST_CASE("encoding gives back the SDK's bytes exactly") {
  for (const Sample& sample : kSamples) {
    CAPTURE(sample.name);
    const std::string body = fixture(std::string(sample.name) + ".bin");
    CHECK(encode_payload_wire(decode_payload_wire(body)) == body);
  }
}

TEST_CASE("metadata, data and external sizes round-trip") {
  Payload payload;
  payload.metadata = {{"encoding", "binary/encrypted"}, {"encryption-key-id", "key-1"},
                      {"nonce", std::string("\0\x01\xff", 3)}, {"", "empty key"}};
  payload.data = std::string(300, '\xab');
  payload.external_sizes = {43, 0, 1ull << 40};
  CHECK(decode_payload_wire(encode_payload_wire(payload)) == payload);
  CHECK(decode_payload_wire("") == Payload{});
}

TEST_CASE("unknown fields of every wire type are skipped") {
  const std::string tiny = fixture("tiny.bin");
  std::string body;
  body += std::string("\x20\x96\x01", 3);               // field 4, varint 150
  body += std::string("\x29") + std::string(8, '\x01');  // field 5, fixed64
  body += std::string("\x35") + std::string(4, '\x02');  // field 6, fixed32
  body += std::string("\x3a\x03xyz", 5);                // field 7, 3 bytes
  body += tiny;
  // an unknown field inside a metadata entry, too
  body += std::string("\x0a\x0b\x0a\x01k\x12\x01v\x18\x05\x22\x01z", 13);
  const Payload payload = decode_payload_wire(body);
  CHECK(payload.encoding() == "json/plain");
  CHECK(payload.meta("k") == "v");
  CHECK(payload.data == R"({"hello":"world"})");
}

TEST_CASE("a repeated data field keeps the last value, as protobuf does") {
  Payload first, second;
  first.data = "first";
  second.data = "second";
  CHECK(decode_payload_wire(encode_payload_wire(first) + encode_payload_wire(second)).data == "second");
}

TEST_CASE("every truncation of a real object is refused, except at field boundaries") {
  const std::string tiny = fixture("tiny.bin");  // two fields: 24 + 19 bytes
  REQUIRE(tiny.size() == 43);
  int refused = 0;
  for (std::size_t length = 1; length < tiny.size(); ++length) {
    CAPTURE(length);
    if (length == 24) {
      CHECK(decode_payload_wire(tiny.substr(0, length)).data.empty());
      continue;
    }
    check_integrity_error(tiny.substr(0, length), "truncated");
    ++refused;
  }
  CHECK(refused == 41);
}

TEST_CASE("known fields with the wrong wire type are refused") {
  check_integrity_error(std::string("\x10\x05", 2), "field 2 (data) has wire type 0");
  check_integrity_error(std::string("\x08\x05", 2), "field 1 (metadata) has wire type 0");
  check_integrity_error(std::string("\x1d\x01\x02\x03\x04", 5), "field 3 (external_payloads) has wire type 5");
  check_integrity_error(std::string("\x0a\x02\x08\x01", 4), "field 1 (metadata key) has wire type 0");
  check_integrity_error(std::string("\x0a\x02\x10\x01", 4), "field 2 (metadata value) has wire type 0");
  check_integrity_error(std::string("\x1a\x02\x0a\x00", 4), "field 1 (size_bytes) has wire type 2");
}

TEST_CASE("malformed varints, groups, field 0 and negative sizes are refused") {
  check_integrity_error(std::string(11, '\xff'), "varint");
  check_integrity_error(std::string("\x12") + std::string(9, '\xff') + "\x7f", "varint overflows");
  check_integrity_error(std::string("\x23", 1), "groups");
  check_integrity_error(std::string("\x00\x01", 2), "field number 0");
  // size_bytes = -1 (ten-byte varint)
  check_integrity_error(std::string("\x1a\x0b\x08") + std::string(9, '\xff') + "\x01", "negative size_bytes");
  check_integrity_error(std::string("\x12\x05") + "ab", "a field of 5 bytes with 2 left");
}
