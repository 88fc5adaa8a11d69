// `retrieve` of a Temporal payload that is a reference, given whole (proto
// JSON or decoded) or as the CLI's shorthand of an External Storage
// reference: the original payload's data is written, verified.
//  - a claimcheck / Go reference wrapped in json/plain, a TypeScript
//    binary/claimcheck payload: the fetched bytes (streamed);
//  - an External Storage reference: the stored Payload, binary/zlib undone,
//    whose data is written when its encoding is one of the converters' own
//    (payload_codecs.hpp: json/plain, binary/plain, ...). Any other encoding
//    (binary/encrypted...) is Error(InvalidInput) naming it, unless `raw`.
// `raw` writes what is stored instead of decoding: the object's bytes (the
// serialised Payload) for External Storage, the data whatever its encoding
// for a TypeScript payload.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "manager/manager.hpp"
#include "temporal/resolver.hpp"

namespace claimcheck::temporal {

struct RetrievePayloadOptions {
  bool raw = false;
  std::function<void(std::uint64_t)> progress;
};

/// For Manager::maybe_retrieve: nullopt when `input` is not a reference
/// payload; Error(InvalidInput) when it is one but malformed.
std::optional<RetrieveOutcome> retrieve_payload_input(Resolver& resolver, std::string_view input,
                                                      StagedOutput& out, const RetrievePayloadOptions& options);

/// The hook Manager::maybe_retrieve takes, over retrieve_payload_input.
ReferenceHook payload_reference_hook(Resolver& resolver, RetrievePayloadOptions options);

}  // namespace claimcheck::temporal
