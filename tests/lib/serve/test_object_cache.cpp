#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "serve/object_cache.hpp"

using namespace claimcheck::serve;

namespace {
ObjectCache::Bytes object(std::size_t size, char fill = 'x') {
  auto o = std::make_shared<VerifiedObject>();
  o->bytes.assign(size, fill);
  return o;
}
}  // namespace

TEST_CASE("least recently used entries go first; the bound counts bytes") {
  ObjectCache cache(1000);
  cache.insert("a", object(300));
  cache.insert("b", object(300));
  cache.insert("c", object(300));
  CHECK(cache.size_bytes() == 903);  // keys count too
  REQUIRE(cache.find("a"));          // a is now the most recent
  cache.insert("d", object(300));    // evicts b, the least recently used
  CHECK(cache.find("b") == nullptr);
  CHECK(cache.find("a"));
  CHECK(cache.find("c"));
  CHECK(cache.find("d"));
  CHECK(cache.size_bytes() <= 1000);
  CHECK(cache.hits() == 4);
  CHECK(cache.misses() == 1);
}

TEST_CASE("an object larger than the capacity is not kept; re-inserting replaces") {
  ObjectCache cache(1000);
  cache.insert("small", object(10));
  cache.insert("huge", object(2000));
  CHECK(cache.find("huge") == nullptr);
  CHECK(cache.find("small"));
  cache.insert("small", object(20, 'y'));
  CHECK(cache.find("small")->bytes == std::string(20, 'y'));
  CHECK(cache.size_bytes() == 25);
  ObjectCache disabled(0);
  disabled.insert("k", object(1));
  CHECK(disabled.find("k") == nullptr);
}

TEST_CASE("concurrent use stays within the bound") {
  ObjectCache cache(50'000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = std::to_string((i * 7 + t) % 300);
        if (!cache.find(key)) cache.insert(key, object(1000));
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(cache.size_bytes() <= 50'000);
  CHECK(cache.hits() + cache.misses() == 16'000);
}
