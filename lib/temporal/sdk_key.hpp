// The object keys the SDKs' S3 drivers write (all SDKs agree since 2026-07):
//   v0/ns/<namespace>/wt/<workflow type>/wi/<workflow id>/ri/<run id>/d/sha256/<hex>
//   v0/ns/<namespace>/at/<activity type>/ai/<activity id>/ri/<run id>/d/sha256/<hex>
//   v0/d/sha256/<hex>                              (no workflow or activity known)
// Segments are percent-encoded outside A-Z a-z 0-9 !-_.*'() and an empty one
// is written "null". Older Go drivers wrote only the last form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace claimcheck::temporal {

/// Key segments that lead to the objects (for `gc --prefix` and `stats`).
constexpr std::string_view kSdkKeyPrefix = "v0/";

struct SdkKey {
  /// Percent-decoded; empty when the key does not say (the fallback layout).
  std::string namespace_name, workflow_type, workflow_id, activity_type, activity_id, run_id;
  std::string hash_algorithm;  // "sha256"
  std::string hash;            // the content hash the key ends with
};

/// nullopt for keys of any other layout (or with a bad percent escape).
std::optional<SdkKey> parse_sdk_key(std::string_view key);

}  // namespace claimcheck::temporal
