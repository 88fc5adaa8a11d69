// gzip streams (zlib), constant memory. The compression policy `auto`
// compresses a prefix first and stores raw when gzip would save less than
// kAutoMinSavings of it, so a big payload is never compressed twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "claimcheck/config.hpp"
#include "claimcheck/stream.hpp"

namespace claimcheck {

/// auto: store raw unless gzip saves at least 10% on the first prefix.
constexpr double kAutoMinSavings = 0.10;
constexpr std::size_t kAutoPrefixBytes = 1 << 20;  // 1 MiB

/// Decides auto's outcome from a prefix of the payload.
bool gzip_pays_off(const char* prefix, std::size_t size, int level);

/// Compresses everything written to it into `out` as one gzip member.
class GzipEncoder : public ByteSink {
 public:
  GzipEncoder(ByteSink& out, int level);
  ~GzipEncoder() override;
  void write(const char* data, std::size_t size) override;
  void finish();  // writes the trailer; call once
 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Decompresses a gzip stream into `out`, refusing to produce more than
/// `max_output` bytes (a gzip bomb stops there). Truncated or corrupt input,
/// or a missing gzip magic number, is Error(Integrity).
class GzipDecoder : public ByteSink {
 public:
  GzipDecoder(ByteSink& out, std::uint64_t max_output);
  ~GzipDecoder() override;
  void write(const char* data, std::size_t size) override;
  void finish();  // throws Error(Integrity) when the stream did not end cleanly
 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace claimcheck
