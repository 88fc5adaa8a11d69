#include "sigv4/memory_body.hpp"

#include <algorithm>
#include <cstring>

#include "base/sha256.hpp"

namespace sigv4 {

std::size_t MemoryBody::read(char* buffer, std::size_t capacity) {
  const std::size_t length = std::min(capacity, bytes_.size() - position_);
  if (length > 0) std::memcpy(buffer, bytes_.data() + position_, length);
  position_ += length;
  return length;
}

std::string MemoryBody::sha256_hex() {
  if (!hash_) hash_ = base::sha256_hex(bytes_);
  return *hash_;
}

}  // namespace sigv4
