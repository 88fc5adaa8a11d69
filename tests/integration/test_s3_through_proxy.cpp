// The S3 client against the real server through tests/tools/fault_proxy.py:
// resets, cut bodies and 5xx on every request must not change a byte, and
// TLS is verified unless the CA bundle vouches for the server.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/sha256.hpp"
#include "s3_env.hpp"
#include "script_server.hpp"

using namespace sigv4;
using base::sha256_hex;
using s3test::server;

namespace {

std::string proxy_script() {
  const char* path = std::getenv("FAULT_PROXY_SCRIPT");
  REQUIRE(path != nullptr);
  return path;
}

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 977) % 256);
  return data;
}

S3Config through(int port, const std::string& scheme = "http") {
  S3Config config = s3test::client_config();
  config.endpoint = scheme + "://127.0.0.1:" + std::to_string(port);
  config.max_attempts = 6;
  config.backoff_base = std::chrono::milliseconds(5);
  config.backoff_cap = std::chrono::milliseconds(50);
  return config;
}

// A throw-away self-signed certificate for 127.0.0.1.
struct Certificate {
  std::filesystem::path folder, cert, key;
  Certificate() {
    char name[] = "/tmp/claimcheck-tls.XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    folder = name;
    cert = folder / "cert.pem";
    key = folder / "key.pem";
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " + key.string() +
        " -out " + cert.string() + " 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  ~Certificate() { std::filesystem::remove_all(folder); }
};

}  // namespace

TEST_CASE("every request faulted twice still round-trips single and multipart objects exactly") {
  s3test::ScriptServer proxy({"/usr/bin/python3", proxy_script(), "--upstream", server().endpoint,
                              "--fault-rate", "1", "--faults",
                              "reset-request,reset-response,truncate,500,503",
                              "--max-faults-per-request", "2", "--seed", "7",
                              "--max-seconds", "120"});
  S3Client client(through(proxy.port()));
  const std::string prefix = s3test::unique_prefix("faulted");

  const std::string single = pattern(3u << 20);
  client.put_object(server().bucket, prefix + "single", single);
  CHECK(sha256_hex(s3test::get_all(client, prefix + "single")) == sha256_hex(single));

  const std::string big = pattern(6u << 20);
  const std::string key = prefix + "multi";
  const std::string upload_id = client.create_multipart_upload(server().bucket, key);
  const std::string_view view(big);
  const std::vector<CompletedPart> parts{
      {1, client.upload_part(server().bucket, key, upload_id, 1, view.substr(0, 5u << 20))},
      {2, client.upload_part(server().bucket, key, upload_id, 2, view.substr(5u << 20))}};
  client.complete_multipart_upload(server().bucket, key, upload_id, parts);
  CHECK(client.head_object(server().bucket, key).size == big.size());
  CHECK(sha256_hex(s3test::get_all(client, key)) == sha256_hex(big));

  CHECK(client.list_objects_v2(server().bucket, prefix).objects.size() == 2);
  client.delete_objects(server().bucket, {prefix + "single", key});
  // Ten operations; each met up to two faults before getting through.
  CHECK(client.request_count() > 20);
}

TEST_CASE("TLS: a self-signed server is refused by default and accepted with its CA bundle") {
  const Certificate certificate;
  s3test::ScriptServer proxy({"/usr/bin/python3", proxy_script(), "--upstream", server().endpoint,
                              "--tls-cert", certificate.cert.string(), "--tls-key",
                              certificate.key.string(), "--max-seconds", "120"});
  S3Client strict(through(proxy.port(), "https"));
  try {
    strict.head_bucket(server().bucket);
    FAIL("an unverifiable certificate was accepted");
  } catch (const S3Error& error) {
    CHECK(error.code() == "TlsError");
    CHECK(error.transport());
  }
  CHECK(strict.request_count() == 1);  // verification failures are final

  S3Config trusting_config = through(proxy.port(), "https");
  trusting_config.ca_bundle = certificate.cert.string();
  trusting_config.unsigned_payload = true;  // allowed over TLS
  S3Client trusting(trusting_config);
  const std::string key = s3test::unique_prefix("tls") + "k";
  trusting.put_object(server().bucket, key, "over tls");
  CHECK(s3test::get_all(trusting, key) == "over tls");
  trusting.delete_object(server().bucket, key);
}
