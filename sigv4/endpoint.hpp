// Where a bucket and key live on the wire: host and raw path, path-style or
// virtual-hosted. Private to sigv4/.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sigv4 {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // with ":port" when one was given
};

/// Parses "http(s)://host[:port][/]"; empty means AWS for `region`.
/// Throws std::invalid_argument on anything else.
Endpoint parse_endpoint(const std::string& endpoint, const std::string& region);

struct Address {
  std::string host;
  std::string path;  // raw, unencoded: "/bucket/key"
};

Address address_of(const Endpoint& endpoint, bool virtual_hosted, const std::string& bucket,
                   const std::string& key);

/// "scheme://host/encoded/path?encoded=query" (path encoded once, '/' kept).
std::string url_of(const Endpoint& endpoint, const Address& address,
                   const std::vector<std::pair<std::string, std::string>>& query);

/// The path and query part of url_of, for traces.
std::string encoded_target(const Address& address,
                           const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace sigv4
