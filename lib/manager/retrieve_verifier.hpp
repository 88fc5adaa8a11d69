// The end of the retrieve chain: counts and hashes the original bytes on
// their way to the staged output, refuses more than the reference's size,
// and decides at the end whether they may be released.
#pragma once

#include <cstdint>
#include <functional>

#include "codec/digest.hpp"
#include "reference/reference.hpp"
#include "core/stream.hpp"

namespace claimcheck {

class VerifyingSink : public ByteSink {
 public:
  VerifyingSink(const Reference& ref, ByteSink& out, std::function<void(std::uint64_t)> progress);
  /// Throws Error(Integrity) as soon as the payload outgrows size_bytes.
  void write(const char* data, std::size_t size) override;
  /// Size, then sha256 when the reference has one. Returns whether the
  /// sha256 was checked; throws Error(Integrity) on a mismatch.
  bool verify();
  std::uint64_t bytes() const { return bytes_; }

 private:
  const Reference& ref_;
  ByteSink& out_;
  std::function<void(std::uint64_t)> progress_;
  Sha256 sha256_;
  std::uint64_t bytes_ = 0;
};

/// Counts what passes (the stored bytes, before gunzip).
class CountingSink : public ByteSink {
 public:
  explicit CountingSink(ByteSink& out) : out_(out) {}
  void write(const char* data, std::size_t size) override {
    out_.write(data, size);
    bytes_ += size;
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  ByteSink& out_;
  std::uint64_t bytes_ = 0;
};

}  // namespace claimcheck
