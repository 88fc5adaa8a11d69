// Shared by the lib/temporal tests: the real TypeScript driver's objects and
// references (data/ts-driver-1.22.0, path from TEMPORAL_TEST_DATA), and
// buckets backed by local directories.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "stores/bucket_stores.hpp"
#include "stores/local_store.hpp"
#include "temporal/payload.hpp"
#include "test_support.hpp"

namespace temporal_test {

using claimcheck::temporal::Json;

inline std::string data_dir() {
  const char* dir = std::getenv("TEMPORAL_TEST_DATA");
  return dir ? std::string(dir) + "/ts-driver-1.22.0" : std::string("data/ts-driver-1.22.0");
}

inline std::string fixture(const std::string& name) {
  std::string text = claimcheck::testing::read_file(data_dir() + "/" + name);
  if (text.empty()) throw std::runtime_error("missing fixture " + name);
  return text;
}

struct Sample {
  const char* name;
  const char* encoding;
  std::size_t data_bytes;
  const char* data_sha256;
  std::size_t object_bytes;
  const char* object_sha256;
};

/// From the generating run (README.md beside the data).
inline const Sample kSamples[] = {
    {"json-300k", "json/plain", 307266, "ee8c01ba4c4d64731061acb0b82165d623ebdf02e166d7da5834aa3b0a61e446",
     307294, "f846ac4b8e4ab92bf4870919255b37dd25d20ea6380c1b941cc2de565a865d8e"},
    {"binary-100k", "binary/plain", 102400, "e935075800c17c8eb61c3cf46fc5ceac7449b7101270cdc4a288303de4942758",
     102430, "af4c3030981a5e222a47fa0072178f02a6037dcdde6a9c5b17277d62789c6545"},
    {"tiny", "json/plain", 17, "93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588", 43,
     "9c1cb0626294082008ba7ca5ed4c2b7818d7af81c9a667782ab414dcf9737836"},
};

inline const std::string kKeyPrefix =
    "v0/ns/default/wt/InteropWorkflow/wi/interop-extstore%20wf%2B1/ri/"
    "0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f/d/sha256/";

/// Buckets that are local directories; only those added are configured.
class LocalBuckets {
 public:
  explicit LocalBuckets(std::set<std::string> allowed)
      : stores(std::move(allowed), [this](const std::string& bucket) {
          return claimcheck::make_local_store(dir / bucket);
        }) {}

  void put(const std::string& bucket, const std::string& key, const std::string& bytes) {
    auto store = claimcheck::make_local_store(dir / bucket);
    claimcheck::StringSource source(bytes);
    store->put(key, source, claimcheck::ObjectMeta{});
  }

  claimcheck::testing::TempDir dir;
  claimcheck::ConfiguredBuckets stores;
};

}  // namespace temporal_test
