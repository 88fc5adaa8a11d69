#include <doctest/doctest.h>

#include "scanner/base64.hpp"

using claimcheck::base64_decode;
using claimcheck::base64_encode;

TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    CAPTURE(plain);
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
