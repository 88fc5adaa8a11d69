// Credentials given as they are: environment variables, the config file, a
// profile's keys. They never expire on their own.
#include "sigv4/credential_providers.hpp"
#include "provider_base.hpp"

namespace sigv4 {
namespace {

class StaticProvider final : public ProviderBase<Credentials> {
 public:
  using ProviderBase::ProviderBase;
  TimedCredentials fetch() override { return {options_, std::nullopt}; }
};

}  // namespace

std::shared_ptr<CredentialsProvider> static_provider(Credentials credentials, std::string name) {
  return std::make_shared<StaticProvider>(std::move(credentials), std::move(name));
}

}  // namespace sigv4
