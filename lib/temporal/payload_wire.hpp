// The binary protobuf form of temporal.api.common.v1.Payload, the body of
// every object the SDKs' S3 drivers store (and what binary/zlib and
// binary/encrypted codecs wrap). Three fields:
//   map<string, bytes> metadata = 1;   (entries: string key = 1, bytes value = 2)
//   bytes data = 2;
//   repeated ExternalPayloadDetails external_payloads = 3;  (int64 size_bytes = 1)
// This file is the only place that reads or writes the wire format.
#pragma once

#include <string>
#include <string_view>

#include "temporal/payload.hpp"

namespace claimcheck::temporal {

/// Parses a serialised Payload. Unknown fields are skipped (proto3 rules);
/// a repeated scalar keeps its last value. A truncated message, a known field
/// with the wrong wire type, a varint longer than 10 bytes, a group, or a
/// negative size is Error(Integrity, "stored payload", why).
Payload decode_payload_wire(std::string_view bytes);

/// Serialises as the SDKs do (metadata entries in key order, then data, then
/// external_payloads); decode_payload_wire(encode_payload_wire(p)) == p.
std::string encode_payload_wire(const Payload& payload);

}  // namespace claimcheck::temporal
