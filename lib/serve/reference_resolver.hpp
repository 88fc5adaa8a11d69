// The resolver serve uses: lib/temporal decides what a payload refers to and
// fetches it (temporal::Resolver: claimcheck and Go runner references as
// whole json/plain payloads, the TypeScript codec's binary/claimcheck, and
// Temporal External Storage S3-driver references, each verified); this adds
// what a codec server needs on top:
//  - a whole claimcheck / Go reference comes back as json/plain when the
//    original bytes are JSON, binary/plain otherwise;
//  - references nested in a json/plain document are restored in place,
//    byte-exact, as `retrieve --json-fields` does;
//  - External Storage payloads have binary/zlib undone, inflating no more
//    than one response may carry;
//  - a store or bucket that is not configured is refused before contact;
//  - verified objects are kept in the cache, keyed by their sha256.
#pragma once

#include "serve/object_cache.hpp"
#include "serve/payload_resolver.hpp"
#include "temporal/resolver.hpp"

namespace claimcheck::serve {

class ReferenceResolver : public PayloadResolver {
 public:
  /// `nested_concurrency`: fetches at a time inside one document;
  /// `inline_limit`: the most a binary/zlib payload may inflate to.
  ReferenceResolver(temporal::Resolver& resolver, ObjectCache& cache, int nested_concurrency = 4,
                    std::uint64_t inline_limit = kMaxResponsePayloadBytes);

  std::optional<ReferenceInfo> find(const Payload& payload) const override;
  Payload resolve(const Payload& payload) override;
  OutgoingPayload resolve_outgoing(const Payload& payload) override;

 private:
  /// The verified object of a claimcheck, Go or TypeScript reference (kept as base64).
  ObjectCache::Bytes fetch(const Reference& ref);
  /// The stored payload of an External Storage reference, codecs undone.
  Payload fetch_external(const temporal::PayloadReference& reference);
  /// Why `ref` must not be fetched, "" when it may.
  std::string refusal(const Reference& ref) const;

  temporal::Resolver& resolver_;
  ObjectCache& cache_;
  int nested_concurrency_;
  std::uint64_t inline_limit_;
};

}  // namespace claimcheck::serve
