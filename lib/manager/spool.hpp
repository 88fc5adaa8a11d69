// A write-once buffer of unknown length: memory up to a bound, the rest in
// an unlinked temp file. The first bytes always stay in memory, so a caller
// can look at a prefix without reading the file back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/stream.hpp"
#include "core/posix_file.hpp"

namespace claimcheck {

class Spool : public ByteSink {
 public:
  explicit Spool(std::size_t memory_limit);
  void write(const char* data, std::size_t size) override;

  std::uint64_t size() const { return memory_.size() + file_bytes_; }
  /// The first min(size(), memory_limit) bytes.
  std::string_view memory() const { return memory_; }
  /// Reads everything written so far, from the start. The spool must
  /// outlive the reader and not be written to meanwhile.
  std::unique_ptr<ByteSource> reader() const;
  void copy_to(ByteSink& sink) const;
  /// Frees memory and the temp file.
  void clear() noexcept;

 private:
  friend class SpoolReader;
  /// Inputs smaller than this (most pass-throughs) never reserve the limit.
  static constexpr std::size_t kFirstBuffer = 64u << 10;
  std::size_t memory_limit_;
  std::string memory_;
  UniqueFd file_;
  std::uint64_t file_bytes_ = 0;
};

}  // namespace claimcheck
