// The three codec-server operations on parsed payloads, independent of HTTP.
//  decode:   binary/zlib payloads are inflated (all of a request's to at
//            most the inline limit); references become the original payloads; with
//            preserveStorageRefs (the Web UI) those over the display limit
//            become a native-shaped ExternalStorageReference instead, so the
//            UI shows its "stored externally" badge and Download button.
//  download: every payload must be a reference; each is resolved in full.
//  encode:   passes through, or offloads payloads at or above the threshold;
//            when one fails, the objects stored for the others are removed.
// The count and order of payloads never change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "serve/payload_resolver.hpp"

namespace claimcheck::serve {

/// What offloading one payload gives: the reference payload that replaces
/// it, and the key of the object stored for it.
struct OffloadedPayload {
  Payload reference;
  std::string key;
};

/// Stores a payload and returns the reference payload that replaces it.
class PayloadOffloader {
 public:
  virtual ~PayloadOffloader() = default;
  virtual bool wants(const Payload& payload) const = 0;
  virtual OffloadedPayload offload(const Payload& payload) = 0;
  /// Removes the objects of references that never reached the client;
  /// says what became of them (for the log).
  virtual std::string remove_undelivered(const std::vector<std::string>& keys) = 0;
};

struct CodecLimits {
  std::uint64_t display_limit{};             // preserveStorageRefs: larger stays a reference (a setting)
  std::uint64_t inline_limit = kMaxResponsePayloadBytes;  // larger is never put in a response
  int concurrency = 8;                       // payloads resolved at a time per request
};

class CodecRoutes {
 public:
  /// `offloader` null: /encode passes payloads through.
  CodecRoutes(PayloadResolver& resolver, PayloadOffloader* offloader, CodecLimits limits);

  /// As a response carries them: large data shared from the cache as base64.
  std::vector<OutgoingPayload> decode_for_response(const std::vector<Payload>& payloads, bool preserve_storage_refs);
  std::vector<OutgoingPayload> download_for_response(const std::vector<Payload>& payloads);
  /// The same with every payload's data in bytes.
  std::vector<Payload> decode(const std::vector<Payload>& payloads, bool preserve_storage_refs);
  std::vector<Payload> download(const std::vector<Payload>& payloads);
  std::vector<Payload> encode(const std::vector<Payload>& payloads);

 private:
  OutgoingPayload decode_one(const Payload& payload, bool preserve_storage_refs);
  /// Whether decoding `payload` may need the store (a reference, one nested
  /// in a document, or a malformed one that decode_one reports).
  bool may_refer(const Payload& payload) const;

  PayloadResolver& resolver_;
  PayloadOffloader* offloader_;
  CodecLimits limits_;
};

/// The native-shaped reference serve hands the UI for a payload over the
/// display limit: encoding json/protobuf, messageType
/// temporal.api.sdk.v1.ExternalStorageReference, data
/// {"driverName":"claimcheck","claimData":{"payload":<the reference payload as JSON>,...}},
/// externalPayloads [{sizeBytes: restored size}]. temporal::claimcheck_driver_payload
/// reads the payload inside back.
Payload make_storage_reference(const Payload& original, const ReferenceInfo& info);

}  // namespace claimcheck::serve
