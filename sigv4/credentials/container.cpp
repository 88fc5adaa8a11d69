// Container credentials: the ECS agent (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
// at 169.254.170.2) and EKS Pod Identity or any local agent
// (AWS_CONTAINER_CREDENTIALS_FULL_URI), with the authorization token from
// AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE). Over plain http only loopback
// and the agents' link-local addresses are allowed, as in the AWS SDKs:
// the answer is a set of credentials and the token must not leave the host.
#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <optional>

#include "sigv4/credential_providers.hpp"
#include "credential_fields.hpp"
#include "provider_base.hpp"
#include "provider_http.hpp"

namespace sigv4 {
namespace {

constexpr const char* kEcsAgent = "http://169.254.170.2";

struct UrlParts {
  std::string scheme, host;
};

std::optional<UrlParts> split_url(const std::string& url) {
  CURLU* handle = curl_url();
  if (handle == nullptr) return std::nullopt;
  std::optional<UrlParts> parts;
  char* scheme = nullptr;
  char* host = nullptr;
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK)
    parts = UrlParts{scheme, host};
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(handle);
  return parts;
}

bool allowed_plain_http_host(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    const auto address = ntohl(v4.s_addr);
    return (address >> 24) == 127 || host == "169.254.170.2" || host == "169.254.170.23";
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    in6_addr eks{};
    inet_pton(AF_INET6, "fd00:ec2::23", &eks);
    return IN6_IS_ADDR_LOOPBACK(&v6) || std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr),
                                                   std::begin(eks.s6_addr));
  }
  return false;
}

class ContainerProvider final : public ProviderBase<ContainerOptions> {
 public:
  using ProviderBase::ProviderBase;

  TimedCredentials fetch() override {
    const std::string url = checked_url();
    ProviderRequest request{"GET", url, {"Accept: application/json"}, {}};
    if (const std::string token = authorization(); !token.empty())
      request.header_lines.push_back("Authorization: " + token);
    const std::string service = "container credentials at " + url_origin(url);
    const ProviderResponse response = provider_exchange(options_.http, request, name_, service);
    const auto document = parse_json_quietly(response.body);
    if (response.status != 200) {
      std::string why = service + " answered HTTP " + std::to_string(response.status);
      if (document && document->is_object() && document->contains("code") && (*document)["code"].is_string())
        why += " (" + (*document)["code"].get<std::string>() + ")";
      fail(CredentialsError::Cause::Provider, why);
    }
    if (!document) fail(CredentialsError::Cause::Provider, service + " answered something that is not JSON");
    return by_our_clock(credentials_from_json(*document, CredentialFieldNames{}, name_), response);
  }

 private:
  std::string checked_url() const {
    if (options_.full_uri.empty()) {
      // Pasted after the agent's address, "@10.0.0.1/x" or ".evil/x" would
      // name another host, and the token would go there.
      const std::string url = kEcsAgent + options_.relative_uri;
      const auto parts = split_url(url);
      if (!options_.relative_uri.starts_with('/') || !parts || "http://" + parts->host != kEcsAgent)
        fail(CredentialsError::Cause::Configuration,
             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path beginning with '/' (on the ECS agent at "
             "169.254.170.2)");
      return url;
    }
    const auto parts = split_url(options_.full_uri);
    if (!parts || (parts->scheme != "http" && parts->scheme != "https"))
      fail(CredentialsError::Cause::Configuration,
           "AWS_CONTAINER_CREDENTIALS_FULL_URI '" + url_origin(options_.full_uri) + "' is not an http(s) URL");
    if (parts->scheme == "http" && !allowed_plain_http_host(parts->host))
      fail(CredentialsError::Cause::Configuration,
           "AWS_CONTAINER_CREDENTIALS_FULL_URI over http must name a loopback address or the "
           "container agent (169.254.170.2, 169.254.170.23, fd00:ec2::23), not " + parts->host);
    return options_.full_uri;
  }

  std::string authorization() const {
    std::string token = options_.authorization_token;
    std::string what = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    if (!options_.authorization_token_file.empty()) {
      token = read_token_file(options_.authorization_token_file, "container authorization token file", name_);
      what = "the container authorization token file " + options_.authorization_token_file;
    }
    check_header_value(token, what, name_);
    return token;
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> container_provider(ContainerOptions options, std::string name) {
  return std::make_shared<ContainerProvider>(std::move(options), std::move(name));
}

}  // namespace sigv4
