// Keys: UUID v4 shape, the expiry layout, and reading it back from any prefix.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "reference/keys.hpp"

using namespace claimcheck;

namespace {
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

TEST_CASE("random_uuid_v4 has the v4 shape and does not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = random_uuid_v4();
    REQUIRE(uuid.size() == 36);
    for (std::size_t k = 0; k < uuid.size(); ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23)
        CHECK(uuid[k] == '-');
      else
        CHECK(is_lower_hex(uuid[k]));
    }
    CHECK(uuid[14] == '4');                                          // version
    CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);  // variant
    seen.insert(uuid);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("make_key writes <prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid> in UTC") {
  const TimePoint expiry = parse_rfc3339("2026-02-08T15:04:05+02:00");
  const std::string key = make_key("claimcheck/", expiry);
  CHECK(key.rfind("claimcheck/2026-02-08/130405Z-", 0) == 0);
  CHECK(key.size() == std::string("claimcheck/2026-02-08/130405Z-").size() + 36);
  CHECK(make_key("", expiry).rfind("2026-02-08/130405Z-", 0) == 0);
}

TEST_CASE("make_key refuses prefixes that make an invalid key") {
  CHECK_THROWS_AS(make_key(std::string(1000, 'p'), TimePoint{}), Error);
  CHECK_THROWS_AS(make_key("bad\nprefix/", TimePoint{}), Error);
}

TEST_CASE("expiry_from_key reads the layout back, whatever the prefix") {
  const TimePoint expiry = parse_rfc3339("2026-02-08T13:04:05Z");
  for (const std::string prefix : {"", "claimcheck/", "a/b/c/", "tenant-7-", "2026-01-01/", "x"}) {
    CAPTURE(prefix);
    const auto back = expiry_from_key(make_key(prefix, expiry + std::chrono::milliseconds{900}));
    REQUIRE(back.has_value());
    CHECK(*back == expiry);  // whole seconds
  }
}

TEST_CASE("is_runner_key_at_root: a bare UUID or claimcheck's layout with no prefix, nothing else") {
  const std::string uuid = "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c";
  CHECK(is_runner_key_at_root(uuid));
  CHECK(is_runner_key_at_root("2026-02-08/130405Z-" + uuid));
  const std::vector<std::string> others = {"5", "backup.tar", uuid + ".bak", "x" + uuid, "claimcheck/" + uuid,
                                          "claimcheck/2026-02-08/130405Z-" + uuid, "2026-02-30/130405Z-" + uuid, ""};
  for (const std::string& other : others)
    CHECK_FALSE(is_runner_key_at_root(other));
}

TEST_CASE("expiry_from_key returns nullopt for foreign or invalid keys") {
  const std::string uuid = "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c";
  const std::vector<std::string> foreign = {
      "",
      uuid,                                             // Go runner: bare UUID
      "claimcheck/" + uuid,                             // TypeScript runner
      "claimcheck/2026-02-30/130405Z-" + uuid,          // no February 30th
      "claimcheck/2026-13-08/130405Z-" + uuid,          // month 13
      "claimcheck/2026-02-08/250405Z-" + uuid,          // hour 25
      "claimcheck/2026-02-08/136005Z-" + uuid,          // minute 60
      "claimcheck/2026-02-08-130405Z-" + uuid,          // '-' instead of '/'
      "claimcheck/2026-02-08/130405-" + uuid + "x",     // no Z, trailing junk
      "claimcheck/2026-02-08/130405Z_" + uuid,          // '_' instead of '-'
      "claimcheck/2026-02-08/1304O5Z-" + uuid,          // letter O in the time
      "claimcheck/2026-02-08/130405Z-3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8g",  // not hex
      "claimcheck/2026-02-08/130405Z-3f4a5b6c7d8e-4f0a-9b2c-3d4e5f6a7b8c0",  // dashes moved
      "2026-02-08/130405Z-",
  };
  for (const std::string& key : foreign) {
    CAPTURE(key);
    CHECK_FALSE(expiry_from_key(key).has_value());
  }
  CHECK(expiry_from_key("2026-02-08/130405Z-" + uuid).has_value());  // the shortest valid key
}

TEST_CASE("is_other_key: at the root a key no runner writes; anywhere a key no request may name") {
  const std::string uuid = "0f8b6c1e-6d7a-4a53-9c6e-2b1f4e8d9a10";
  CHECK_FALSE(is_other_key(uuid, true));
  CHECK(is_other_key("notes.txt", true));
  CHECK_FALSE(is_other_key("claimcheck/notes.txt", false));  // under a prefix: judged by TTL
  for (const std::string key : {"claimcheck/evil\nname", "claimcheck/back\\slash", "claimcheck/bad\xff"}) {
    CAPTURE(key);
    CHECK(is_other_key(key, false));
  }
}
