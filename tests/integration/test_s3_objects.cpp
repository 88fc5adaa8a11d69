// Single-object operations against a real S3 server (radosgw).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "base/sha256.hpp"
#include "s3_env.hpp"

using namespace sigv4;
using s3test::server;

namespace {

// A body that is produced, not stored: checks that uploads read a
// BodySource to its end and rewind it when asked.
class PatternBody final : public BodySource {
 public:
  explicit PatternBody(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }
  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t length = 0;
    while (length < capacity && position_ < size_) buffer[length++] = byte_at(position_++);
    return length;
  }
  void rewind() override {
    position_ = 0;
    ++rewinds;
  }
  std::string sha256_hex() override {
    // Computed by reading the body itself; rewinds afterwards.
    std::string all = contents();
    rewind();
    return base::sha256_hex(all);
  }
  std::string contents() const {
    std::string all;
    for (std::uint64_t i = 0; i < size_; ++i) all += byte_at(i);
    return all;
  }
  int rewinds = 0;

 private:
  static char byte_at(std::uint64_t i) { return static_cast<char>((i * 7919) % 251); }
  std::uint64_t size_;
  std::uint64_t position_ = 0;
};

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t length = 0;
  while ((length = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), length);
  REQUIRE(pclose(pipe) == 0);
  return output;
}

}  // namespace

TEST_CASE("put, head, get and delete round trip with metadata and content type") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("roundtrip") + "object.bin";
  std::string body = "claim-check payload\n";
  body += std::string("\0\x01\xff binary", 10);
  PutOptions options;
  options.content_type = "application/x-claimcheck";
  options.metadata = {{"sha256", "abc123"}, {"original-size", "42"}};
  client.put_object(server().bucket, key, body, options);

  const ObjectInfo info = client.head_object(server().bucket, key);
  CHECK(info.key == key);
  CHECK(info.size == body.size());
  CHECK(info.content_type == "application/x-claimcheck");
  CHECK(info.metadata == std::map<std::string, std::string>{{"sha256", "abc123"},
                                                            {"original-size", "42"}});
  CHECK_FALSE(info.etag.empty());
  CHECK(info.last_modified.time_since_epoch().count() > 0);
  CHECK(s3test::get_all(client, key) == body);

  client.delete_object(server().bucket, key);
  try {
    client.head_object(server().bucket, key);
    FAIL("HEAD of a deleted key succeeded");
  } catch (const S3Error& error) {
    CHECK(error.http_status() == 404);
    CHECK(error.not_found());
  }
}

TEST_CASE("HEAD and GET of a missing key are 404 S3Errors that say not found") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("missing") + "nothing-here";
  try {
    client.head_object(server().bucket, key);
    FAIL("HEAD of a missing key succeeded");
  } catch (const S3Error& error) {
    CHECK(error.http_status() == 404);
    CHECK(error.not_found());
    CHECK(error.operation() == "HeadObject " + server().bucket + "/" + key);
  }
  try {
    s3test::get_all(client, key);
    FAIL("GET of a missing key succeeded");
  } catch (const S3Error& error) {
    CHECK(error.http_status() == 404);
    CHECK(error.code() == "NoSuchKey");
    CHECK(error.not_found());
  }
  CHECK(client.request_count() == 2);  // a 404 is never retried
}

TEST_CASE("HEAD bucket: the test bucket exists, a random one does not") {
  S3Client client(s3test::client_config());
  client.head_bucket(server().bucket);
  try {
    client.head_bucket("claimcheck-no-such-bucket-" + s3test::unique_prefix("b").substr(14, 12));
    FAIL("HEAD of a missing bucket succeeded");
  } catch (const S3Error& error) {
    CHECK(error.http_status() == 404);
    CHECK(error.not_found());
  }
}

TEST_CASE("a byte range returns exactly those bytes") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("range") + "r";
  client.put_object(server().bucket, key, "0123456789");
  std::string part;
  auto sink = [&part](const char* data, std::size_t size) { part.append(data, size); };
  client.get_object(server().bucket, key, sink, ByteRange{3, 6});
  CHECK(part == "3456");
  part.clear();
  client.get_object(server().bucket, key, sink, ByteRange{7, std::nullopt});
  CHECK(part == "789");
  client.delete_object(server().bucket, key);
}

TEST_CASE("keys with reserved, unicode and XML-special characters: put, list, get, delete") {
  S3Client client(s3test::client_config());
  const std::string prefix = s3test::unique_prefix("special");
  const std::vector<std::string> names{"a b+c=d&e?f#g%h~i!j*k'l(m)n",
                                       "\xC3\xBCn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC",
                                       "x<y>&\"z'", "dots/./and/../double//slash"};
  std::vector<std::string> keys;
  for (const auto& name : names) {
    keys.push_back(prefix + name);
    client.put_object(server().bucket, keys.back(), "body of " + name);
  }
  const ListPage page = client.list_objects_v2(server().bucket, prefix);
  std::vector<std::string> listed;
  for (const auto& object : page.objects) listed.push_back(object.key);
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  CHECK(listed == expected);
  for (std::size_t i = 0; i < keys.size(); ++i)
    CHECK(s3test::get_all(client, keys[i]) == "body of " + names[i]);
  const DeleteResult deleted = client.delete_objects(server().bucket, keys);
  CHECK(deleted.errors.empty());
  std::vector<std::string> deleted_keys = deleted.deleted;
  std::sort(deleted_keys.begin(), deleted_keys.end());
  CHECK(deleted_keys == expected);
  CHECK(client.list_objects_v2(server().bucket, prefix).objects.empty());
}

