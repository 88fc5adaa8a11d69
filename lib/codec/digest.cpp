// SHA-256 through OpenSSL's EVP interface; the context is owned by a
// unique_ptr with EVP_MD_CTX_free so it is released on every path.
#include "codec/digest.hpp"

#include <array>

#include <openssl/evp.h>

#include "core/error.hpp"

namespace claimcheck {

struct Sha256::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md{EVP_MD_CTX_new()};
  bool finished = false;
};

namespace {
[[noreturn]] void digest_failure(const char* step) {
  throw Error(ErrorKind::Internal, "sha256", std::string("OpenSSL failed to ") + step);
}
}  // namespace

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr) != 1) digest_failure("initialise");
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (ctx_->finished) throw Error(ErrorKind::Internal, "sha256", "update after hex_digest");
  if (size == 0) return;
  if (EVP_DigestUpdate(ctx_->md.get(), data, size) != 1) digest_failure("update");
}

std::string Sha256::hex_digest() {
  if (ctx_->finished) throw Error(ErrorKind::Internal, "sha256", "hex_digest called twice");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_->md.get(), digest.data(), &length) != 1) digest_failure("finish");
  ctx_->finished = true;
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHexDigits[digest[i] >> 4]);
    hex.push_back(kHexDigits[digest[i] & 0x0f]);
  }
  return hex;
}

std::string Sha256::hex(std::string_view data) {
  Sha256 sha;
  sha.update(data.data(), data.size());
  return sha.hex_digest();
}

}  // namespace claimcheck
