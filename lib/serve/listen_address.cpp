#include "serve/listen_address.hpp"

#include <arpa/inet.h>

#include "core/error.hpp"

namespace claimcheck::serve {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::optional<std::string> check_exposure(const ServeSettings& settings) {
  const ListenAddress& address = settings.listen;
  if (is_loopback(address.host)) return std::nullopt;
  const bool tls = !settings.tls_cert_file.empty() && !settings.tls_key_file.empty();
  const bool token = !settings.token_file.empty();
  if (tls && token) return std::nullopt;
  if (!settings.insecure)
    throw Error(ErrorKind::Usage, "--listen " + address.host,
                "a non-loopback address needs --tls-cert, --tls-key and --token-file (or --insecure)");
  return "warning: serving on " + address.host + " without " +
         std::string(tls ? "a token" : token ? "TLS" : "TLS or a token") +
         " (--insecure): anyone who can reach it can read every payload it resolves";
}

}  // namespace claimcheck::serve
