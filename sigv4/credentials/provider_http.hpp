// One request of a credential provider to its service (STS, SSO, the
// container agent, EC2 instance metadata) over the transfer code the S3
// client uses, tried again on transport failures, 5xx and 429. Private to
// sigv4/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../http_transfer.hpp"
#include "sigv4/credential_providers.hpp"

namespace sigv4 {

struct ProviderRequest {
  std::string method;  // GET PUT POST
  std::string url;     // already encoded
  std::vector<std::string> header_lines;  // "Name: value"; may hold tokens: never traced
  std::string body;
};

struct ProviderResponse {
  long status = 0;
  std::string body;
  std::vector<Header> headers;  // lower-case names
  std::string header(std::string_view lower_name) const;
};

/// The answer to `request` (any status: the caller judges it). Throws
/// CredentialsError(Provider) naming `provider` and `service` ("STS at
/// https://sts.amazonaws.com") when no answer came after the attempts.
ProviderResponse provider_exchange(const ProviderHttp& http, const ProviderRequest& request,
                                   const std::string& provider, const std::string& service);

/// `fresh` with its Expiration, which the server gave by its clock, read by
/// ours when the answer's Date is off by kSkewWorthCorrecting or more: else
/// credentials would be taken for expired on arrival (our clock ahead) or
/// kept hours after they end (behind).
TimedCredentials by_our_clock(TimedCredentials fresh, const ProviderResponse& answer);

/// "scheme://host[:port]" of a URL, for messages (no path, query or user).
std::string url_origin(const std::string& url);

}  // namespace sigv4
