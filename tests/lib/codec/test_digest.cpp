// SHA-256: published test vectors, and streaming equals one-shot.
#include <doctest/doctest.h>

#include <string>

#include "codec/digest.hpp"
#include "core/error.hpp"

using claimcheck::Sha256;

TEST_CASE("Sha256 matches the FIPS 180-2 vectors") {
  CHECK(Sha256::hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256::hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256::hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256::hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256 fed in pieces equals one shot") {
  const std::string data(100000, 'z');
  Sha256 sha;
  for (std::size_t offset = 0; offset < data.size(); offset += 777)
    sha.update(data.data() + offset, std::min<std::size_t>(777, data.size() - offset));
  sha.update(nullptr, 0);
  CHECK(sha.hex_digest() == Sha256::hex(data));
}

TEST_CASE("a moved Sha256 keeps its state, and a finished one refuses more") {
  Sha256 first;
  first.update("ab", 2);
  Sha256 second(std::move(first));
  second.update("c", 1);
  Sha256 third;
  third = std::move(second);
  CHECK(third.hex_digest() == Sha256::hex("abc"));
  CHECK_THROWS_AS(third.update("d", 1), claimcheck::Error);
  CHECK_THROWS_AS(third.hex_digest(), claimcheck::Error);
}
