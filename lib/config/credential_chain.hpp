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
#include <string_view>
#include <vector>

#include "config/aws_profile.hpp"
#include "sigv4/credential_providers.hpp"

namespace claimcheck {

/// What an error says first when no provider had credentials.
inline constexpr std::string_view kNoCredentials = "no credentials";

struct ResolvedChain {
  CredentialsFactory make;  // null: no provider applies (IMDS disabled)
  std::string origin;       // what -v prints: "assume-role arn:... (aws profile dev (...:3))"
  std::string tried;        // what was looked at, for "no credentials" messages
  /// Static keys from a profile: the caller's S3 settings carry them too.
  std::optional<sigv4::Credentials> fixed;
  /// What was configured too and lost to it ("credential_process of aws
  /// profile dev (...)"), for -v.
  std::vector<std::string> losers;
};

/// Decides the provider from `s3.chain` (STS is signed for `s3.region`,
/// verified with `s3.ca_bundle`). Throws Error(Usage) for a profile that
/// cannot work (a missing source_profile, a loop, mfa_serial, an incomplete
/// sso or role configuration), naming the profile and the key.
ResolvedChain resolve_credential_chain(const S3Settings& s3, const AwsSharedFiles& files, const Getenv& env);

/// `imds` as the chain's last resort: a failure before it ever answered is
/// "no credentials: tried `tried`; ...", a later one (a refresh) its own.
std::shared_ptr<sigv4::CredentialsProvider> last_resort_provider(std::shared_ptr<sigv4::CredentialsProvider> imds,
                                                                 std::string tried);

/// Fills `config.s3` from the chain when no key was given: its keys, or its
/// provider, the -v origin "credentials" and what was tried.
void apply_credential_chain(Config& config, const AwsSharedFiles& files, const Getenv& env);

}  // namespace claimcheck
