// One reference against its object: metadata consistency and a full content
// check (not installed; used by inspect.cpp).
#pragma once

#include <string>
#include <vector>

#include "reference/reference.hpp"
#include "stores/store.hpp"

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

}  // namespace claimcheck::inspect
