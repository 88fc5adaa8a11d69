// base/sha256.hpp against FIPS 180-2, one shot and streamed.
#include <doctest/doctest.h>

#include <string>

#include "base/sha256.hpp"

TEST_CASE("sha256_hex matches the FIPS 180-2 examples") {
  CHECK(base::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(base::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(base::sha256_hex(std::string("\0x", 2)) != base::sha256_hex("x"));  // NUL is data
}

TEST_CASE("Sha256: pieces hash like the whole, and finishing starts over") {
  base::Sha256 hasher;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) hasher.update(chunk);
  CHECK(hasher.finish_hex() ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  hasher.update("a");
  hasher.update("");
  hasher.update("bc");
  CHECK(hasher.finish_hex() == base::sha256_hex("abc"));
  CHECK(hasher.finish_hex() == base::sha256_hex(""));

  base::Sha256 moved = std::move(hasher);
  moved.update("abc");
  CHECK(moved.finish_hex() == base::sha256_hex("abc"));
}

TEST_CASE("Sha256 takes raw pointers too, an empty piece included") {
  base::Sha256 hasher;
  hasher.update("ab", 2);
  hasher.update(nullptr, 0);
  hasher.update("c", 1);
  CHECK(hasher.finish_hex() == base::sha256_hex("abc"));
}
