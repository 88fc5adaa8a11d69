// crypto.hpp against published vectors: RFC 4231 (HMAC-SHA256), RFC 1321
// (MD5, here base64-encoded as Content-MD5 wants).
#include <doctest/doctest.h>

#include <string>

#include "base/encoding.hpp"
#include "crypto.hpp"

TEST_CASE("hmac_sha256 matches RFC 4231") {
  CHECK(base::hex_encode(sigv4::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(base::hex_encode(sigv4::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block size is hashed first.
  CHECK(base::hex_encode(sigv4::hmac_sha256(
            std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(sigv4::hmac_sha256("key", "data").size() == 32);
}

TEST_CASE("md5_base64 gives the Content-MD5 header value") {
  CHECK(sigv4::md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(sigv4::md5_base64("abc") == "kAFQmDzST7DWlj99KOF/cg==");
}
