// SHA-256 of one payload, computed as bytes go by: base::Sha256 that can be
// finished once. Using it after its digest is a bug in the pipeline,
// reported as an internal claimcheck::Error instead of a silent restart.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/sha256.hpp"

namespace claimcheck {

class Sha256 {
 public:
  void update(const void* data, std::size_t size);
  /// Lower-case hex; the object cannot be updated afterwards.
  std::string hex_digest();
  static std::string hex(std::string_view data) { return base::sha256_hex(data); }

 private:
  base::Sha256 sha_;
  bool finished_ = false;
};

}  // namespace claimcheck
