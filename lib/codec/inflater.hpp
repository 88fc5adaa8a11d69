// One gzip member's inflater, from the engine inflate_engine() names
// (private to codec/). GzipDecoder keeps every safety rule (magic number,
// output cap, truncation, members) above this interface, once for both.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace claimcheck::gzip_internal {

class Inflater {
 public:
  struct Step {
    std::size_t consumed = 0;  // input bytes taken
    std::size_t produced = 0;  // output bytes written
    bool member_ended = false;  // the member's trailer was read and checked
  };

  virtual ~Inflater() = default;
  /// Inflates from `in` into `out` until the input is used up, the output is
  /// full (call again: more may be pending) or the member ends (the rest of
  /// the input is not consumed). A corrupt member (bad header, data, CRC-32
  /// or length) throws Error(Integrity) "gzip stream is corrupt (<why>)".
  virtual Step inflate(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size) = 0;
  /// Starts reading the next member.
  virtual void reset() = 0;
};

/// The engine inflate_engine() names.
std::unique_ptr<Inflater> make_inflater();

std::unique_ptr<Inflater> make_zlib_inflater();
#if CLAIMCHECK_HAVE_ISAL
std::unique_ptr<Inflater> make_isal_inflater();
#endif

/// Error(Integrity) "cannot decompress stored object: <why>".
[[noreturn]] void integrity_failure(const std::string& why);

}  // namespace claimcheck::gzip_internal
