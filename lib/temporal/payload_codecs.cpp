#include "temporal/payload_codecs.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/error.hpp"
#include "temporal/payload_wire.hpp"

namespace claimcheck::temporal {
namespace {

[[noreturn]] void corrupt(const std::string& why) {
  throw Error(ErrorKind::Integrity, "binary/zlib payload", why);
}

/// zlib format (RFC 1950), as Go's compress/zlib and the other SDKs write it.
std::string inflate_zlib(const std::string& compressed, std::uint64_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) throw Error(ErrorKind::Internal, "zlib", "inflateInit failed");
  std::string out;
  std::array<char, 1 << 16> buffer{};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      const std::string why = status == Z_BUF_ERROR ? "truncated" : (stream.msg ? stream.msg : "corrupt");
      inflateEnd(&stream);
      corrupt("zlib stream: " + why);
    }
    out.append(buffer.data(), buffer.size() - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      throw InflatesBeyond(max_bytes);
    }
  }
  inflateEnd(&stream);
  if (stream.avail_in != 0) corrupt("bytes after the end of the zlib stream");
  return out;
}

}  // namespace

InflatesBeyond::InflatesBeyond(std::uint64_t limit)
    : Error(ErrorKind::Integrity, "binary/zlib payload", fmt::format("inflates beyond {} bytes", limit)),
      limit_(limit) {}

Payload undo_known_codecs(Payload payload, std::uint64_t max_bytes, std::uint64_t* inflated) {
  max_bytes = std::min(max_bytes, kMaxPayloadBytes);
  // Each round removes one layer, inflating what the rounds before left of
  // the bound: layers nested thousands deep inflate no more than one.
  std::uint64_t left = max_bytes;
  while (payload.encoding() == kZlibEncoding) {
    if (payload.data.size() > kMaxPayloadBytes) corrupt("larger than any payload");
    std::string layer;
    try {
      layer = inflate_zlib(payload.data, left);
    } catch (const InflatesBeyond&) {
      throw InflatesBeyond(max_bytes);
    }
    left -= layer.size();
    payload = decode_payload_wire(layer);
  }
  if (inflated != nullptr) *inflated = max_bytes - left;
  return payload;
}

bool is_plain_encoding(const std::string& encoding) {
  return encoding == "json/plain" || encoding == "binary/plain" || encoding == "json/protobuf" ||
         encoding == "binary/protobuf" || encoding == "binary/null";
}

const std::string& plain_data(const Payload& payload, const std::string& what) {
  const std::string encoding = payload.encoding();
  if (!is_plain_encoding(encoding))
    throw Error(ErrorKind::InvalidInput, what,
                fmt::format("the stored payload {} (claimcheck cannot decode it; --raw writes "
                            "the stored payload as it is)",
                            encoding.empty() ? std::string("has no encoding")
                                             : "is encoded " + encoding.substr(0, 80)));
  return payload.data;
}

}  // namespace claimcheck::temporal
