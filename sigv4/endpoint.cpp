#include "endpoint.hpp"

#include <stdexcept>

#include "sigv4/signer.hpp"

namespace sigv4 {

Endpoint parse_endpoint(const std::string& endpoint, const std::string& region) {
  if (endpoint.empty()) {
    if (region.empty() || region == "auto")
      throw std::invalid_argument("an S3 endpoint is required for region '" + region + "'");
    return {"https", "s3." + region + ".amazonaws.com"};
  }
  const auto separator = endpoint.find("://");
  if (separator == std::string::npos)
    throw std::invalid_argument("S3 endpoint '" + endpoint +
                                "' needs a scheme: http://host[:port] or https://host[:port]");
  Endpoint parsed{endpoint.substr(0, separator), endpoint.substr(separator + 3)};
  if (parsed.scheme != "http" && parsed.scheme != "https")
    throw std::invalid_argument("S3 endpoint '" + endpoint + "': scheme must be http or https");
  if (!parsed.host.empty() && parsed.host.back() == '/') parsed.host.pop_back();
  if (parsed.host.empty() || parsed.host.find_first_of("/?#@ ") != std::string::npos)
    throw std::invalid_argument("S3 endpoint '" + endpoint +
                                "' must be scheme://host[:port] with no path, query or user");
  return parsed;
}

Address address_of(const Endpoint& endpoint, bool virtual_hosted, const std::string& bucket,
                   const std::string& key) {
  if (virtual_hosted) return {bucket + "." + endpoint.host, "/" + key};
  std::string path = "/" + bucket;
  if (!key.empty()) path += "/" + key;
  return {endpoint.host, path};
}

std::string encoded_target(const Address& address,
                           const std::vector<std::pair<std::string, std::string>>& query) {
  std::string target = uri_encode(address.path, true);
  char separator = '?';
  for (const auto& [name, value] : query) {
    target += separator;
    target += uri_encode(name, false) + "=" + uri_encode(value, false);
    separator = '&';
  }
  return target;
}

std::string url_of(const Endpoint& endpoint, const Address& address,
                   const std::vector<std::pair<std::string, std::string>>& query) {
  return endpoint.scheme + "://" + address.host + encoded_target(address, query);
}

}  // namespace sigv4
