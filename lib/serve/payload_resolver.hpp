// Turning reference payloads back into the payloads they stand for. The
// codec routes only ask two questions: is this payload (or something in
// it) a reference, and what is the original payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "serve/outgoing_payload.hpp"
#include "temporal/payload.hpp"

namespace claimcheck::serve {

using temporal::Payload;

/// The most one payload may be in a response (it is held in memory while
/// the response is built and sent).
constexpr std::uint64_t kMaxResponsePayloadBytes = 64u << 20;

/// What a reference payload stands for, known without contacting the store.
struct ReferenceInfo {
  std::uint64_t restored_size = 0;  // bytes of the original payload (0: not known)
  std::string key;                  // the object key, "" for several
  std::string sha256;               // hex, "" when the reference has none
  bool native = false;              // already a Temporal External Storage reference
  /// Why it must not be fetched ("" when it may): it names a store or bucket
  /// this server is not configured for.
  std::string refused;
};

class PayloadResolver {
 public:
  virtual ~PayloadResolver() = default;

  /// nullopt when the payload is not a reference and holds none: it then
  /// passes through unchanged. Throws Error(InvalidInput) for a payload
  /// that claims to be a reference but is malformed.
  virtual std::optional<ReferenceInfo> find(const Payload& payload) const = 0;

  /// The original payload, verified. Throws Error (NotFound, Integrity,
  /// Store, InvalidInput) or HttpError (403: a store that is not configured).
  virtual Payload resolve(const Payload& payload) = 0;

  /// The same, as a response carries it; by default resolve()'s payload.
  virtual OutgoingPayload resolve_outgoing(const Payload& payload) { return {resolve(payload), nullptr}; }
};

}  // namespace claimcheck::serve
