// The payload codecs claimcheck can undo, and what `retrieve` may write.
// binary/zlib is the SDKs' built-in ZlibCodec: data = zlib(serialised Payload).
// Codecs that need keys (binary/encrypted) are left alone.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "temporal/payload.hpp"

namespace claimcheck::temporal {

constexpr std::string_view kZlibEncoding = "binary/zlib";
/// protobuf refuses messages of 2 GiB or more: no payload is larger, and
/// inflating stops there (a zlib bomb costs at most that much memory).
constexpr std::uint64_t kMaxPayloadBytes = (std::uint64_t{1} << 31) - 1;

/// undo_known_codecs' payload inflates beyond the bound its caller set
/// (Error(Integrity) at protobuf's own bound, which no payload passes).
class InflatesBeyond : public Error {
 public:
  explicit InflatesBeyond(std::uint64_t limit);
  std::uint64_t limit() const { return limit_; }

 private:
  std::uint64_t limit_;
};

/// While the payload is binary/zlib: inflate and decode the payload inside,
/// inflating at most `max_bytes` in all, every layer counted (a zlib bomb
/// of 1 MB inflates to 1 GB; thousands of nested layers to as much each).
/// A zlib stream that is corrupt or truncated, or an inner payload that is
/// not a protobuf Payload, is Error(Integrity); layers that inflate beyond
/// `max_bytes` together are InflatesBeyond. Other payloads come back as is.
/// `inflated`, when given, gets the bytes inflated.
Payload undo_known_codecs(Payload payload, std::uint64_t max_bytes = kMaxPayloadBytes,
                          std::uint64_t* inflated = nullptr);

/// True for the converters' own encodings, whose data is the value itself:
/// json/plain, binary/plain, json/protobuf, binary/protobuf, binary/null.
bool is_plain_encoding(const std::string& encoding);

/// The data `retrieve` writes for a resolved payload: its data when
/// is_plain_encoding, else Error(InvalidInput, what, "the stored payload is
/// <encoding> ...: --raw writes it as stored").
const std::string& plain_data(const Payload& payload, const std::string& what);

}  // namespace claimcheck::temporal
