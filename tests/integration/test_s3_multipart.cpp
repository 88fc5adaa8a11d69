// Multipart uploads against a real S3 server (radosgw).
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/sha256.hpp"
#include "s3_env.hpp"

using namespace sigv4;
using base::sha256_hex;
using s3test::server;

namespace {

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  std::uint32_t state = 12345;
  for (auto& c : data) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  return data;
}

bool upload_listed(S3Client& client, const std::string& prefix, const std::string& upload_id) {
  for (const auto& upload : client.list_multipart_uploads(server().bucket, prefix))
    if (upload.upload_id == upload_id) return true;
  return false;
}

}  // namespace

TEST_CASE("a 20 MiB object in 3 parts uploaded in parallel comes back byte for byte") {
  S3Client client(s3test::client_config());
  const std::string prefix = s3test::unique_prefix("multipart");
  const std::string key = prefix + "big object";
  const std::string data = pattern(20u << 20);
  const std::size_t part_size = 8u << 20;

  const std::string upload_id = client.create_multipart_upload(
      server().bucket, key, {"application/octet-stream", {{"sha256", sha256_hex(data)}}});
  CHECK(upload_listed(client, prefix, upload_id));
  std::vector<CompletedPart> parts(3);
  std::vector<std::thread> uploaders;
  for (int i = 0; i < 3; ++i)
    uploaders.emplace_back([&, i] {
      const std::string_view slice = std::string_view(data).substr(i * part_size, part_size);
      parts[i] = {i + 1, client.upload_part(server().bucket, key, upload_id, i + 1, slice)};
    });
  for (auto& uploader : uploaders) uploader.join();
  client.complete_multipart_upload(server().bucket, key, upload_id, parts);

  const ObjectInfo info = client.head_object(server().bucket, key);
  CHECK(info.size == data.size());
  CHECK(info.metadata.at("sha256") == sha256_hex(data));
  CHECK(info.etag.find("-3") != std::string::npos);  // a multipart ETag
  const std::string back = s3test::get_all(client, key);
  CHECK(back.size() == data.size());
  CHECK(sha256_hex(back) == sha256_hex(data));
  CHECK_FALSE(upload_listed(client, prefix, upload_id));
  client.delete_object(server().bucket, key);
}

TEST_CASE("an aborted multipart upload is no longer listed") {
  S3Client client(s3test::client_config());
  const std::string prefix = s3test::unique_prefix("abort");
  const std::string key = prefix + "a";
  const std::string upload_id = client.create_multipart_upload(server().bucket, key);
  client.upload_part(server().bucket, key, upload_id, 1, "part one");
  REQUIRE(client.list_multipart_uploads(server().bucket, prefix).size() == 1);
  client.abort_multipart_upload(server().bucket, key, upload_id);
  CHECK(client.list_multipart_uploads(server().bucket, prefix).empty());
  try {
    client.upload_part(server().bucket, key, upload_id, 2, "too late");
    FAIL("uploading a part to an aborted upload succeeded");
  } catch (const S3Error& error) {
    CHECK(error.code() == "NoSuchUpload");
    CHECK(error.not_found());
  }
}
