// Keys from references are refused the same way by every store, before any
// path is touched or any request is made.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "stores/local_store.hpp"
#include "stores/s3_store.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

const std::vector<std::string> kBadKeys = {
    "../../etc/passwd", "/etc/passwd", "a/../../b", "a/./b", "..", ".", "a//b", "a/", "a\\b", "bad\nkey", ""};

/// An S3 store whose endpoint nothing listens on: a request would fail as Error(Store).
std::unique_ptr<Store> unreachable_s3() {
  S3Settings settings;
  settings.endpoint = "http://127.0.0.1:9";
  settings.bucket = "b";
  settings.region = "us-east-1";
  settings.access_key_id = "AKIDEXAMPLE";
  settings.secret_access_key = "secret";
  return make_s3_store(settings);
}

ErrorKind kind_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::Internal;
}

void check_refuses_every_bad_key(Store& store) {
  for (const std::string& key : kBadKeys) {
    CAPTURE(key);
    StringSink sink;
    StringSource source("x");
    CHECK(kind_of([&] { store.get(key, sink); }) == ErrorKind::InvalidInput);
    CHECK(kind_of([&] { store.head(key); }) == ErrorKind::InvalidInput);
    CHECK(kind_of([&] { store.put(key, source, ObjectMeta{}); }) == ErrorKind::InvalidInput);
    CHECK(kind_of([&] { store.remove(key); }) == ErrorKind::InvalidInput);
    CHECK(kind_of([&] { store.fetch_url(key, std::chrono::hours(1)); }) == ErrorKind::InvalidInput);
    BatchDeleteResult batch = store.remove_batch({key});
    CHECK(batch.deleted.empty());
    CHECK(batch.failed.size() == 1);
  }
}

}  // namespace

TEST_CASE("the local store refuses keys that leave their place") {
  TempDir dir;
  auto store = make_local_store(dir.path());
  check_refuses_every_bad_key(*store);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("S3 refuses the same keys without sending a request") {
  auto store = unreachable_s3();
  check_refuses_every_bad_key(*store);
  CHECK(store->request_count() == 0);
  // A valid key does reach the wire (and fails there): the refusals above are the rules, not the network.
  StringSink sink;
  CHECK(kind_of([&] { store->get("claimcheck/ok", sink); }) == ErrorKind::Store);
}
