// Hashes and MACs over OpenSSL EVP, shared by the signer and the S3 client.
// Private to sigv4/ (and its tests): nothing outside the library needs them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace sigv4 {

/// Lower-case hex of arbitrary bytes.
std::string hex_encode(std::string_view bytes);

/// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

/// Lower-case hex SHA-1 of `data`: only where a format demands it (the
/// AWS SSO token cache names its files so), never for security.
std::string sha1_hex(std::string_view data);

/// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Base64 of the raw MD5 of `data` (the Content-MD5 header value).
std::string md5_base64(std::string_view data);

/// SHA-256 over data that arrives in pieces (streamed bodies).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void update(std::string_view data);
  /// Lower-case hex of everything given so far; the hasher then starts over.
  std::string finish_hex();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* context) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> context_;
};

}  // namespace sigv4
