// The S3 buckets a reference may send claimcheck to. A Temporal External
// Storage reference names its own bucket; claimcheck reads it only when the
// user configured that bucket (the --store bucket, or a --read-bucket one),
// always on the configured endpoint with the configured credentials. Any
// other bucket is refused before anything is contacted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "stores/store.hpp"

namespace claimcheck {
struct Config;
}

namespace claimcheck {

class BucketStores {
 public:
  virtual ~BucketStores() = default;
  virtual bool allows(const std::string& bucket) const = 0;
  /// The store for `bucket`. Throws Error(InvalidInput) naming the bucket
  /// when it is not one the user configured.
  virtual Store& store_for(const std::string& bucket) = 0;
  /// For messages: the configured buckets, comma separated ("" when none).
  virtual std::string allowed_list() const = 0;
};

/// Opens a store for one bucket (on first use, then kept). Thread-safe.
class ConfiguredBuckets : public BucketStores {
 public:
  using Opener = std::function<std::unique_ptr<Store>(const std::string& bucket)>;
  ConfiguredBuckets(std::set<std::string> allowed, Opener open);

  bool allows(const std::string& bucket) const override;
  Store& store_for(const std::string& bucket) override;
  std::string allowed_list() const override;

 private:
  std::set<std::string> allowed_;
  Opener open_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Store>> opened_;
};

/// The buckets of this configuration: the --store bucket when the store is
/// S3, and the --read-bucket ones beside any store, each opened on the
/// configured endpoint with the configured credentials (see open_store).
std::unique_ptr<BucketStores> open_bucket_stores(const Config& config, StoreLines lines = {});

/// The refusal for a bucket that is not configured, Error(InvalidInput),
/// thrown or (bucket_refusal) returned.
Error bucket_refusal(const std::string& bucket, const std::string& allowed_list);
[[noreturn]] void refuse_bucket(const std::string& bucket, const std::string& allowed_list);

}  // namespace claimcheck
