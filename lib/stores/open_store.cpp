// From a Config to a Store. Kept apart from config.cpp so that reading the
// configuration does not pull in the store implementations.
#include <fmt/format.h>

#include "config/config.hpp"
#include "config/credential_chain.hpp"
#include "core/error.hpp"
#include "stores/bucket_stores.hpp"
#include "stores/local_store.hpp"
#include "stores/s3_store.hpp"

namespace claimcheck {

std::unique_ptr<Store> open_store(const Config& config, StoreLines lines) {
  if (config.store_kind == "s3") {
    const bool has_keys = !config.s3.access_key_id.empty() && !config.s3.secret_access_key.empty();
    if (!has_keys && !config.s3.credentials_provider) {
      throw Error(ErrorKind::Usage, std::string(kNoCredentials), "tried " + config.s3.credentials_tried);
    }
    return make_s3_store(config.s3, std::move(lines));
  }
  if (config.local_dir.empty()) {
    throw Error(ErrorKind::Usage, "store",
                "no store configured and neither XDG_DATA_HOME nor HOME is set: use --store DIR "
                "or CLAIMCHECK_STORE");
  }
  return make_local_store(config.local_dir);
}

std::string store_location(const Config& config) {
  if (config.store_kind == "s3") return s3_store_location(config.s3.bucket);
  return config.local_dir.empty() ? "" : local_store_location(config.local_dir);
}

std::unique_ptr<BucketStores> open_bucket_stores(const Config& config, StoreLines lines) {
  std::set<std::string> allowed(config.s3.read_buckets.begin(), config.s3.read_buckets.end());
  if (config.store_kind == "s3") allowed.insert(config.s3.bucket);
  return std::make_unique<ConfiguredBuckets>(
      std::move(allowed), [config, lines](const std::string& bucket) {
        Config for_bucket = config;
        for_bucket.store_kind = "s3";  // beside a local store too
        for_bucket.s3.bucket = bucket;
        return open_store(for_bucket, lines);
      });
}

}  // namespace claimcheck
