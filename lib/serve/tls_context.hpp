// serve's TLS files: the certificate chain and key loaded into an OpenSSL
// context, each problem one line at start (exit 2), and warnings for a
// certificate that loads but that browsers and the temporal CLI would
// refuse with an error that does not name the cause.
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "serve/http_server.hpp"

namespace claimcheck::serve {

/// The context for options' --tls-cert and --tls-key; null without them.
/// Error(Usage) when only one is given, a file cannot be read or parsed,
/// the key is encrypted (a passphrase serve cannot be given) or does not
/// match the certificate.
SSL_CTX* load_tls(const HttpServerOptions& options);

/// One line each ("warning: TLS certificate FILE ..."): outside its
/// validity period, or naming neither the address serve listens on
/// (`listen_host`) nor, for a loopback address, localhost.
std::vector<std::string> certificate_warnings(SSL_CTX* ctx, const std::string& file, const std::string& listen_host);

}  // namespace claimcheck::serve
