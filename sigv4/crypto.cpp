// OpenSSL 3 EVP calls behind the small interface of crypto.hpp.
#include "crypto.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "base/encoding.hpp"

namespace sigv4 {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

/// The raw digest of `data` under `algorithm` (MD5, SHA-1).
std::string digest(const EVP_MD* algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, algorithm, nullptr) != 1) fail("digest");
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

std::string sha1_hex(std::string_view data) { return base::hex_encode(digest(EVP_sha1(), data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                sizeof out, &length) == nullptr)
    fail("HMAC-SHA256");
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string md5_base64(std::string_view data) { return base::base64_encode(digest(EVP_md5(), data)); }

}  // namespace sigv4
