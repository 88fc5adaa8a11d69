// Helpers shared by the gzip encoders and decoder (private to lib/codec/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace claimcheck::gzip_internal {

constexpr std::size_t kWindowSize = 32 * 1024;
/// Both engines count input in 32-bit fields: larger writes are cut.
constexpr std::size_t kMaxChunk = std::size_t{1} << 30;
/// Output is handed on in pieces of this size.
constexpr std::size_t kOutputChunk = 64u << 10;

/// Throws Error(Usage) unless 1 <= level <= 9.
void check_level(int level);

/// RFC 1952 header of one member: no name, no mtime (reproducible output),
/// OS = Unix, the extra flags zlib writes for `level`.
std::string gzip_header(int level);
/// RFC 1952 trailer: CRC-32 and the input size modulo 2^32.
std::string gzip_trailer(std::uint32_t crc, std::uint64_t input_size);

/// CRC-32 (gzip's) of `data` continued from `crc` (0 to start); ISA-L's
/// carry-less-multiply version where it is built in, else zlib's.
std::uint32_t crc32_update(std::uint32_t crc, const char* data, std::size_t size);
/// The CRC-32 of A followed by B, from crc(A), crc(B) and B's length.
std::uint32_t crc32_concat(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b);

}  // namespace claimcheck::gzip_internal
