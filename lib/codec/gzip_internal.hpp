// Helpers shared by the gzip encoders and decoder (private to lib/).
#pragma once

#include <cstddef>

namespace claimcheck::gzip_internal {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int kRawWindowBits = -15;       // 32 KiB window, no wrapper
constexpr int kMemLevel = 8;              // zlib's and gzip's default
constexpr std::size_t kWindowSize = 32 * 1024;
constexpr std::size_t kMaxZlibChunk = std::size_t{1} << 30;  // avail_in is a 32-bit uInt

/// Throws Error(Usage) unless 1 <= level <= 9.
void check_level(int level);

}  // namespace claimcheck::gzip_internal
