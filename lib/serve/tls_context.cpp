#include "serve/tls_context.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/time.hpp"
#include "core/error.hpp"
#include "serve/listen_address.hpp"

namespace claimcheck::serve {
namespace {

/// A file that cannot be read says why ("No such file or directory", "is a
/// directory"), which OpenSSL's PEM error does not.
void check_openable(const std::string& what, const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::Usage, what, std::strerror(errno));
  struct stat info {};
  const bool directory = ::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode);
  ::close(fd);
  if (directory) throw Error(ErrorKind::Usage, what, "is a directory");
}

}  // namespace

SSL_CTX* load_tls(const HttpServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) return nullptr;
  if (options.tls_cert_file.empty() || options.tls_key_file.empty())
    throw Error(ErrorKind::Usage, "TLS", "both a certificate and a key file are needed");
  check_openable("TLS certificate " + options.tls_cert_file, options.tls_cert_file);
  check_openable("TLS key " + options.tls_key_file, options.tls_key_file);
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) throw Error(ErrorKind::Internal, "TLS", "cannot create an OpenSSL context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, options.tls_cert_file.c_str()) != 1) {
    SSL_CTX_free(ctx);
    throw Error(ErrorKind::Usage, "TLS certificate " + options.tls_cert_file, "cannot be loaded (PEM expected)");
  }
  // Read here, not by SSL_CTX_use_PrivateKey_file: OpenSSL would prompt on
  // the terminal for an encrypted key's passphrase (and block a service's
  // start), and a key of another certificate would fail as unreadable.
  bool asked_for_passphrase = false;
  BIO* file = BIO_new_file(options.tls_key_file.c_str(), "r");
  EVP_PKEY* key = file == nullptr ? nullptr
                                  : PEM_read_bio_PrivateKey(file, nullptr,
                                                            [](char*, int, int, void* asked) {
                                                              *static_cast<bool*>(asked) = true;
                                                              return 0;
                                                            },
                                                            &asked_for_passphrase);
  BIO_free(file);
  const bool loaded = key != nullptr;
  const bool matches = loaded && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!matches) {
    SSL_CTX_free(ctx);
    throw Error(ErrorKind::Usage, "TLS key " + options.tls_key_file,
                asked_for_passphrase ? "is encrypted, and serve takes no passphrase: give it the key decrypted "
                                       "(openssl pkey -in KEY -out KEY.plain), readable only by its user"
                : loaded ? "does not match the certificate"
                                 : "cannot be loaded (PEM expected)");
  }
  return ctx;
}

namespace {

/// A certificate outside its validity period still serves, but browsers and
/// the temporal CLI refuse it with an error that does not name the cause.
std::optional<std::string> validity_warning(X509* cert, const std::string& file) {
  const auto when = [](const ASN1_TIME* t) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return std::string("an unreadable time");
    return base::format_rfc3339(std::chrono::system_clock::from_time_t(timegm(&tm)));
  };
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
    return fmt::format("warning: TLS certificate {} expired at {}: browsers and the temporal CLI refuse it", file,
                       when(X509_get0_notAfter(cert)));
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
    return fmt::format("warning: TLS certificate {} is not valid before {}: browsers and the temporal CLI refuse it",
                       file, when(X509_get0_notBefore(cert)));
  return std::nullopt;
}

bool is_ip_address(const std::string& host) {
  in6_addr address{};
  return ::inet_pton(AF_INET, host.c_str(), &address) == 1 || ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

/// Browsers and the temporal CLI check the name in the URL against the
/// certificate's: for https://127.0.0.1:8081 an IP address entry, for
/// https://localhost:8081 a DNS one, never the subject's common name (which
/// OpenSSL falls back to by default). A wildcard address (0.0.0.0, ::) is
/// reached by other names: not checked.
std::optional<std::string> name_warning(X509* cert, const std::string& file, const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return std::nullopt;
  const auto names_host = [cert](const std::string& name) {
    return X509_check_host(cert, name.c_str(), name.size(), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr) == 1;
  };
  const bool named = is_ip_address(host) ? X509_check_ip_asc(cert, host.c_str(), 0) == 1 : names_host(host);
  const bool localhost = is_loopback(host) && names_host("localhost");
  if (named || localhost) return std::nullopt;
  const std::string entry = std::string(is_ip_address(host) ? "IP:" : "DNS:") + host;
  if (is_loopback(host) && host != "localhost")
    return fmt::format("warning: TLS certificate {} names neither {} nor localhost: browsers and the temporal CLI "
                       "refuse it (make one with subjectAltName {},DNS:localhost)",
                       file, host, entry);
  return fmt::format("warning: TLS certificate {} does not name {}: browsers and the temporal CLI refuse it (make "
                     "one with subjectAltName {})",
                     file, host, entry);
}

}  // namespace

std::vector<std::string> certificate_warnings(SSL_CTX* ctx, const std::string& file, const std::string& listen_host) {
  std::vector<std::string> warnings;
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return warnings;
  if (auto warning = validity_warning(cert, file)) warnings.push_back(std::move(*warning));
  if (auto warning = name_warning(cert, file, listen_host)) warnings.push_back(std::move(*warning));
  return warnings;
}

}  // namespace claimcheck::serve
