// A payload on its way into a response. The Web UI decodes the same large
// payloads on every render: their base64 text is kept in the object cache
// and shared into each response instead of being copied and encoded again.
#pragma once

#include <memory>
#include <string>

#include "temporal/payload.hpp"

namespace claimcheck::serve {

using temporal::Payload;

/// When `data_base64` is set it is the payload's data already in base64
/// (standard, padded) and `payload.data` is empty.
struct OutgoingPayload {
  Payload payload;
  std::shared_ptr<const std::string> data_base64;

  /// The payload with its data in bytes (decoded when shared as base64).
  Payload decoded() const;
};

}  // namespace claimcheck::serve
