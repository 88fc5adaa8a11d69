// base/encoding.hpp: hex, and strict base64 over OpenSSL.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/encoding.hpp"

using base::base64_decode;
using base::base64_encode;

TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    const std::string_view shown = plain;  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(shown);
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::string(plain));
  }
}

TEST_CASE("base64 round-trips every byte value") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(bytes)) == bytes);
}

TEST_CASE("base64 rejects text that is not strictly padded base64") {
  for (const char* text : {"json/plain", "Zg", "Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "v2"}) {
    CAPTURE(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("base64 rejects whitespace and misplaced padding that OpenSSL alone would accept") {
  for (const char* text : {" Zm9v", "Zm9v\n", "Zm 9", "====", "Zm9v====", "=Zm9", "Zg=x"}) {
    CAPTURE(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("base64 decodes every padding length and the whole alphabet") {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto bytes = base64_decode(alphabet);
  REQUIRE(bytes.has_value());
  CHECK(bytes->size() == 48);
  CHECK(base64_encode(*bytes) == alphabet);
  CHECK(base64_decode("Zg==") == std::string("f"));
  CHECK(base64_decode("Zm8=") == std::string("fo"));
  CHECK(base64_decode("") == std::string());
}

TEST_CASE("base64 round-trips inputs larger than one OpenSSL call takes") {
  // More than the 3 MiB / 4 MiB pieces encode and decode work in.
  std::string bytes((5u << 20) + 1, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) >> 3);
  const std::string text = base64_encode(bytes);
  CHECK(text.size() == 4 * ((bytes.size() + 2) / 3));
  CHECK(base64_decode(text) == bytes);
}

TEST_CASE("base64_append writes after what is there, as base64_encode would") {
  std::string out = "data:";
  base::base64_append(out, "foob");
  CHECK(out == "data:Zm9vYg==");
  const std::string big(5u << 20, '\x7f');  // more than one OpenSSL call
  out = "[";
  base::base64_append(out, big);
  CHECK(out == "[" + base::base64_encode(big));
}

TEST_CASE("hex_encode is lower-case and keeps every byte") {
  CHECK(base::hex_encode(std::string("\x00\x0f\xf0\xff", 4)) == "000ff0ff");
  CHECK(base::hex_encode("") == "");
}

TEST_CASE("is_hex_digit accepts 0-9, a-f and A-F only") {
  std::string accepted;
  for (int c = 0; c < 256; ++c)
    if (base::is_hex_digit(static_cast<char>(c))) accepted += static_cast<char>(c);
  CHECK(accepted == "0123456789ABCDEFabcdef");
}
