// One reference against its object: metadata consistency and a full content
// check (not installed; used by inspect.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/reference.hpp"
#include "stores/bucket_stores.hpp"
#include "stores/store.hpp"
#include "temporal/external_storage_reference.hpp"

namespace claimcheck::inspect {

/// Each way the object disagrees with the reference, one line each; empty
/// when consistent. Metadata the object lacks (Go runner objects) is skipped.
std::vector<std::string> metadata_problems(const Reference& ref, const ObjectInfo& object);

struct ContentCheck {
  enum class Outcome { Verified, Missing, Corrupt, StoreError } outcome = Outcome::Verified;
  std::string how;    // "sha256" or "size"
  std::string error;  // why, when not verified
};

/// Downloads, gunzips and checks size and sha256 as retrieve does, keeping
/// nothing.
ContentCheck check_content(Store& store, const Reference& ref);

/// The object's size against externalPayloads.sizeBytes (when given).
std::optional<std::string> external_size_problem(const temporal::ExternalStorageReference& ref,
                                                 const ObjectInfo& object);

/// Downloads the object and checks its sha256 against hashValue (and its
/// size), keeping nothing.
ContentCheck check_external_content(BucketStores& buckets, const temporal::ExternalStorageReference& ref);

}  // namespace claimcheck::inspect
