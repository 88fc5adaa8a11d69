#include "codec/digest.hpp"

#include "core/error.hpp"

namespace claimcheck {

void Sha256::update(const void* data, std::size_t size) {
  if (finished_) throw Error(ErrorKind::Internal, "sha256", "update after hex_digest");
  sha_.update(data, size);
}

std::string Sha256::hex_digest() {
  if (finished_) throw Error(ErrorKind::Internal, "sha256", "hex_digest called twice");
  finished_ = true;
  return sha_.finish_hex();
}

}  // namespace claimcheck
