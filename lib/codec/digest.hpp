// SHA-256 over a stream (OpenSSL EVP), computed as bytes go by.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace claimcheck {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(const void* data, std::size_t size);
  /// Lower-case hex; the object cannot be updated afterwards.
  std::string hex_digest();
  static std::string hex(std::string_view data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace claimcheck
