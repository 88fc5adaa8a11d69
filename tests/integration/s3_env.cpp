#define DOCTEST_CONFIG_IMPLEMENT
#include "s3_env.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>

namespace s3test {
namespace {

std::optional<Server> from_environment() {
  auto get = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
  };
  Server found{get("CLAIMCHECK_TEST_S3_ENDPOINT"), get("CLAIMCHECK_TEST_S3_ACCESS_KEY"),
               get("CLAIMCHECK_TEST_S3_SECRET_KEY"), get("CLAIMCHECK_TEST_S3_BUCKET"),
               get("CLAIMCHECK_TEST_S3_REGION"), get("CLAIMCHECK_TEST_S3_STS_ENDPOINT"),
               get("CLAIMCHECK_TEST_S3_ROLE_ARN"),
               get("CLAIMCHECK_TEST_S3_DENIED_ROLE_ARN")};
  if (found.endpoint.empty() || found.access_key.empty() || found.secret_key.empty() ||
      found.bucket.empty())
    return std::nullopt;
  if (found.region.empty()) found.region = "us-east-1";
  return found;
}

Server& the_server() {
  static Server server;
  return server;
}

std::string random_hex(std::size_t length) {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += "0123456789abcdef"[generator() % 16];
  return out;
}

}  // namespace

const Server& server() { return the_server(); }

std::string unique_prefix(const std::string& test_name) {
  return "claimcheck-it/" + random_hex(12) + "/" + test_name + "/";
}

sigv4::S3Config client_config(std::vector<std::string>* trace) {
  sigv4::S3Config config;
  config.endpoint = server().endpoint;
  config.region = server().region;
  config.credentials = {server().access_key, server().secret_key, ""};
  if (trace != nullptr) {
    auto mutex = std::make_shared<std::mutex>();
    config.trace = [trace, mutex](std::string_view line) {
      std::lock_guard lock(*mutex);
      trace->emplace_back(line);
    };
  }
  return config;
}

std::string get_all(sigv4::S3Client& client, const std::string& key) {
  std::string bytes;
  client.get_object(server().bucket, key,
                    [&bytes](const char* data, std::size_t size) { bytes.append(data, size); });
  return bytes;
}

int run_tests(int argc, char** argv) {
  const auto found = from_environment();
  const char* require = std::getenv("CLAIMCHECK_TEST_REQUIRE_S3");
  if (!found) {
    const bool required = require != nullptr && std::string(require) == "1";
    std::cerr << "CLAIMCHECK_TEST_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY/_BUCKET not set"
              << (required ? " but CLAIMCHECK_TEST_REQUIRE_S3=1: failing\n" : ": skipping\n");
    return required ? 1 : 77;
  }
  the_server() = *found;
  doctest::Context context(argc, argv);
  return context.run();
}

}  // namespace s3test

int main(int argc, char** argv) { return s3test::run_tests(argc, argv); }
