// Shared by the radosgw tests: the server from CLAIMCHECK_TEST_S3_*, a
// unique key prefix per run, and a main that skips (77) without a server.
#pragma once

#include <string>

#include "sigv4/s3_client.hpp"

namespace s3test {

struct Server {
  std::string endpoint, access_key, secret_key, bucket, region;
  std::string sts_endpoint;  // the same cluster, with STS AssumeRole and its credentials accepted
  std::string role_arn, denied_role_arn;  // STS AssumeRole: a role the user may assume, one it may not
};

/// The server the environment names (valid once run_tests decided to run).
const Server& server();

/// "claimcheck-it/<random>/": every test puts its keys below its own prefix.
std::string unique_prefix(const std::string& test_name);

/// A client for server(); `trace` receives the trace lines if given.
sigv4::S3Config client_config(std::vector<std::string>* trace = nullptr);

/// All bytes of an object.
std::string get_all(sigv4::S3Client& client, const std::string& key);

/// 77 (skipped) when the variables are unset and CLAIMCHECK_TEST_REQUIRE_S3
/// is not 1; 1 when required but missing; else doctest's result.
int run_tests(int argc, char** argv);

}  // namespace s3test
