#include "gc_stats/expiry.hpp"

#include "reference/keys.hpp"

namespace claimcheck {

const char* expiry_source_name(ExpirySource source) {
  return source == ExpirySource::Key ? "key" : "ttl";
}

ObjectExpiry object_expiry(const ObjectInfo& object, std::chrono::seconds ttl) {
  if (auto from_key = expiry_from_key(object.key)) return {*from_key, ExpirySource::Key};
  // A foreign key carries no expiry: its age decides.
  return {object.last_modified + ttl, ExpirySource::Ttl};
}

}  // namespace claimcheck
