// Resolution: a reference payload becomes the original payload, verified.
// This is the one implementation behind `retrieve` (whole payloads, the
// CLI's shorthand, --json-fields) and `serve` (/decode, /download).
//
// Use (what `serve` does for each payload of a request):
//
//   Manager manager(store, nullptr);                  // the configured store
//   auto buckets = open_bucket_stores(config);        // config/config.hpp
//   temporal::Resolver resolver(manager, *buckets);
//   auto parsed = temporal::payload_from_proto_json(json);    // payload.hpp
//   if (parsed && parsed->problem.empty())
//     if (auto original = resolver.resolve(parsed->payload))  // nullopt: not a reference
//       reply(temporal::to_proto_json(temporal::undo_known_codecs(*original)));
//
// What resolves (payload_reference.hpp): claimcheck / Go runner references
// as whole json/plain payloads, the TypeScript runner's binary/claimcheck
// payloads, and Temporal External Storage references (S3 driver claims; the
// bucket must be one the user configured, see stores/bucket_stores.hpp).
// For External Storage the result is the stored Payload as the worker's
// codecs left it (maybe binary/zlib or binary/encrypted): undo_known_codecs
// (payload_codecs.hpp) removes what claimcheck can.
//
// Errors are claimcheck::Error: InvalidInput (malformed reference, bucket
// not configured, a payload too large to hold), NotFound (object absent),
// Integrity (sha256 or size mismatch, stored object not a protobuf Payload,
// corrupt gzip), Store (network, permission). Nothing is returned unverified
// except what the reference gives no means to verify (Go runner and
// TypeScript references carry no sha256: their size is checked).
// Thread-safe: one Resolver may serve concurrent requests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "manager/manager.hpp"
#include "stores/bucket_stores.hpp"
#include "temporal/payload.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_reference.hpp"

namespace claimcheck::temporal {

struct Resolution {
  /// The original payload (External Storage: the stored one, codecs not undone).
  Payload payload;
  /// External Storage: the object's bytes as stored (what --raw writes).
  std::string stored;
  /// False when only the size could be checked (no sha256 in the reference).
  bool sha256_verified = false;
};

/// The object of an External Storage reference, read in full and checked:
/// sha256 against hashValue, size against externalPayloads.sizeBytes.
struct StoredObject {
  std::string bytes;
  bool sha256_verified = false;
};

/// Reads the object of an External Storage reference in full from its
/// (configured) bucket and checks it; Error as for Resolver. An object
/// larger than `max_bytes` is Error(Integrity) (the claim's own size, when
/// it has one, bounds it too).
StoredObject fetch_external_object(BucketStores& buckets, const ExternalStorageReference& reference,
                                   std::uint64_t max_bytes = kMaxPayloadBytes);

/// The Payload an External Storage object holds (decode_payload_wire), its
/// failure named by the object's location: what a retrieve would deliver, so
/// `inspect --verify` finds as corrupt what `retrieve` could not give back.
Payload decode_external_object(const ExternalStorageReference& reference, std::string_view bytes);

/// undo_known_codecs over such a Payload (binary/zlib inflated), its failure
/// named by the object's location; InflatesBeyond passes as it is.
Payload undo_external_codecs(const ExternalStorageReference& reference, Payload payload,
                             std::uint64_t max_bytes = kMaxPayloadBytes);

class Resolver {
 public:
  /// `manager` fetches claimcheck, Go and TypeScript references from the
  /// configured store; `buckets` holds the stores External Storage claims may name.
  Resolver(Manager& manager, BucketStores& buckets);

  /// nullopt when `payload` is not a reference; else its original, verified.
  std::optional<Payload> resolve(const Payload& payload);

  Resolution resolve(const PayloadReference& reference);

  /// fetch_external_object over this resolver's buckets.
  StoredObject fetch_object(const ExternalStorageReference& reference, std::uint64_t max_bytes = kMaxPayloadBytes) {
    return fetch_external_object(buckets_, reference, max_bytes);
  }

  Manager& manager() { return manager_; }
  BucketStores& buckets() { return buckets_; }

 private:
  Resolution resolve_claimcheck(const PayloadReference& reference);
  Resolution resolve_external(const ExternalStorageReference& reference);

  Manager& manager_;
  BucketStores& buckets_;
};

}  // namespace claimcheck::temporal
