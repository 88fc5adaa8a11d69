// When an object expires, decided from a listing entry alone (no request per
// object): the expiry claimcheck wrote into the key, or, for keys of other
// writers (the Go runner's bare UUIDs), LastModified + TTL.
#pragma once

#include <chrono>

#include "reference/reference.hpp"
#include "stores/store.hpp"

namespace claimcheck {

enum class ExpirySource {
  Key,  // claimcheck's key layout carries the expiry
  Ttl,  // foreign key: LastModified + TTL
};

struct ObjectExpiry {
  TimePoint expires_at{};
  ExpirySource source = ExpirySource::Key;
};

/// "key" or "ttl", for output.
const char* expiry_source_name(ExpirySource source);

ObjectExpiry object_expiry(const ObjectInfo& object, std::chrono::seconds ttl);

/// Expired means the expiry is at or before `now`.
inline bool is_expired(const ObjectExpiry& expiry, TimePoint now) {
  return expiry.expires_at <= now;
}

}  // namespace claimcheck
