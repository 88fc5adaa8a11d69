// crypto.hpp against published vectors: FIPS 180-2 (SHA-256), RFC 4231
// (HMAC-SHA256), RFC 1321 (MD5, here base64-encoded as Content-MD5 wants).
#include <doctest/doctest.h>

#include <string>

#include "crypto.hpp"

TEST_CASE("sha256_hex matches the FIPS 180-2 examples") {
  CHECK(sigv4::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sigv4::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sigv4::sha256_hex(std::string("\0x", 2)) != sigv4::sha256_hex("x"));  // NUL is data
}

TEST_CASE("Sha256Hasher: pieces hash like the whole, and finishing starts over") {
  sigv4::Sha256Hasher hasher;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) hasher.update(chunk);
  CHECK(hasher.finish_hex() ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  hasher.update("a");
  hasher.update("");
  hasher.update("bc");
  CHECK(hasher.finish_hex() == sigv4::sha256_hex("abc"));
  CHECK(hasher.finish_hex() == sigv4::sha256_hex(""));

  sigv4::Sha256Hasher moved = std::move(hasher);
  moved.update("abc");
  CHECK(moved.finish_hex() == sigv4::sha256_hex("abc"));
}

TEST_CASE("hmac_sha256 matches RFC 4231") {
  CHECK(sigv4::hex_encode(sigv4::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(sigv4::hex_encode(sigv4::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block size is hashed first.
  CHECK(sigv4::hex_encode(sigv4::hmac_sha256(
            std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(sigv4::hmac_sha256("key", "data").size() == 32);
}

TEST_CASE("md5_base64 gives the Content-MD5 header value") {
  CHECK(sigv4::md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(sigv4::md5_base64("abc") == "kAFQmDzST7DWlj99KOF/cg==");
}

TEST_CASE("hex_encode is lower-case and keeps every byte") {
  CHECK(sigv4::hex_encode(std::string("\x00\x0f\xf0\xff", 4)) == "000ff0ff");
  CHECK(sigv4::hex_encode("") == "");
}
