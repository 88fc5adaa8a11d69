// gc --keep-referenced: keys come from any document the scanner understands;
// an unreadable or malformed document stops gc before anything is deleted.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "gc_stats/gc.hpp"

using namespace claimcheck;

namespace {

struct TempFile {
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/cc-keep-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

const char* kState = R"({"data":{"photos":{"_type":"claim_check_ref","key":"cc/2026-01-01/000000Z-a",)"
                     R"("size_bytes":10,"compressed":false,"stored_at":"2025-12-02T00:00:00Z"}},)"
                     R"("context":{"old":{"_type":"claim_check_ref","key":"3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c",)"
                     R"("size_bytes":5,"compressed":true,"stored_at":"2025-12-01T00:00:00Z"}}})";

}  // namespace

TEST_CASE("keys referenced at any depth, from several documents") {
  TempFile state(kState);
  TempFile bare(R"({"_type":"claim_check_ref","key":"bare-key","size_bytes":1,"compressed":false,)"
                R"("stored_at":"2025-12-01T00:00:00Z"})");
  auto keys = collect_referenced_keys({state.path, bare.path});
  CHECK(keys.count("cc/2026-01-01/000000Z-a") == 1);
  CHECK(keys.count("3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c") == 1);
  CHECK(keys.count("bare-key") == 1);
  CHECK(keys.size() == 3);
}

TEST_CASE("a missing document is an error naming it") {
  try {
    collect_referenced_keys({"/nonexistent/state.json"});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);  // a path the user named that cannot be used
    CHECK(e.what_failed() == "/nonexistent/state.json");
  }
}

TEST_CASE("a document that is not JSON is an error naming it") {
  TempFile broken("{not json");
  try {
    collect_referenced_keys({broken.path});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(e.what_failed() == broken.path);
  }
}

TEST_CASE("a document with a key twice is an error: a reference under it could go unseen") {
  // JSON keeps one value of the key; the other's object would be deleted.
  TempFile twice(R"({"data":{"a":{"_type":"claim_check_ref","key":"cc/2026-01-01/000000Z-a","size_bytes":1,)"
                 R"("compressed":false,"stored_at":"2025-12-01T00:00:00Z"},"a":1}})");
  try {
    collect_referenced_keys({twice.path});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(e.what_failed() == twice.path);
    CHECK(e.why().starts_with("an object has the key \"a\" twice"));
  }
}
