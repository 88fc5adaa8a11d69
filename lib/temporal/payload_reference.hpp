// Which payloads are references, and to what. Three kinds resolve:
//  - ClaimCheck: a json/plain payload whose data is a claimcheck or Go
//    runner reference ({"_type":"claim_check_ref",...}), as the Go runner's
//    OffloadActivity returns it;
//  - TypeScript: the TypeScript runner's binary/claimcheck payload, data
//    {"key","size","compressed"[,"metadata":{name: base64}]};
//  - ExternalStorage: Temporal's own (external_storage_reference.hpp).
// Other ecosystems' references (DataDog, cookbook, AWS pointers) are only
// recognised by the scanner and are never fetched.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "reference/reference.hpp"
#include "temporal/external_storage_reference.hpp"
#include "temporal/payload.hpp"

namespace claimcheck::temporal {

constexpr std::string_view kTypeScriptEncoding = "binary/claimcheck";

enum class PayloadReferenceKind { ClaimCheck, TypeScript, ExternalStorage };

struct PayloadReference {
  PayloadReferenceKind kind = PayloadReferenceKind::ClaimCheck;
  /// ClaimCheck and TypeScript: what Manager::retrieve fetches.
  std::optional<Reference> reference;
  /// ExternalStorage.
  std::optional<ExternalStorageReference> external;
  /// ClaimCheck and TypeScript: the metadata of the original payload: the
  /// wrapper's own (json/plain), or the marker's "metadata" decoded, or, for a
  /// marker without one (written before the runner kept it), the marker
  /// payload's own, as the runner restores it. Empty for ExternalStorage:
  /// the stored payload carries its own.
  std::map<std::string, std::string> original_metadata;
  /// TypeScript: the marker carried the original metadata (then it is the
  /// original's exactly, even when it has no encoding).
  bool metadata_in_marker = false;
};

/// nullopt for an ordinary payload. A payload that says it is a reference
/// but is malformed is Error(InvalidInput) with the reason.
std::optional<PayloadReference> payload_reference(const Payload& payload);

}  // namespace claimcheck::temporal
