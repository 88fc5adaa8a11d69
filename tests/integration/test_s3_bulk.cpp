// Listing and deleting many keys against a real S3 server (radosgw).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "s3_env.hpp"

using namespace sigv4;
using s3test::server;

namespace {

std::string numbered(const std::string& prefix, int i) {
  char name[16];
  std::snprintf(name, sizeof name, "%05d", i);
  return prefix + name;
}

// Four threads share one client: the handle pool gives each its connection.
void put_keys(S3Client& client, const std::vector<std::string>& keys) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < keys.size(); i = next++)
        client.put_object(server().bucket, keys[i], "");
    });
  for (auto& worker : workers) worker.join();
}

std::vector<std::string> list_all(S3Client& client, const std::string& prefix, int* pages) {
  std::vector<std::string> keys;
  std::string token;
  *pages = 0;
  do {
    const ListPage page = client.list_objects_v2(server().bucket, prefix, token);
    ++*pages;
    for (const auto& object : page.objects) keys.push_back(object.key);
    token = page.next_continuation_token;
  } while (!token.empty());
  return keys;
}

}  // namespace

TEST_CASE("1,500 keys are listed over two pages; 1,200 are removed in two DeleteObjects calls") {
  S3Client client(s3test::client_config());
  const std::string prefix = s3test::unique_prefix("bulk");
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) keys.push_back(numbered(prefix, i));
  put_keys(client, keys);

  int pages = 0;
  CHECK(list_all(client, prefix, &pages) == keys);
  CHECK(pages == 2);

  const std::vector<std::string> first(keys.begin(), keys.begin() + 1000);
  const std::vector<std::string> second(keys.begin() + 1000, keys.begin() + 1200);
  const auto before = client.request_count();
  const DeleteResult one = client.delete_objects(server().bucket, first);
  const DeleteResult two = client.delete_objects(server().bucket, second);
  CHECK(client.request_count() - before == 2);
  CHECK(one.errors.empty());
  CHECK(two.errors.empty());
  CHECK(std::set<std::string>(one.deleted.begin(), one.deleted.end()) ==
        std::set<std::string>(first.begin(), first.end()));
  CHECK(std::set<std::string>(two.deleted.begin(), two.deleted.end()) ==
        std::set<std::string>(second.begin(), second.end()));

  const std::vector<std::string> remaining(keys.begin() + 1200, keys.end());
  CHECK(list_all(client, prefix, &pages) == remaining);
  CHECK(pages == 1);
  CHECK(client.delete_objects(server().bucket, remaining).deleted.size() == remaining.size());
}

TEST_CASE("more than 1,000 keys in one DeleteObjects call is refused before sending") {
  S3Client client(s3test::client_config());
  const std::vector<std::string> keys(1001, "k");
  CHECK_THROWS_AS(client.delete_objects(server().bucket, keys), std::invalid_argument);
  CHECK(client.delete_objects(server().bucket, {}).deleted.empty());
  CHECK(client.request_count() == 0);
}

TEST_CASE("a delimiter folds deeper keys into common prefixes; max-keys pages") {
  S3Client client(s3test::client_config());
  const std::string prefix = s3test::unique_prefix("delimiter");
  const std::vector<std::string> keys{prefix + "a/1", prefix + "a/2", prefix + "b/1", prefix + "top"};
  for (const auto& key : keys) client.put_object(server().bucket, key, "x");
  const ListPage page = client.list_objects_v2(server().bucket, prefix, {}, "/");
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == prefix + "top");
  CHECK(page.objects[0].size == 1);
  CHECK(page.common_prefixes == std::vector<std::string>{prefix + "a/", prefix + "b/"});

  const ListPage small = client.list_objects_v2(server().bucket, prefix, {}, {}, 3);
  CHECK(small.objects.size() == 3);
  CHECK_FALSE(small.next_continuation_token.empty());
  const ListPage rest =
      client.list_objects_v2(server().bucket, prefix, small.next_continuation_token, {}, 3);
  REQUIRE(rest.objects.size() == 1);
  CHECK(rest.objects[0].key == prefix + "top");
  CHECK(rest.next_continuation_token.empty());
  client.delete_objects(server().bucket, keys);
}
