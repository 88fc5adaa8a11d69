// Which library does the work: ISA-L (Intel's Intelligent Storage
// Acceleration Library) deflates levels 1-3 at ten times zlib's speed and
// inflates every stored object; it has no higher levels, so zlib deflates
// 4-9. A build without ISA-L (meson -Disal=disabled, a fallback) uses zlib
// for all of it. The gzip framing both encoders write is here too.
#include <algorithm>

#include <zlib.h>

#if CLAIMCHECK_HAVE_ISAL
#include <isa-l.h>
#endif

#include <fmt/format.h>

#include "codec/codec.hpp"
#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"
#include "codec/inflater.hpp"
#include "core/error.hpp"

namespace claimcheck {

using namespace gzip_internal;

GzipEngine deflate_engine(int level) {
  check_level(level);
#if CLAIMCHECK_HAVE_ISAL
  if (level <= kIsalMaxLevel) return GzipEngine::Isal;
#endif
  return GzipEngine::Zlib;
}

GzipEngine inflate_engine() {
#if CLAIMCHECK_HAVE_ISAL
  return GzipEngine::Isal;
#else
  return GzipEngine::Zlib;
#endif
}

const char* engine_name(GzipEngine engine) { return engine == GzipEngine::Isal ? "ISA-L" : "zlib"; }

std::string engine_version(GzipEngine engine) {
#if CLAIMCHECK_HAVE_ISAL
  if (engine == GzipEngine::Isal)
    return fmt::format("{}.{}.{}", ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION);
#endif
  (void)engine;
  return zlibVersion();
}

void gzip_internal::check_level(int level) {
  if (level < 1 || level > 9)
    throw Error(ErrorKind::Usage, "invalid compression level", fmt::format("{} is not in 1..9", level));
}

std::unique_ptr<Deflater> gzip_internal::make_deflater(int level) {
#if CLAIMCHECK_HAVE_ISAL
  if (deflate_engine(level) == GzipEngine::Isal) return make_isal_deflater(level);
#endif
  return make_zlib_deflater(level);
}

std::unique_ptr<Inflater> gzip_internal::make_inflater() {
#if CLAIMCHECK_HAVE_ISAL
  return make_isal_inflater();
#else
  return make_zlib_inflater();
#endif
}

namespace {
void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
}  // namespace

std::string gzip_internal::gzip_header(int level) {
  const char extra_flags = level == 9 ? 2 : level == 1 ? 4 : 0;  // "slowest" / "fastest"
  return std::string{"\x1f\x8b\x08\x00\x00\x00\x00\x00", 8} + extra_flags + '\x03';
}

std::string gzip_internal::gzip_trailer(std::uint32_t crc, std::uint64_t input_size) {
  std::string trailer;
  append_le32(trailer, crc);
  append_le32(trailer, static_cast<std::uint32_t>(input_size & 0xffffffffu));
  return trailer;
}

std::uint32_t gzip_internal::crc32_update(std::uint32_t crc, const char* data, std::size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
#if CLAIMCHECK_HAVE_ISAL
  return crc32_gzip_refl(crc, bytes, size);
#else
  while (size > 0) {  // zlib takes 32-bit lengths
    const std::size_t take = std::min(size, kMaxChunk);
    crc = static_cast<std::uint32_t>(crc32_z(crc, bytes, take));
    bytes += take;
    size -= take;
  }
  return crc;
#endif
}

std::uint32_t gzip_internal::crc32_concat(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) {
  return static_cast<std::uint32_t>(crc32_combine64(crc_a, crc_b, static_cast<z_off64_t>(size_b)));
}

}  // namespace claimcheck
