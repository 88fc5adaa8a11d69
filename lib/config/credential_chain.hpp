// Which credential provider applies, in the AWS CLI's documented order,
// when no access key was given by flag, environment or the config file:
//   1. the profile's role_arn (STS AssumeRole, from its source_profile or
//      credential_source; chained profiles followed, loops reported),
//   2. web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the
//      profile's web_identity_token_file; each variable over its key),
//   3. the profile's sso_session or legacy sso_* keys,
//   4. the profile's keys in ~/.aws/credentials,
//   5. the profile's credential_process,
//   6. the profile's keys in ~/.aws/config,
//   7. container credentials (AWS_CONTAINER_CREDENTIALS_*_URI),
//   8. EC2 instance metadata, unless disabled.
// A source_profile is resolved like the AWS CLI does: its role when it has
// no keys, else its web identity (no variables), SSO, keys or process.
// Deciding contacts nothing: the providers are made when the store opens.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/aws_profile.hpp"
#include "sigv4/credential_providers.hpp"

namespace claimcheck {

/// The settings the chain reads besides the shared files (settings table rows).
struct CredentialChainSettings {
  std::string profile = "default";  // AWS_PROFILE
  std::string region;               // signs STS requests; "auto" or empty: us-east-1
  std::string ca_bundle;
  std::string sts_endpoint, sso_endpoint;  // AWS_ENDPOINT_URL_STS / _SSO; "" regional
  std::string web_identity_token_file, role_arn, role_session_name;  // AWS_* of EKS IRSA
  std::string container_relative_uri, container_full_uri;
  std::string container_authorization_token, container_authorization_token_file;
  bool imds_disabled = false;   // AWS_EC2_METADATA_DISABLED
  std::string imds_endpoint = "http://169.254.169.254";
  bool imds_v1 = false;
  std::chrono::milliseconds imds_timeout{1000};
  int imds_attempts = 1;
  /// Where the static keys were looked for (for "no credentials" messages).
  std::string static_sources = "R2_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID, the config file";
};

/// Makes the provider once the store opens; `trace` gets its request lines.
using CredentialsFactory =
    std::function<std::shared_ptr<sigv4::CredentialsProvider>(const sigv4::Trace& trace)>;

struct ResolvedChain {
  CredentialsFactory make;  // null: no provider applies (IMDS disabled)
  std::string origin;       // what -v prints: "assume-role arn:... (aws profile dev (...:3))"
  std::string tried;        // what was looked at, for "no credentials" messages
  /// Static keys from a profile: the caller's S3 settings carry them too.
  std::optional<sigv4::Credentials> fixed;
};

/// Decides the provider. Throws Error(Usage) for a profile that cannot work
/// (a missing source_profile, a loop, mfa_serial, an incomplete sso or
/// role configuration), naming the profile and the key.
ResolvedChain resolve_credential_chain(const CredentialChainSettings& settings,
                                       const AwsSharedFiles& files, const Getenv& env);

}  // namespace claimcheck
