// The pull-style stages between the input and Store::put: the store pulls,
// each stage pulls from the one before, so memory stays bounded by the
// buffers (never by the payload) and every byte is read once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.hpp"
#include "codec/digest.hpp"
#include "core/stream.hpp"

namespace claimcheck {

/// Yields `first`, then `second`.
class ConcatSource : public ByteSource {
 public:
  ConcatSource(ByteSource& first, ByteSource& second) : first_(first), second_(second) {}
  std::size_t read(char* buffer, std::size_t capacity) override;

 private:
  ByteSource& first_;
  ByteSource& second_;
  bool first_done_ = false;
};

/// Passes bytes through, counting them and hashing them (SHA-256 of the
/// original payload), and reports the running count.
class DigestingSource : public ByteSource {
 public:
  DigestingSource(ByteSource& upstream, std::function<void(std::uint64_t)> progress)
      : upstream_(upstream), progress_(std::move(progress)) {}
  std::size_t read(char* buffer, std::size_t capacity) override;
  std::uint64_t bytes() const { return bytes_; }
  /// Valid once the upstream is drained; may be called repeatedly.
  const std::string& hex_digest();

 private:
  ByteSource& upstream_;
  std::function<void(std::uint64_t)> progress_;
  Sha256 sha256_;
  std::uint64_t bytes_ = 0;
  std::optional<std::string> digest_;
};

/// gzip as a source: pulls from upstream, pushes into an encoder, and hands
/// out what the encoder produced.
class GzipSource : public ByteSource {
 public:
  /// `parallel`: use the multi-threaded encoder (worth it for large inputs).
  GzipSource(ByteSource& upstream, int level, bool parallel);
  ~GzipSource() override;
  std::size_t read(char* buffer, std::size_t capacity) override;

 private:
  class Pending;
  void refill();

  ByteSource& upstream_;
  std::unique_ptr<Pending> pending_;
  std::unique_ptr<CompressingSink> encoder_;
  std::vector<char> chunk_;
  bool finished_ = false;
};

}  // namespace claimcheck
