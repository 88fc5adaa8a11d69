// The credential providers of the AWS CLI's chain, each configured
// explicitly: which one applies, and with what settings, is the caller's
// decision (claimcheck's lib/config reads the environment and ~/.aws for
// that). Nothing is contacted when a provider is made, only by fetch().
// Every `name` is what -v and error messages call the provider.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sigv4/credentials.hpp"
#include "sigv4/transfer_defaults.hpp"

namespace sigv4 {

/// How a provider reaches its service over HTTP. claimcheck gives STS and
/// SSO the limits of its S3 requests; the container agent and instance
/// metadata keep the AWS SDKs' short bounds (below).
struct ProviderHttp {
  std::string ca_bundle;  // empty: the system's
  std::chrono::milliseconds connect_timeout{kDefaultConnectTimeout};
  /// An attempt with no byte moving either way for this long is abandoned.
  std::chrono::seconds stall_timeout{kDefaultStallTimeout};
  /// Limit on each whole attempt; 0: none.
  std::chrono::milliseconds timeout{0};
  /// Limit on one request with all its attempts and waits; 0: none.
  std::chrono::milliseconds deadline{0};
  int max_attempts = 3;  // transport failures, 5xx and 429 are tried again
  Trace trace;           // one line per request, no secrets
};

/// A service on the machine or its link (the container agent, instance
/// metadata), bounded as the AWS SDKs bound it: `limit` for each attempt as
/// a whole, `attempts` in all.
inline ProviderHttp local_service_http(std::chrono::milliseconds limit, int attempts) {
  ProviderHttp http;
  http.connect_timeout = limit;
  http.timeout = limit;
  http.max_attempts = attempts;
  return http;
}

/// Fixed credentials (environment, config file, a profile's keys).
std::shared_ptr<CredentialsProvider> static_provider(Credentials credentials, std::string name);

/// Where STS is reached. An empty endpoint means the regional one,
/// https://sts.<region>.amazonaws.com, or https://sts.amazonaws.com
/// (us-east-1) without a region.
struct StsSettings {
  std::string endpoint;
  std::string region;  // signing region; empty or "auto": us-east-1
  ProviderHttp http;
};

/// "https://sts.eu-west-1.amazonaws.com" (".amazonaws.com.cn" in China).
std::string regional_sts_endpoint(const std::string& region);

struct AssumeRoleOptions {
  std::string role_arn;
  std::string role_session_name;  // empty: "claimcheck-<unix seconds>"
  std::string external_id;        // empty: none sent
  std::optional<int> duration_seconds;
  StsSettings sts;
};

/// STS AssumeRole, signed with the credentials `source` provides.
std::shared_ptr<CredentialsProvider> assume_role_provider(
    AssumeRoleOptions options, std::shared_ptr<CredentialsProvider> source, std::string name);

struct WebIdentityOptions {
  std::string token_file;  // read at every fetch: Kubernetes rotates it
  std::string role_arn;
  std::string role_session_name;  // empty: "claimcheck-<unix seconds>"
  std::optional<int> duration_seconds;
  StsSettings sts;
};

/// STS AssumeRoleWithWebIdentity (unsigned), how EKS IRSA works.
std::shared_ptr<CredentialsProvider> web_identity_provider(WebIdentityOptions options,
                                                           std::string name);

/// How long a credential_process may run: the AWS SDK for Go's bound
/// (processcreds.DefaultTimeout). A command that hangs would otherwise hold
/// every request that needs credentials (serve's among them) for ever.
constexpr std::chrono::seconds kCredentialProcessTimeout{60};

/// credential_process: `command` is split like a POSIX shell would split
/// it (quotes, backslashes; no expansion) and run without a shell, with
/// stdin from /dev/null and stderr passed through, no signal blocked and
/// SIGPIPE and SIGXFSZ at their default (others ignored stay ignored);
/// stdout must be the JSON document of version 1. A command still running
/// after `timeout` is sent SIGTERM (SIGKILL 2 s later) and the fetch fails.
std::shared_ptr<CredentialsProvider> process_provider(std::string command, std::string name,
                                                      std::chrono::milliseconds timeout = kCredentialProcessTimeout);

/// For a program that starts no processes but credential_process commands
/// (claimcheck): from the first command on, it adopts the orphans below it
/// (a child subreaper), so that ending a command reaches what a wrapper left
/// behind, and each fetch reaps those that have ended. Off by default: a
/// program with children of its own would lose their exit statuses.
void adopt_credential_process_orphans();

/// Reaps the adopted orphans that have ended. For a long-running program
/// to call on SIGCHLD: between fetches (an hour apart, say) they would
/// otherwise wait as zombies. Any thread; not a signal handler. Does nothing
/// unless adopt_credential_process_orphans was called.
void reap_credential_process_orphans();

/// For an interrupted or exiting program: sends SIGTERM to every
/// credential_process command running now (their fetch fails), to the
/// processes below them and, while one runs, to the orphans adopted in this
/// process's group (a wrapper's children whose parent ended first),
/// SIGKILL to any still running a grace later, and makes later commands fail
/// without starting, so that neither waits for a command that may never end
/// (a login prompt) nor leaves it behind. Any thread; not a signal handler.
void end_credential_processes();

/// Whether end_credential_processes has been called: the program is
/// exiting, and a fetch that failed for that says nothing worth a warning.
bool credential_processes_ended();

struct SsoOptions {
  std::string token_cache_dir;  // ~/.aws/sso/cache
  /// sso_session; its name keys the cached token. Empty: the legacy form,
  /// where the start URL keys it.
  std::string session_name;
  std::string start_url;
  std::string account_id, role_name;
  std::string region;    // sso_region
  std::string endpoint;  // empty: https://portal.sso.<region>.amazonaws.com
  std::string login_hint;  // "aws sso login --profile dev", said when the token is missing or expired
  ProviderHttp http;
};

/// IAM Identity Center: the token `aws sso login` cached, then GetRoleCredentials.
std::shared_ptr<CredentialsProvider> sso_provider(SsoOptions options, std::string name);

/// How long a request to the container agent may take, and how often it is
/// tried (the AWS CLI's ContainerMetadataFetcher): the agent is local.
inline constexpr std::chrono::milliseconds kContainerTimeout{2000};
inline constexpr int kContainerAttempts = 3;

struct ContainerOptions {
  /// AWS_CONTAINER_CREDENTIALS_FULL_URI (http only to a loopback or the
  /// ECS/EKS agent's address), else http://169.254.170.2 + relative_uri.
  std::string full_uri, relative_uri;
  std::string authorization_token;
  std::string authorization_token_file;  // read at every fetch; wins over the token
  ProviderHttp http = local_service_http(kContainerTimeout, kContainerAttempts);
};

/// ECS task roles and EKS Pod Identity.
std::shared_ptr<CredentialsProvider> container_provider(ContainerOptions options,
                                                        std::string name);

/// EC2 instance metadata's addresses, and how long a probe waits and how
/// often it tries (the AWS CLI's defaults): about a second, so that a
/// machine that is not on EC2 does not hang.
inline constexpr std::string_view kImdsEndpoint = "http://169.254.169.254";
inline constexpr std::string_view kImdsEndpointIpv6 = "http://[fd00:ec2::254]";
inline constexpr std::chrono::milliseconds kImdsTimeout{1000};
inline constexpr int kImdsAttempts = 1;

struct ImdsOptions {
  std::string endpoint{kImdsEndpoint};
  /// Without a session token (IMDSv1) when the token request is refused.
  bool allow_v1 = false;
  ProviderHttp http = local_service_http(kImdsTimeout, kImdsAttempts);
};

/// EC2 instance metadata: IMDSv2 token, then the role's credentials.
std::shared_ptr<CredentialsProvider> imds_provider(ImdsOptions options, std::string name);

}  // namespace sigv4
