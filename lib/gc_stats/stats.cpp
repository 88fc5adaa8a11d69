// The storage view of `stats`: one listing, folded page by page.
#include "gc_stats/stats.hpp"

#include "gc_stats/expiry.hpp"
#include "reference/keys.hpp"

namespace claimcheck {

namespace {

constexpr std::chrono::hours kDay{24};

}  // namespace

void StorageAggregator::add(const ObjectInfo& object) {
  if (is_other_key(object.key, root_only_)) {  // as gc leaves them
    stats_.other_keys.add(object.stored_size);
    return;
  }
  stats_.total.add(object.stored_size);
  add_expiry(object);
  add_age(object);
}

void StorageAggregator::add_expiry(const ObjectInfo& object) {
  const ObjectExpiry expiry = object_expiry(object, ttl_);
  const std::uint64_t size = object.stored_size;
  (expiry.source == ExpirySource::Key ? stats_.with_key_expiry : stats_.with_ttl_expiry).add(size);
  if (is_expired(expiry, as_of_)) {
    stats_.expired.add(size);
    return;
  }
  const auto left = expiry.expires_at - as_of_;
  if (left <= kDay) stats_.expiring_1d.add(size);
  if (left <= 7 * kDay) stats_.expiring_7d.add(size);
  if (left <= 30 * kDay) stats_.expiring_30d.add(size);
}

void StorageAggregator::add_age(const ObjectInfo& object) {
  const auto age = as_of_ - object.last_modified;  // negative (clock skew) counts as new
  const std::uint64_t size = object.stored_size;
  if (age < kDay) stats_.age_under_1d.add(size);
  else if (age < 7 * kDay) stats_.age_1d_to_7d.add(size);
  else if (age < 30 * kDay) stats_.age_7d_to_30d.add(size);
  else stats_.age_over_30d.add(size);
  if (!stats_.oldest || object.last_modified < stats_.oldest->last_modified)
    stats_.oldest = ObjectMark{object.key, object.last_modified};
  if (!stats_.newest || object.last_modified > stats_.newest->last_modified)
    stats_.newest = ObjectMark{object.key, object.last_modified};
}

StorageStats collect_storage_stats(Store& store, const std::string& prefix, std::chrono::seconds ttl,
                                   TimePoint as_of, int list_concurrency) {
  StorageAggregator aggregator(as_of, ttl, prefix.empty());
  list_partitioned(store, prefix, list_concurrency, [&aggregator](const std::vector<ObjectInfo>& page) {
    for (const auto& object : page) aggregator.add(object);
    return true;
  });
  return aggregator.stats();
}

}  // namespace claimcheck