TEST_CASE("copy onto itself replaces the metadata and keeps the bytes") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("copy") + "c";
  client.put_object(server().bucket, key, "same bytes", {"text/plain", {{"state", "old"}, {"gone", "1"}}});
  client.copy_object_replace_metadata(server().bucket, key,
                                      {"application/json", {{"state", "new"}}});
  const ObjectInfo info = client.head_object(server().bucket, key);
  CHECK(info.metadata == std::map<std::string, std::string>{{"state", "new"}});
  CHECK(info.content_type == "application/json");
  CHECK(s3test::get_all(client, key) == "same bytes");
  client.delete_object(server().bucket, key);
}

TEST_CASE("a streamed BodySource is uploaded whole, with Content-Length") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("stream") + "s";
  PatternBody body(3 * 1024 * 1024 + 17);
  client.put_object(server().bucket, key, body);
  CHECK(client.head_object(server().bucket, key).size == body.size());
  CHECK(s3test::get_all(client, key) == body.contents());
  client.delete_object(server().bucket, key);
}

TEST_CASE("region 'auto' (Cloudflare R2) is signed as given and accepted") {
  S3Config config = s3test::client_config();
  config.region = "auto";
  S3Client client(config);
  const std::string key = s3test::unique_prefix("auto-region") + "k";
  client.put_object(server().bucket, key, "auto");
  CHECK(client.head_object(server().bucket, key).size == 4);
  client.delete_object(server().bucket, key);
}

TEST_CASE("a wrong secret is a SignatureDoesNotMatch S3Error with a clear message, no secret") {
  S3Config config = s3test::client_config();
  config.credentials.secret_access_key = "WRONG-secret-0000000000000000000000000000";
  S3Client client(config);
  const std::string key = s3test::unique_prefix("badsecret") + "k";
  try {
    client.put_object(server().bucket, key, "x");
    FAIL("a PUT with a wrong secret succeeded");
  } catch (const S3Error& error) {
    CHECK(error.http_status() == 403);
    CHECK(error.code() == "SignatureDoesNotMatch");
    const std::string message = error.what();
    CHECK(message.find("SignatureDoesNotMatch") != std::string::npos);
    CHECK(message.find("check the secret access key") != std::string::npos);
    CHECK(message.find("WRONG-secret") == std::string::npos);
  }
  CHECK(client.request_count() == 1);  // a 403 is final
}

TEST_CASE("a presigned GET URL works with plain curl and carries no secret") {
  S3Client client(s3test::client_config());
  const std::string key = s3test::unique_prefix("presign") + "p q+r/\xC3\xBC";
  client.put_object(server().bucket, key, "presigned content");
  const std::string url = client.presign_get(server().bucket, key, std::chrono::seconds(300));
  CHECK(url.find(server().secret_key) == std::string::npos);
  CHECK(url.rfind(server().endpoint + "/" + server().bucket + "/", 0) == 0);
  CHECK(run_command("curl -sSf '" + url + "'") == "presigned content");
  client.delete_object(server().bucket, key);
}

TEST_CASE("the trace has one line per attempt and never the secret or a signature") {
  std::vector<std::string> trace;
  S3Client client(s3test::client_config(&trace));
  const std::string key = s3test::unique_prefix("trace") + "t";
  client.put_object(server().bucket, key, "traced");
  s3test::get_all(client, key);
  client.delete_object(server().bucket, key);
  REQUIRE(trace.size() == 3);
  CHECK(trace[0].find("PUT /" + server().bucket + "/") != std::string::npos);
  CHECK(trace[0].find("-> 200") != std::string::npos);
  CHECK(trace[0].find("sent 6 B") != std::string::npos);
  CHECK(trace[0].find("attempt 1/5") != std::string::npos);
  CHECK(trace[1].find("received 6 B") != std::string::npos);
  CHECK(trace[2].find("DELETE") != std::string::npos);
  CHECK(trace[0].find("new connection") != std::string::npos);
  CHECK(trace[1].find("reused connection") != std::string::npos);  // the pool keeps it alive
  CHECK(trace[2].find("reused connection") != std::string::npos);
  const std::regex hex64("[0-9a-f]{64}");
  for (const auto& line : trace) {
    CHECK(line.find(server().secret_key) == std::string::npos);
    CHECK_FALSE(std::regex_search(line, hex64));
  }
}
