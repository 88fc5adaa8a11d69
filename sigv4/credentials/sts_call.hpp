// One STS query-API call (AssumeRole, AssumeRoleWithWebIdentity): the form
// body, SigV4 for service "sts" when credentials are given, and the
// Credentials element of the answer. Private to sigv4/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sigv4/credential_providers.hpp"

namespace sigv4 {

using FormFields = std::vector<std::pair<std::string, std::string>>;

/// Calls `action` with `fields`; signs with `signing` when it is not null.
/// An error answer becomes CredentialsError(Provider) naming `provider` and
/// the error code ("AccessDenied: ... (HTTP 403)").
TimedCredentials call_sts(const StsSettings& sts, const std::string& action, const FormFields& fields,
                          const Credentials* signing, const std::string& provider);

/// The endpoint `sts` resolves to.
std::string sts_endpoint_of(const StsSettings& sts);

}  // namespace sigv4
