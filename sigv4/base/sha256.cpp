#include "base/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "base/encoding.hpp"

namespace base {
namespace {

[[noreturn]] void fail(const char* step) {
  throw std::runtime_error(std::string("OpenSSL: SHA-256 ") + step + " failed");
}

std::string hex_of(const unsigned char* digest, unsigned int length) {
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) fail("digest");
  return hex_of(digest, length);
}

void Sha256::ContextDeleter::operator()(evp_md_ctx_st* context) const noexcept {
  EVP_MD_CTX_free(context);
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) fail("init");
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view data) { update(data.data(), data.size()); }

void Sha256::update(const void* data, std::size_t size) {
  if (size == 0) return;
  if (EVP_DigestUpdate(context_.get(), data, size) != 1) fail("update");
}

std::string Sha256::finish_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1) fail("final");
  if (EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) fail("init");
  return hex_of(digest, length);
}

}  // namespace base
