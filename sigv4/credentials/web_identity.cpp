// STS AssumeRoleWithWebIdentity with a token from a file: EKS IRSA
// (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) and a profile's
// web_identity_token_file. The request is not signed: the token is the proof.
#include "sigv4/credential_providers.hpp"
#include "credential_fields.hpp"
#include "provider_base.hpp"
#include "sts_call.hpp"

namespace sigv4 {
namespace {

class WebIdentityProvider final : public ProviderBase<WebIdentityOptions> {
 public:
  using ProviderBase::ProviderBase;

  TimedCredentials fetch() override {
    // Read again every time: the kubelet replaces the token before it expires.
    const std::string token = read_token_file(options_.token_file, "web identity token file", name_);
    FormFields fields{{"RoleArn", options_.role_arn},
                      {"RoleSessionName", session_name_or_default(options_.role_session_name)},
                      {"WebIdentityToken", token}};
    if (options_.duration_seconds)
      fields.emplace_back("DurationSeconds", std::to_string(*options_.duration_seconds));
    try {
      return call_sts(options_.sts, "AssumeRoleWithWebIdentity", fields, nullptr, name_);
    } catch (const CredentialsError& error) {
      if (error.reason().find("ExpiredTokenException") == std::string::npos) throw;
      fail(error.cause(), "the web identity token in " + options_.token_file + " has expired (" +
                              error.reason() + ")");
    }
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> web_identity_provider(WebIdentityOptions options,
                                                           std::string name) {
  return std::make_shared<WebIdentityProvider>(std::move(options), std::move(name));
}

}  // namespace sigv4
