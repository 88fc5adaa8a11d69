// What every provider has: its options, the name it is known by, and a way
// to fail naming itself. Private to sigv4/.
#pragma once

#include <string>
#include <utility>

#include "sigv4/credentials.hpp"

namespace sigv4 {

template <typename Options>
class ProviderBase : public CredentialsProvider {
 public:
  ProviderBase(Options options, std::string name) : options_(std::move(options)), name_(std::move(name)) {}
  std::string name() const override { return name_; }

 protected:
  [[noreturn]] void fail(CredentialsError::Cause cause, const std::string& why) const {
    throw CredentialsError(cause, name_, why);
  }

  Options options_;
  std::string name_;
};

}  // namespace sigv4
