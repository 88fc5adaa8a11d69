// A BodySource over bytes already in memory: what put_object(string_view)
// sends, and what a caller that needs its own BodySource can wrap.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sigv4/s3_client.hpp"

namespace sigv4 {

/// Does not copy: `bytes` must outlive it.
class MemoryBody final : public BodySource {
 public:
  explicit MemoryBody(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read(char* buffer, std::size_t capacity) override;
  void rewind() override { position_ = 0; }
  std::string sha256_hex() override;

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
  std::optional<std::string> hash_;
};

}  // namespace sigv4
