// gzip streams, constant memory: ISA-L deflates levels 1-3 and inflates,
// zlib deflates levels 4-9 (gzip_engine.cpp). The compression policy `auto`
// compresses a prefix first and stores raw when gzip would save less than
// kAutoMinSavings of it, so a big payload is never compressed twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/stream.hpp"

namespace claimcheck {

/// The library behind a gzip level or behind gunzip.
enum class GzipEngine { Zlib, Isal };
/// ISA-L has no levels above this one; zlib deflates the rest.
constexpr int kIsalMaxLevel = 3;

/// ISA-L for levels 1..kIsalMaxLevel, zlib above (zlib for every level in a
/// build without ISA-L). Error(Usage) unless 1 <= level <= 9.
GzipEngine deflate_engine(int level);
/// ISA-L (zlib in a build without it).
GzipEngine inflate_engine();
/// "ISA-L" or "zlib".
const char* engine_name(GzipEngine engine);
/// The library's version, e.g. "2.30.0".
std::string engine_version(GzipEngine engine);

/// auto: store raw unless gzip saves at least 10% on the first prefix. Below
/// 10% the CPU spent on every retrieval buys too little storage or transfer.
constexpr double kAutoMinSavings = 0.10;
constexpr std::size_t kAutoPrefixBytes = 1 << 20;  // 1 MiB

/// Decides auto's outcome from a prefix of the payload (up to
/// kAutoPrefixBytes of it are compressed at `level`). An empty prefix does
/// not pay off.
bool gzip_pays_off(const char* prefix, std::size_t size, int level);

/// auto's rule on sizes: gzip's `compressed_size` saves at least
/// kAutoMinSavings of `size` (never for size 0).
bool gzip_saves_enough(std::size_t size, std::size_t compressed_size);

/// One gzip member of a payload held wholly in memory, deflated in parts on
/// several threads (straight from `payload`, no copy) when it is large
/// enough to gain from them. Lets a payload that fits in auto's prefix be
/// compressed once: the trial is the stored object.
std::string gzip_in_memory(std::string_view payload, int level);

/// A sink that compresses into another sink; finish() writes the end of the
/// stream (call it once, after the last write).
class CompressingSink : public ByteSink {
 public:
  virtual void finish() = 0;
};

/// Compresses everything written to it into `out` as one gzip member.
/// `level` is 1..9 (Error(Usage) otherwise).
class GzipEncoder : public CompressingSink {
 public:
  GzipEncoder(ByteSink& out, int level);
  ~GzipEncoder() override;
  void write(const char* data, std::size_t size) override;
  void finish() override;  // writes the trailer; call once
 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Same output format as GzipEncoder (ONE gzip member that gunzip reads), but
/// deflates `block_size` blocks on `threads` worker threads, each block primed
/// with the previous block's last 32 KiB as dictionary so the ratio stays
/// within about 1% of GzipEncoder. Memory is bounded by about
/// 4 x block_size x threads. Errors in a worker are rethrown by write/finish.
class ParallelGzipEncoder : public CompressingSink {
 public:
  static constexpr std::size_t kDefaultBlockSize = 1 << 20;
  /// threads == 0: one per hardware thread.
  ParallelGzipEncoder(ByteSink& out, int level, unsigned threads = 0,
                      std::size_t block_size = kDefaultBlockSize);
  ~ParallelGzipEncoder() override;
  void write(const char* data, std::size_t size) override;
  void finish() override;
 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The encoder to use for a payload: ParallelGzipEncoder when more than one
/// hardware thread is available, GzipEncoder otherwise.
std::unique_ptr<CompressingSink> make_gzip_encoder(ByteSink& out, int level);

/// Decompresses a gzip stream into `out`, refusing to produce more than
/// `max_output` bytes (a gzip bomb stops there). Truncated or corrupt input,
/// or a missing gzip magic number, is Error(Integrity). Concatenated gzip
/// members are accepted (as gunzip does).
class GzipDecoder : public ByteSink {
 public:
  GzipDecoder(ByteSink& out, std::uint64_t max_output);
  ~GzipDecoder() override;
  void write(const char* data, std::size_t size) override;
  void finish();  // throws Error(Integrity) when the stream did not end cleanly
  std::uint64_t bytes_out() const;
 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace claimcheck
