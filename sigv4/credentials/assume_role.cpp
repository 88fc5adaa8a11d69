// STS AssumeRole: a profile's role_arn, signed with the credentials of its
// source_profile or credential_source.
#include "sigv4/credential_providers.hpp"
#include "credential_fields.hpp"
#include "provider_base.hpp"
#include "sts_call.hpp"

namespace sigv4 {
namespace {

class AssumeRoleProvider final : public ProviderBase<AssumeRoleOptions> {
 public:
  AssumeRoleProvider(AssumeRoleOptions options, std::shared_ptr<CredentialsProvider> source,
                     std::string name)
      : ProviderBase(std::move(options), std::move(name)), source_(std::move(source)) {}

  TimedCredentials fetch() override {
    // The source is asked every time: its own credentials may be temporary.
    const TimedCredentials source = source_->fetch();
    FormFields fields{{"RoleArn", options_.role_arn},
                      {"RoleSessionName", session_name_or_default(options_.role_session_name)}};
    if (!options_.external_id.empty()) fields.emplace_back("ExternalId", options_.external_id);
    if (options_.duration_seconds)
      fields.emplace_back("DurationSeconds", std::to_string(*options_.duration_seconds));
    return call_sts(options_.sts, "AssumeRole", fields, &source.credentials, name_);
  }

 private:
  std::shared_ptr<CredentialsProvider> source_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> assume_role_provider(
    AssumeRoleOptions options, std::shared_ptr<CredentialsProvider> source, std::string name) {
  return std::make_shared<AssumeRoleProvider>(std::move(options), std::move(source), std::move(name));
}

}  // namespace sigv4
