// Each credential provider against tests/tools/credential_server.py, which
// speaks the documented wire formats of EC2 instance metadata, the container
// agent, SSO GetRoleCredentials and STS AssumeRoleWithWebIdentity; and
// credential_process with scripts. Every error names its provider and holds
// no secret, session token or web identity token.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "../integration/script_server.hpp"
#include "../support/test_support.hpp"
#include "credentials/credential_fields.hpp"
#include "credentials/process_tree.hpp"
#include "crypto.hpp"
#include "http_transfer.hpp"
#include "sigv4/credential_providers.hpp"

using namespace sigv4;
using claimcheck::testing::TempDir;
using claimcheck::testing::write_file;

namespace {

std::vector<std::string> server_command(std::vector<std::string> extra) {
  const char* script = std::getenv("CREDENTIAL_SERVER_SCRIPT");
  REQUIRE(script != nullptr);
  std::vector<std::string> argv{"/usr/bin/python3", script, "--max-seconds", "120"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::string base_url(const s3test::ScriptServer& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

// GET /__stats: what the server was asked.
nlohmann::json stats(const s3test::ScriptServer& server) {
  CurlEasy easy;
  const HttpOutcome outcome = perform_http(easy, {"GET", base_url(server) + "/__stats", {}, nullptr, nullptr}, {});
  REQUIRE(outcome.status == 200);
  return nlohmann::json::parse(outcome.body);
}

// Runs `fetch` expecting a CredentialsError; returns it.
template <typename Fetch>
CredentialsError error_of(Fetch fetch) {
  try {
    fetch();
  } catch (const CredentialsError& error) {
    return error;
  }
  FAIL("no CredentialsError");
  return CredentialsError(CredentialsError::Cause::Provider, "", "");
}

void check_no_secret(const std::string& text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    INFO("message: " << text);
    CHECK(text.find(secret) == std::string::npos);
  }
}

ImdsOptions imds_at(const s3test::ScriptServer& server) {
  ImdsOptions options;
  options.endpoint = base_url(server);
  return options;
}

// A session-style SSO profile whose token cache is `cache`, served by `server`.
SsoOptions sso_options(const s3test::ScriptServer& server, const TempDir& cache) {
  SsoOptions options;
  options.token_cache_dir = cache.path();
  options.session_name = "my-session";
  options.account_id = "123456789012";
  options.role_name = "ReadOnly";
  options.region = "us-east-1";
  options.endpoint = base_url(server);
  options.login_hint = "aws sso login --sso-session my-session";
  return options;
}

void make_executable(const std::string& path) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

}  // namespace

TEST_CASE("IMDS: a session token by PUT with its TTL, then the role name and its credentials") {
  s3test::ScriptServer server(server_command({}));
  const TimedCredentials timed = imds_provider(imds_at(server), "imds")->fetch();
  CHECK(timed.credentials.access_key_id == "AKIDIMDS0001");
  CHECK(timed.credentials.session_token.starts_with("token-imds-"));
  REQUIRE(timed.expiration);
  CHECK(*timed.expiration > std::chrono::system_clock::now() + std::chrono::minutes(50));
  const auto requests = stats(server)["requests"];
  REQUIRE(requests.size() == 3);
  CHECK(requests[0]["method"] == "PUT");
  CHECK(requests[0]["path"] == "/latest/api/token");
  CHECK(requests[0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"] == "21600");
  CHECK(requests[1]["path"] == "/latest/meta-data/iam/security-credentials/");
  CHECK(requests[2]["path"] == "/latest/meta-data/iam/security-credentials/claimcheck-test-role");
  for (int i = 1; i < 3; ++i)
    CHECK(requests[i]["headers"]["x-aws-ec2-metadata-token"].get<std::string>().starts_with("imds-token-"));
}

TEST_CASE("IMDS: the session token is reused for the next fetch") {
  s3test::ScriptServer server(server_command({}));
  auto provider = imds_provider(imds_at(server), "imds");
  provider->fetch();
  CHECK(provider->fetch().credentials.access_key_id == "AKIDIMDS0002");
  CHECK(stats(server)["requests"].size() == 5);  // one PUT, two GETs per fetch
}

TEST_CASE("IMDS: version 1 only when allowed") {
  s3test::ScriptServer server(server_command({"--imds", "v1-only"}));
  const CredentialsError refused = error_of([&] { imds_provider(imds_at(server), "imds")->fetch(); });
  CHECK(refused.cause() == CredentialsError::Cause::Configuration);
  CHECK(refused.reason().find("HTTP 404 to the IMDSv2 token request and IMDSv1 is not enabled") !=
        std::string::npos);
  CHECK(stats(server)["requests"].size() == 1);  // nothing asked without a token

  ImdsOptions v1 = imds_at(server);
  v1.allow_v1 = true;
  CHECK(imds_provider(v1, "imds")->fetch().credentials.access_key_id == "AKIDIMDS0001");
  const auto requests = stats(server)["requests"];
  REQUIRE(requests.size() == 4);
  CHECK_FALSE(requests[2]["headers"].contains("x-aws-ec2-metadata-token"));
}

TEST_CASE("IMDS: an instance without a role, a refused token, a hung or absent service") {
  {
    s3test::ScriptServer server(server_command({"--imds", "no-role"}));
    const auto error = error_of([&] { imds_provider(imds_at(server), "imds")->fetch(); });
    CHECK(error.cause() == CredentialsError::Cause::Configuration);
    CHECK(error.reason().starts_with("no IAM role is attached to this instance"));
  }
  {
    s3test::ScriptServer server(server_command({"--imds", "refuse-token"}));
    const auto error = error_of([&] { imds_provider(imds_at(server), "imds")->fetch(); });
    CHECK(error.reason().find("HTTP 403 to the IMDSv2 token request") != std::string::npos);
  }
  {
    // Accepts the connection and never answers: the probe gives up after its timeout.
    s3test::ScriptServer server(server_command({"--hang"}));
    const auto error = error_of([&] { imds_provider(imds_at(server), "imds")->fetch(); });
    CHECK(error.cause() == CredentialsError::Cause::Provider);
    CHECK(error.provider() == "imds");
    CHECK(error.reason() == "EC2 instance metadata at " + base_url(server) +
                                " not reachable: Timeout (no answer within 1 s)");
  }
  ImdsOptions closed;
  closed.endpoint = "http://127.0.0.1:1";
  const auto error = error_of([&] { imds_provider(closed, "imds")->fetch(); });
  CHECK(error.reason().starts_with("EC2 instance metadata at http://127.0.0.1:1 not reachable: ConnectionFailed"));
}

TEST_CASE("container: the authorization token from the variable or the file, which wins") {
  s3test::ScriptServer server(server_command({"--container-token", "Bearer container-secret"}));
  ContainerOptions options;
  options.full_uri = base_url(server) + "/container/v1/credentials";
  options.authorization_token = "Bearer container-secret";
  const TimedCredentials timed = container_provider(options, "container")->fetch();
  CHECK(timed.credentials.access_key_id == "AKIDCONTAINER0001");
  CHECK(timed.expiration);

  TempDir folder;
  write_file(folder / "token", "Bearer container-secret\n");  // the kubelet's file ends in a newline
  options.authorization_token = "Bearer wrong";
  options.authorization_token_file = folder / "token";
  CHECK(container_provider(options, "container")->fetch().credentials.access_key_id == "AKIDCONTAINER0002");
  const auto requests = stats(server)["requests"];
  CHECK(requests[1]["headers"]["authorization"] == "Bearer container-secret");

  write_file(folder / "token", "Bearer not-the-one");
  const auto refused = error_of([&] { container_provider(options, "container")->fetch(); });
  CHECK(refused.reason() == "container credentials at " + base_url(server) +
                                " answered HTTP 401 (AccessDeniedException)");
  check_no_secret(refused.what(), {"not-the-one", "container-secret"});
}

TEST_CASE("container: a relative URI stays on the ECS agent: one that would name another host is refused") {
  // Pasted after http://169.254.170.2, "@10.255.255.1/creds" was that host, token and all.
  for (const char* relative : {"@10.255.255.1/creds", ".evil/creds", "creds", ":1@127.0.0.1/x"}) {
    ContainerOptions options;
    options.relative_uri = relative;
    options.authorization_token = "Bearer container-secret";
    const auto error = error_of([&] { container_provider(options, "container")->fetch(); });
    CHECK(error.cause() == CredentialsError::Cause::Configuration);
    CHECK(error.reason() == "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path beginning with '/' (on the ECS "
                            "agent at 169.254.170.2)");
  }
}

TEST_CASE("container: plain http only to loopback or the agents' addresses") {
  ContainerOptions options;
  options.full_uri = "http://203.0.113.7/creds";
  const auto error = error_of([&] { container_provider(options, "container")->fetch(); });
  CHECK(error.cause() == CredentialsError::Cause::Configuration);
  CHECK(error.reason().find("must name a loopback address or the container agent") != std::string::npos);
  options.full_uri = "ftp://127.0.0.1/creds";
  CHECK(error_of([&] { container_provider(options, "container")->fetch(); }).reason().find("is not an http(s) URL") !=
        std::string::npos);
  // The agents' own addresses pass the check (and then fail to connect quickly here).
  for (const char* allowed : {"http://169.254.170.23/v1/credentials", "http://[::1]:1/x", "http://127.9.9.9:1/x"}) {
    options.full_uri = allowed;
    options.http.connect_timeout = std::chrono::milliseconds(200);
    options.http.timeout = std::chrono::milliseconds(200);
    options.http.max_attempts = 1;
    const auto not_refused = error_of([&] { container_provider(options, "container")->fetch(); });
    CHECK(not_refused.cause() == CredentialsError::Cause::Provider);
  }
}

TEST_CASE("SSO: the cached token found by the session name, or by the start URL (legacy)") {
  s3test::ScriptServer server(server_command({"--sso-token", "sso-secret-token"}));
  TempDir cache;
  const std::string later = "2200-01-01T00:00:00Z";
  write_file(cache / (sha1_hex("my-session") + ".json"),
        R"({"accessToken":"sso-secret-token","expiresAt":")" + later + R"(","region":"us-east-1"})");
  const SsoOptions options = sso_options(server, cache);
  const TimedCredentials timed = sso_provider(options, "sso")->fetch();
  CHECK(timed.credentials.access_key_id == "AKIDSSO0001");
  REQUIRE(timed.expiration);
  CHECK(*timed.expiration > std::chrono::system_clock::now());
  const auto request = stats(server)["requests"][0];
  CHECK(request["path"] == "/federation/credentials?account_id=123456789012&role_name=ReadOnly");
  CHECK(request["headers"]["x-amz-sso_bearer_token"] == "sso-secret-token");

  SsoOptions legacy = options;
  legacy.session_name.clear();
  legacy.start_url = "https://example.awsapps.com/start";
  write_file(cache / (sha1_hex(legacy.start_url) + ".json"),
        R"({"accessToken":"sso-secret-token","expiresAt":")" + later + R"("})");
  CHECK(sso_provider(legacy, "sso")->fetch().credentials.access_key_id == "AKIDSSO0002");
}

TEST_CASE("SSO: a missing, expired or refused token says to log in again") {
  s3test::ScriptServer server(server_command({"--sso-token", "sso-secret-token"}));
  TempDir cache;
  const SsoOptions options = sso_options(server, cache);
  const std::string file = cache / (sha1_hex("my-session") + ".json");

  auto missing = error_of([&] { sso_provider(options, "sso")->fetch(); });
  CHECK(missing.cause() == CredentialsError::Cause::Configuration);
  CHECK(missing.reason() == "no SSO token is cached in " + file + ": run `aws sso login --sso-session my-session`");

  write_file(file, R"({"accessToken":"sso-secret-token","expiresAt":"2020-01-01T00:00:00Z"})");
  auto expired = error_of([&] { sso_provider(options, "sso")->fetch(); });
  CHECK(expired.reason() == "the SSO token cached in " + file +
                                " expired at 2020-01-01T00:00:00Z: run `aws sso login --sso-session my-session`");

  write_file(file, R"({"accessToken":"cut-secret-token","expiresAt":"2200-01-01T00)");
  auto cut = error_of([&] { sso_provider(options, "sso")->fetch(); });
  CHECK(cut.reason() == "the SSO token cache " + file +
                            " is not a JSON object (cut short, or not written by aws sso login): run `aws sso login "
                            "--sso-session my-session`");
  check_no_secret(cut.what(), {"cut-secret-token"});

  write_file(file, R"({"accessToken":"another-token","expiresAt":"2200-01-01T00:00:00Z"})");
  auto refused = error_of([&] { sso_provider(options, "sso")->fetch(); });
  CHECK(refused.reason() == "the SSO portal refused the cached token (HTTP 401, UnauthorizedException: Session token "
                            "not found or invalid): run `aws sso login --sso-session my-session`");
  check_no_secret(refused.what(), {"another-token", "sso-secret-token"});
  CHECK(stats(server)["requests"].size() == 1);  // only the refused one reached the portal

  // An empty token is none (it was sent, in an empty header).
  write_file(file, R"({"accessToken":"","expiresAt":"2200-01-01T00:00:00Z"})");
  CHECK(error_of([&] { sso_provider(options, "sso")->fetch(); }).reason() ==
        "the SSO token cache " + file + " holds no accessToken: run `aws sso login --sso-session my-session`");
  write_file(file, R"({"accessToken":"sso-secret-token"})");
  CHECK(error_of([&] { sso_provider(options, "sso")->fetch(); }).reason() ==
        "the SSO token cache " + file + " holds no expiresAt: run `aws sso login --sso-session my-session`");
  CHECK(stats(server)["requests"].size() == 1);
}

TEST_CASE("SSO: a role that is not the user's is the portal's refusal, with its message, not a stale login") {
  s3test::ScriptServer server(server_command({"--sso-token", "sso-secret-token"}));
  TempDir cache;
  SsoOptions options = sso_options(server, cache);
  // The AWS CLI v1 wrote its expiry so; botocore reads it still.
  write_file(cache / (sha1_hex("my-session") + ".json"),
             R"({"accessToken":"sso-secret-token","expiresAt":"2200-01-01T00:00:00UTC"})");
  CHECK(sso_provider(options, "sso")->fetch().credentials.access_key_id == "AKIDSSO0001");
  options.role_name = "NotYours";
  const auto forbidden = error_of([&] { sso_provider(options, "sso")->fetch(); });
  CHECK(forbidden.cause() == CredentialsError::Cause::Provider);  // exit 6: no login mends it
  CHECK(forbidden.reason() == "SSO portal at " + base_url(server) +
                                  " refused role NotYours of account 123456789012 (HTTP 403, ForbiddenException: No "
                                  "access to role)");
  check_no_secret(forbidden.what(), {"sso-secret-token"});
}

TEST_CASE("web identity: the token file's token, unsigned, to AssumeRoleWithWebIdentity") {
  s3test::ScriptServer server(server_command({"--web-identity-token", "eyJ-web-identity-secret"}));
  TempDir folder;
  write_file(folder / "token", "eyJ-web-identity-secret\n");
  WebIdentityOptions options;
  options.token_file = folder / "token";
  options.role_arn = "arn:aws:iam::123456789012:role/irsa";
  options.role_session_name = "pod-1";
  options.sts.endpoint = base_url(server);
  options.sts.region = "eu-west-1";
  const TimedCredentials timed = web_identity_provider(options, "web identity")->fetch();
  CHECK(timed.credentials.access_key_id == "AKIDSTS0001");
  CHECK(timed.credentials.session_token.starts_with("token-sts-"));
  CHECK(timed.expiration);
  const auto request = stats(server)["requests"][0];
  CHECK(request["method"] == "POST");
  CHECK(request["headers"]["content-type"] == "application/x-www-form-urlencoded; charset=utf-8");
  CHECK_FALSE(request["headers"].contains("authorization"));

  write_file(folder / "token", "expired");
  auto expired = error_of([&] { web_identity_provider(options, "web identity")->fetch(); });
  CHECK(expired.cause() == CredentialsError::Cause::Provider);
  CHECK(expired.reason().starts_with("the web identity token in " + options.token_file + " has expired ("));
  CHECK(expired.reason().find("ExpiredTokenException") != std::string::npos);

  write_file(folder / "token", "eyJ-not-the-right-one");
  auto invalid = error_of([&] { web_identity_provider(options, "web identity")->fetch(); });
  CHECK(invalid.reason() == "STS AssumeRoleWithWebIdentity at " + base_url(server) +
                                ": InvalidIdentityToken: The token could not be validated (HTTP 400)");
  check_no_secret(invalid.what(), {"eyJ-not-the-right-one", "eyJ-web-identity-secret"});

  // A code without a Message (radosgw's way) gets words, as in S3 errors.
  write_file(folder / "token", "skewed");
  auto skewed = error_of([&] { web_identity_provider(options, "web identity")->fetch(); });
  CHECK(skewed.reason() == "STS AssumeRoleWithWebIdentity at " + base_url(server) +
                               ": RequestTimeTooSkewed: the local clock differs too much from the server's (HTTP 403)");
  // An STS call's arguments are the profile's: named (an S3 request's are not).
  write_file(folder / "token", "bad-argument");
  auto argument = error_of([&] { web_identity_provider(options, "web identity")->fetch(); });
  CHECK(argument.reason() == "STS AssumeRoleWithWebIdentity at " + base_url(server) +
                                 ": InvalidArgument: an argument of the request is not valid (a role_session_name, "
                                 "duration_seconds or external_id the server refuses, say) (HTTP 400)");

  std::filesystem::remove(folder / "token");
  auto missing = error_of([&] { web_identity_provider(options, "web identity")->fetch(); });
  CHECK(missing.cause() == CredentialsError::Cause::Configuration);
  CHECK(missing.reason().starts_with("cannot read web identity token file " + options.token_file));
}

TEST_CASE("STS endpoints are regional by default") {
  CHECK(regional_sts_endpoint("eu-west-1") == "https://sts.eu-west-1.amazonaws.com");
  CHECK(regional_sts_endpoint("cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn");
  CHECK(regional_sts_endpoint("") == "https://sts.amazonaws.com");
  CHECK(regional_sts_endpoint("auto") == "https://sts.amazonaws.com");
}

TEST_CASE("providers retry a 500 from their service") {
  s3test::ScriptServer server(server_command({"--fail-first", "2"}));
  ContainerOptions options;
  options.full_uri = base_url(server) + "/container/x";
  CHECK(container_provider(options, "container")->fetch().credentials.access_key_id == "AKIDCONTAINER0001");
  CHECK(stats(server)["requests"].size() == 3);
}

namespace {

/// The pid a script wrote to `file`.
pid_t pid_in(const std::string& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  REQUIRE(pid > 0);
  return pid;
}

/// The state letter /proc gives `pid` (Z: ended, not yet reaped), and its
/// parent; "" where there is no such process.
std::pair<std::string, pid_t> state_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string read_pid, command, state;
  pid_t parent = 0;
  if (!(stat >> read_pid >> command >> state >> parent)) return {"", 0};
  return {state, parent};
}

/// Whether `pid` runs (has not ended) as a child of this process's.
bool runs_as_this_process_child(pid_t pid) {
  const auto [state, parent] = state_of(pid);
  return !state.empty() && state != "Z" && parent == ::getpid();
}

/// Whether `pid` ends within `bound` (its pidfd polls readable): one that
/// never existed or is gone counts as ended.
bool ends_within(pid_t pid, std::chrono::seconds bound) {
  const int pidfd = sigv4::process_tree::open_pidfd(pid);
  if (pidfd < 0) return true;
  pollfd ended{pidfd, POLLIN, 0};
  const int polled = ::poll(&ended, 1, static_cast<int>(std::chrono::milliseconds(bound).count()));
  ::close(pidfd);
  return polled == 1;
}

/// A folder for a credential_process script and the files it writes.
struct ScriptFolder {
  TempDir folder;
  const std::string script = folder / "creds.sh";
  std::string operator/(const std::string& name) const { return folder / name; }
  void write_script(const std::string& body) const {
    write_file(script, "#!/bin/sh\n" + body);
    make_executable(script);
  }
};

/// Ends a process a test left running, and waits until it has.
void kill_left_running(pid_t pid) {
  ::kill(pid, SIGKILL);
  CHECK(ends_within(pid, std::chrono::seconds(20)));
}

}  // namespace

TEST_CASE("credential_process: a library user's own children are not adopted or reaped unless it asks") {
  // Before any test that asks (doctest runs a file's cases in order): a
  // program with children of its own keeps their exit statuses.
  TempDir folder;
  const std::string script = folder / "creds.sh";
  write_file(script, "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n");
  make_executable(script);
  pid_t own = -1;
  char true_program[] = "true";
  char* argv[] = {true_program, nullptr};
  REQUIRE(posix_spawnp(&own, "true", nullptr, nullptr, argv, environ) == 0);
  REQUIRE(ends_within(own, std::chrono::seconds(20)));
  CHECK(process_provider(script, "process")->fetch().credentials.access_key_id == "A");
  int subreaper = -1;
  CHECK(::prctl(PR_GET_CHILD_SUBREAPER, &subreaper) == 0);
  CHECK(subreaper == 0);
  int status = -1;
  CHECK(::waitpid(own, &status, WNOHANG) == own);
  CHECK(WIFEXITED(status));
}

TEST_CASE("credential_process: the JSON on stdout, split like a shell, stdin closed") {
  TempDir folder;
  const std::string script = folder / "creds with space.sh";
  write_file(script,
        "#!/bin/sh\n"
        "# the arguments arrive as the shell would split them; stdin is empty\n"
        "[ \"$1\" = 'a b' ] && [ \"$2\" = 'c\"d' ] && [ \"$3\" = 'e' ] || exit 9\n"
        "[ -z \"$(cat)\" ] || exit 8\n"
        "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"process-secret\","
        " \"SessionToken\": \"process-token\", \"Expiration\": \"2200-01-01T00:00:00+01:00\"}'\n");
  make_executable(script);
  const std::string command = "'" + script + "' \"a b\" 'c\"d' e";
  const TimedCredentials timed = process_provider(command, "process")->fetch();
  CHECK(timed.credentials.access_key_id == "AKIDPROCESS");
  CHECK(timed.credentials.session_token == "process-token");
  REQUIRE(timed.expiration);
  CHECK(format_rfc3339(*timed.expiration) == "2199-12-31T23:00:00Z");

  write_file(script, "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n");
  CHECK_FALSE(process_provider("'" + script + "'", "process")->fetch().expiration);
}

TEST_CASE("credential_process: starts with no signal blocked, SIGPIPE acting, and what was ignored ignored") {
  // Under nohup, SIGHUP is ignored: every signal was set to its default, and
  // the terminal's hang-up ended the command, failing the fetch (the AWS CLI
  // and Go leave an ignored signal ignored). SIGPIPE is ignored by claimcheck
  // itself, and must act again in the command.
  const ScriptFolder folder;
  const std::string status_file = folder / "status";
  // Read by the shell itself (builtins): while it waits for a child, dash
  // blocks every signal, and grep would read that.
  folder.write_script("while read -r name value; do case $name in SigBlk:|SigIgn:) echo \"$name$value\";; esac; "
                      "done < /proc/$$/status > " + status_file + "\n"
                      "printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n");
  struct sigaction hup_before {}, pipe_before {}, ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGHUP, &ignore, &hup_before);
  ::sigaction(SIGPIPE, &ignore, &pipe_before);
  sigset_t blocked, mask_before;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &mask_before);
  const auto fetched = process_provider(folder.script, "process")->fetch();
  ::pthread_sigmask(SIG_SETMASK, &mask_before, nullptr);
  ::sigaction(SIGHUP, &hup_before, nullptr);
  ::sigaction(SIGPIPE, &pipe_before, nullptr);
  CHECK(fetched.credentials.access_key_id == "A");
  std::ifstream status(status_file);
  std::string line;
  unsigned long long blocked_mask = 1, ignored_mask = 0;
  while (std::getline(status, line)) {
    if (line.starts_with("SigBlk:")) blocked_mask = std::stoull(line.substr(7), nullptr, 16);
    if (line.starts_with("SigIgn:")) ignored_mask = std::stoull(line.substr(7), nullptr, 16);
  }
  const auto bit = [](int number) { return 1ULL << (number - 1); };
  CHECK(blocked_mask == 0);
  CHECK((ignored_mask & bit(SIGHUP)) != 0);
  CHECK((ignored_mask & bit(SIGPIPE)) == 0);
}

TEST_CASE("credential_process: non-zero exit, garbage, a wrong version, a missing program") {
  TempDir folder;
  const std::string script = folder / "creds.sh";
  auto run = [&](const std::string& body) {
    write_file(script, "#!/bin/sh\n" + body);
    make_executable(script);
    return error_of([&] { process_provider(script, "credential_process of profile p")->fetch(); });
  };
  const auto failed = run("echo 'SecretAccessKey leaked-secret' ; exit 3\n");
  CHECK(failed.provider() == "credential_process of profile p");
  CHECK(failed.reason() == "it exited with status 3");
  CHECK(failed.cause() == CredentialsError::Cause::Provider);

  const auto garbage = run("echo '{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"garbage-secret\"'\n");
  CHECK(garbage.reason().starts_with("it did not print a JSON object ("));
  check_no_secret(garbage.what(), {"garbage-secret"});

  const auto version = run("echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"v2-secret\"}'\n");
  CHECK(version.reason() == "its JSON says \"Version\": 2, not 1 (the version read)");
  const auto no_version = run("echo '{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"v-secret\"}'\n");
  CHECK(no_version.reason() == "its JSON has no \"Version\" (1 is the version read)");

  const auto no_secret = run("echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n");
  CHECK(no_secret.reason() == "the answer has no SecretAccessKey");

  const auto missing = error_of([&] { process_provider("/nonexistent/creds --x", "process")->fetch(); });
  CHECK(missing.cause() == CredentialsError::Cause::Configuration);
  CHECK(missing.reason() == "cannot run '/nonexistent/creds': No such file or directory");

  const auto quote = error_of([&] { process_provider("creds 'open", "process")->fetch(); });
  CHECK(quote.reason() == "the command has an unterminated quote");
}

TEST_CASE("credential_process: a command still running after its time is ended, and the fetch fails") {
  // A hanging command once held serve's requests for ever (nineteenth audit).
  TempDir folder;
  const std::string script = folder / "creds.sh";
  auto run = [&](const std::string& body) {
    write_file(script, "#!/bin/sh\n" + body);
    make_executable(script);
    return error_of([&] { process_provider(script, "process", std::chrono::milliseconds(300))->fetch(); });
  };
  const auto hangs = run("exec sleep 30\n");
  CHECK(hangs.reason() == "it did not finish within 300 ms (it was ended)");
  CHECK(hangs.cause() == CredentialsError::Cause::Provider);
  // SIGTERM ignored: SIGKILL follows.
  CHECK(run("trap '' TERM\nwhile :; do sleep 1; done\n").reason() == "it did not finish within 300 ms (it was ended)");
  // The answer printed, stdout closed, the command lingering: the same bound.
  CHECK(run("printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\nexec >&-\nexec sleep 30\n")
            .reason() == "it did not finish within 300 ms (it was ended)");
}

TEST_CASE("credential_process: a wrapper's own children are ended with it") {
  // A wrapper (`sh -c`, aws-vault) was ended and its child left running
  // under init, holding claimcheck's stderr (forty-third audit).
  const ScriptFolder folder;
  const std::string child_pid_file = folder / "child.pid";
  folder.write_script("sleep 30 &\necho $! > " + child_pid_file + "\nwait\n");
  const auto hangs =
      error_of([&] { process_provider(folder.script, "process", std::chrono::milliseconds(300))->fetch(); });
  CHECK(hangs.reason() == "it did not finish within 300 ms (it was ended)");
  CHECK(ends_within(pid_in(child_pid_file), std::chrono::seconds(20)));
}

TEST_CASE("credential_process: a command that exited while a child holds its output is not waited for") {
  // Its answer was read only at the output's end: a script that printed its
  // credentials and exited 0 failed at the bound (forty-fourth and
  // forty-fifth audits). The child is left alone, as anything a finished
  // command left; what a failed command left is ended.
  adopt_credential_process_orphans();
  const ScriptFolder folder;
  const std::string child_pid_file = folder / "child.pid";
  const auto run = [&](const std::string& last_lines) {
    folder.write_script("sleep 30 2>/dev/null &\necho $! > " + child_pid_file + "\n" + last_lines);
    return process_provider(folder.script, "process", std::chrono::seconds(5));
  };
  CHECK(run("printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\nexit 0\n")
            ->fetch()
            .credentials.access_key_id == "A");
  const pid_t left = pid_in(child_pid_file);
  CHECK(runs_as_this_process_child(left));
  kill_left_running(left);

  const auto provider = run("echo 'no credentials' >&2\nexit 3\n");
  CHECK(error_of([&] { provider->fetch(); }).reason() == "it exited with status 3");
  CHECK(ends_within(pid_in(child_pid_file), std::chrono::seconds(20)));
}

TEST_CASE("credential_process: orphans it leaves are adopted, and reaped by the next fetch or on request") {
  adopt_credential_process_orphans();
  const ScriptFolder folder;
  const std::string orphan_pid_file = folder / "orphan.pid";
  // A subshell starts `sleep` and exits at once: the sleep is an orphan.
  folder.write_script("( sleep 0.3 </dev/null >/dev/null 2>&1 & echo $! > " + orphan_pid_file + " )\n"
                      "printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n");
  const auto provider = process_provider(folder.script, "process");
  // Ended, and a zombie of this process's until a fetch reaps it, or the
  // program asks (on SIGCHLD): a long-running serve would otherwise gather
  // them.
  const auto leave_a_zombie = [&] {
    CHECK(provider->fetch().credentials.access_key_id == "A");
    const pid_t orphan = pid_in(orphan_pid_file);
    REQUIRE(ends_within(orphan, std::chrono::seconds(20)));
    CHECK(state_of(orphan) == std::pair<std::string, pid_t>{"Z", ::getpid()});
    return orphan;
  };
  const pid_t reaped_by_a_fetch = leave_a_zombie();
  CHECK(provider->fetch().credentials.access_key_id == "A");
  CHECK(state_of(reaped_by_a_fetch).first.empty());
  const pid_t reaped_on_request = leave_a_zombie();
  reap_credential_process_orphans();
  CHECK(state_of(reaped_on_request).first.empty());
}

TEST_CASE("credential_process: what a finished command left running is not ended with a later command") {
  // A login's browser, left by the first fetch, was killed when serve's
  // next fetch ran out of time or serve was stopped (forty-fifth audit); so
  // was a launcher's child that its parent's end handed over while the
  // later fetch ran (forty-sixth audit).
  adopt_credential_process_orphans();
  const ScriptFolder folder;
  const std::string browser_pid_file = folder / "browser.pid";
  const std::string launched_pid_file = folder / "launched.pid";
  const std::string started_fifo = folder / "started";
  const std::string ran_file = folder / "ran";
  folder.write_script("if [ ! -e " + ran_file + " ]; then\n"
                      "  touch " + ran_file + "\n"
                      "  ( sleep 30 </dev/null >/dev/null 2>&1 & echo $! > " + browser_pid_file + " )\n"
                      // A launcher that ends a second later, its child then an
                      // orphan; the script goes on once the child has started.
                      "  mkfifo " + started_fifo + "\n"
                      "  ( sh -c 'sleep 30 & echo $! > " + launched_pid_file + "; echo > " + started_fifo +
                      "; exec sleep 1' </dev/null >/dev/null 2>&1 & cat " + started_fifo + " >/dev/null )\n"
                      "  printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n"
                      "  exit 0\n"
                      "fi\n"
                      "exec sleep 30\n");
  const auto provider = process_provider(folder.script, "process", std::chrono::seconds(4));
  CHECK(provider->fetch().credentials.access_key_id == "A");
  CHECK(error_of([&] { provider->fetch(); }).reason() == "it did not finish within 4 s (it was ended)");
  const pid_t browser = pid_in(browser_pid_file);
  const pid_t launched = pid_in(launched_pid_file);
  CHECK(runs_as_this_process_child(browser));
  CHECK(runs_as_this_process_child(launched));  // its launcher has ended
  kill_left_running(browser);
  kill_left_running(launched);
}

TEST_CASE("credential_process: a daemon it starts, in a process group of its own, runs on when the command is ended") {
  adopt_credential_process_orphans();
  const ScriptFolder folder;
  const std::string adopted_pid_file = folder / "adopted.pid";
  const std::string attached_pid_file = folder / "attached.pid";
  // One daemon is left by a subshell (adopted by this process), the other
  // stays the command's child.
  folder.write_script("( setsid sleep 30 </dev/null >/dev/null 2>&1 & echo $! > " + adopted_pid_file + " )\n"
                      "setsid sleep 30 </dev/null >/dev/null 2>&1 &\necho $! > " + attached_pid_file + "\n"
                      "exec sleep 30\n");
  const auto hangs =
      error_of([&] { process_provider(folder.script, "process", std::chrono::milliseconds(300))->fetch(); });
  CHECK(hangs.reason() == "it did not finish within 300 ms (it was ended)");
  const pid_t adopted = pid_in(adopted_pid_file);
  const pid_t attached = pid_in(attached_pid_file);
  CHECK(runs_as_this_process_child(adopted));
  CHECK((!state_of(attached).first.empty() && state_of(attached).first != "Z"));
  kill_left_running(adopted);
  kill_left_running(attached);
}

TEST_CASE("credential_process: credentials already expired are refused by the refresher") {
  TempDir folder;
  const std::string script = folder / "creds.sh";
  write_file(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
                " \"Expiration\": \"2020-01-01T00:00:00Z\"}'\n");
  make_executable(script);
  RefreshingCredentials credentials(process_provider(script, "process"));
  const auto expired = error_of([&] { credentials.signer(); });
  CHECK(expired.reason() == "it gave credentials that expired at 2020-01-01T00:00:00Z");
}
