#include "stores/bucket_stores.hpp"

#include "base/text.hpp"
#include "core/error.hpp"
#include "reference/store_location.hpp"

namespace claimcheck {

ConfiguredBuckets::ConfiguredBuckets(std::set<std::string> allowed, Opener open)
    : allowed_(std::move(allowed)), open_(std::move(open)) {}

bool ConfiguredBuckets::allows(const std::string& bucket) const { return allowed_.count(bucket) > 0; }

Store& ConfiguredBuckets::store_for(const std::string& bucket) {
  if (!allows(bucket)) refuse_bucket(bucket, allowed_list());
  std::lock_guard lock(mutex_);
  auto& store = opened_[bucket];
  if (!store) store = open_(bucket);
  return *store;
}

std::string ConfiguredBuckets::allowed_list() const {
  std::string list;
  for (const auto& bucket : allowed_) list += (list.empty() ? "" : ", ") + bucket;
  return list;
}

Error bucket_refusal(const std::string& bucket, const std::string& allowed_list) {
  std::string shown = bucket.substr(0, 80);
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  // No --store or --read-bucket could name it: no advice to use one.
  if (!is_bucket_name(bucket))
    return Error(ErrorKind::InvalidInput, "bucket \"" + shown + "\"", "not a bucket name, so not contacted");
  // With no bucket configured there is no endpoint either, which it needs too.
  return Error(ErrorKind::InvalidInput, "bucket \"" + shown + "\"",
               "not configured, so not contacted (configured: " +
                   (allowed_list.empty() ? "no S3 bucket" : allowed_list) + "; use --store " +
                   base::shell_word("s3://" + shown) + " or --read-bucket " + base::shell_word(shown) +
                   (allowed_list.empty() ? " with its endpoint)" : ")"));
}

void refuse_bucket(const std::string& bucket, const std::string& allowed_list) {
  throw bucket_refusal(bucket, allowed_list);
}

}  // namespace claimcheck
