#include "serve/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

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

namespace {

/// Whether a connection to the loopback address of `family` at `port` is taken.
bool something_listens(int family, int port) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;  // no IPv6 here, say
  sockaddr_storage address{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *v4;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    v6->sin6_addr = in6addr_loopback;
    length = sizeof *v6;
  }
  // On loopback the answer is immediate: accepted, or refused.
  const bool taken = ::connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0;
  ::close(fd);
  return taken;
}

}  // namespace

std::optional<std::string> check_other_loopback(const std::string& host, int port) {
  in_addr v4{};
  in6_addr v6{};
  std::string other;
  int family = 0;
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1 && ntohl(v4.s_addr) == INADDR_LOOPBACK) {
    other = "[::1]", family = AF_INET6;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6)) {
    other = "127.0.0.1", family = AF_INET;
  } else {
    return std::nullopt;
  }
  if (!something_listens(family, port)) return std::nullopt;
  const std::string there = other + ":" + std::to_string(port);
  return "warning: another server listens on " + there + "; a client that asks for localhost:" +
         std::to_string(port) + " may reach it instead of this one";
}

}  // namespace claimcheck::serve
