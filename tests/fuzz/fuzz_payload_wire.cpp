// libFuzzer target: the protobuf wire reader for stored Payloads
// (temporal/payload_wire.cpp), directly and inside a binary/zlib payload.
// Whatever decodes must encode and decode to the same payload again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_wire.hpp"

using namespace claimcheck;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const temporal::Payload payload = temporal::decode_payload_wire(bytes);
    if (temporal::decode_payload_wire(temporal::encode_payload_wire(payload)) != payload) __builtin_trap();
    if (payload.data.size() > size) __builtin_trap();  // nothing is invented
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Integrity) __builtin_trap();
  }
  try {
    temporal::Payload zlib{{{"encoding", "binary/zlib"}}, std::string(bytes), {}};
    temporal::undo_known_codecs(std::move(zlib));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Integrity) __builtin_trap();
  }
  return 0;
}
