// One raw deflate stream, from the engine the level calls for (private to
// codec/): ISA-L for levels 1-3, zlib for 4-9 (see deflate_engine). Both
// encoders are written once against this interface and frame its output as
// gzip themselves (gzip_internal.hpp), so the framing is the same whichever
// engine deflates.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "core/stream.hpp"

namespace claimcheck::gzip_internal {

class Deflater {
 public:
  /// None: deflate may keep input back. Sync: everything given so far is
  /// out and the output ends on a byte boundary, so another deflate stream
  /// may follow it. Finish: the final block.
  enum class Flush { None, Sync, Finish };

  virtual ~Deflater() = default;
  /// Matches may reach back into `dictionary` (its last 32 KiB); call before
  /// the first deflate, or after reset().
  virtual void set_dictionary(std::string_view dictionary) = 0;
  /// Deflates `size` bytes (any size); all output goes to `out`.
  virtual void deflate(const char* data, std::size_t size, Flush flush, ByteSink& out) = 0;
  /// Starts a new stream at the same level (buffers are reused).
  virtual void reset() = 0;
};

/// The engine deflate_engine(level) names; `level` is 1..9 (Error(Usage) otherwise).
std::unique_ptr<Deflater> make_deflater(int level);

std::unique_ptr<Deflater> make_zlib_deflater(int level);
#if CLAIMCHECK_HAVE_ISAL
std::unique_ptr<Deflater> make_isal_deflater(int level);
#endif

}  // namespace claimcheck::gzip_internal
