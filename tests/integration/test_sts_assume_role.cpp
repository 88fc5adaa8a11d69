// STS AssumeRole against radosgw's real STS (tests/radosgw/start.sh runs it
// on a second radosgw, server().sts_endpoint, and creates the roles): the temporary credentials sign S3 requests and
// presigned URLs with their session token; a role the user may not assume
// is refused with the provider named and no secret in the message.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "s3_env.hpp"
#include "sigv4/credential_providers.hpp"

using namespace sigv4;
using s3test::server;

namespace {

std::shared_ptr<CredentialsProvider> assume(const std::string& role_arn, Trace trace = {}) {
  AssumeRoleOptions options;
  options.role_arn = role_arn;
  options.role_session_name = "integration";
  options.external_id = "claimcheck-external-id";
  options.duration_seconds = 900;
  options.sts.endpoint = server().sts_endpoint;
  options.sts.region = server().region;
  options.sts.http.trace = std::move(trace);
  auto source = static_provider({server().access_key, server().secret_key, ""}, "test user");
  return assume_role_provider(options, source, "assume-role " + role_arn);
}

std::string run_command(const std::string& command) {
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    pclose(pipe);
  }
  return output;
}

}  // namespace

TEST_CASE("temporary credentials from AssumeRole put, get and presign with their session token") {
  REQUIRE_FALSE(server().role_arn.empty());
  REQUIRE_FALSE(server().sts_endpoint.empty());
  const TimedCredentials temporary = assume(server().role_arn)->fetch();
  CHECK(temporary.credentials.access_key_id != server().access_key);
  CHECK_FALSE(temporary.credentials.session_token.empty());
  REQUIRE(temporary.expiration);
  CHECK(*temporary.expiration > std::chrono::system_clock::now() + std::chrono::minutes(10));

  std::vector<std::string> trace;
  S3Config config = s3test::client_config(&trace);
  config.endpoint = server().sts_endpoint;  // where the temporary credentials are accepted
  config.credentials = {};
  config.credentials_provider = assume(server().role_arn);
  S3Client client(config);
  const std::string key = s3test::unique_prefix("sts") + "object";
  client.put_object(server().bucket, key, "assumed");
  CHECK(s3test::get_all(client, key) == "assumed");
  const std::string url = client.presign_get(server().bucket, key, std::chrono::seconds(300));
  CHECK(url.find("X-Amz-Security-Token=") != std::string::npos);
  CHECK(run_command("curl -sSf '" + url + "'") == "assumed");
  client.delete_object(server().bucket, key);
  REQUIRE_FALSE(trace.empty());
  CHECK(trace[0].starts_with("credentials: fetched from assume-role " + server().role_arn + ", valid until "));
}

TEST_CASE("a role the user may not assume: AccessDenied from STS, named, without secrets") {
  REQUIRE_FALSE(server().denied_role_arn.empty());
  S3Config config = s3test::client_config();
  config.endpoint = server().sts_endpoint;
  config.credentials = {};
  config.credentials_provider = assume(server().denied_role_arn);
  S3Client client(config);
  try {
    client.put_object(server().bucket, s3test::unique_prefix("sts-denied") + "x", "never");
    FAIL("the denied role was assumed");
  } catch (const CredentialsError& error) {
    CHECK(error.cause() == CredentialsError::Cause::Provider);
    CHECK(error.provider() == "assume-role " + server().denied_role_arn);
    CHECK(error.reason() == "STS AssumeRole at " + server().sts_endpoint + ": AccessDenied: access denied; check the credentials' permissions (HTTP 403)");
    CHECK(std::string(error.what()).find(server().secret_key) == std::string::npos);
  }
}

TEST_CASE("STS requests are traced without their signature") {
  std::vector<std::string> trace;
  assume(server().role_arn, [&](std::string_view line) { trace.emplace_back(line); })->fetch();
  REQUIRE(trace.size() == 1);
  CHECK(trace[0].starts_with("credentials: POST " + server().sts_endpoint + "/ -> 200, "));
}
