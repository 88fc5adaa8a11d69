// Turning reference payloads back into the payloads they stand for. The
// codec routes only ask two questions: is this payload (or something in
// it) a reference, and what is the original payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "serve/payload.hpp"

namespace claimcheck::serve {

/// What a reference payload stands for, known without contacting the store.
struct ReferenceInfo {
  std::uint64_t restored_size = 0;  // bytes of the original payload's data
  std::string key;                  // the object key, "" for several
  std::string sha256;               // hex, "" when the reference has none
};

class PayloadResolver {
 public:
  virtual ~PayloadResolver() = default;

  /// nullopt when the payload is not a reference and holds none: it then
  /// passes through unchanged. Throws Error(InvalidInput) for a payload
  /// that claims to be a reference but is malformed.
  virtual std::optional<ReferenceInfo> find(const Payload& payload) const = 0;

  /// The original payload, verified. Throws Error (NotFound, Integrity,
  /// Store, InvalidInput) or HttpError (a store that is not configured).
  virtual Payload resolve(const Payload& payload) = 0;
};

}  // namespace claimcheck::serve
