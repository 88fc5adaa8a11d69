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
  /// ClaimCheck and TypeScript: the metadata the payload came with: the
  /// wrapper's own (json/plain), or the marker's "metadata" decoded, or, for a
  /// marker without one (written before the runner kept it), the marker
  /// payload's own. restored_metadata says what the original is written
  /// with. Empty for ExternalStorage: the stored payload carries its own.
  std::map<std::string, std::string> original_metadata;
  /// TypeScript: the marker carried the original metadata (then it is the
  /// original's exactly, even when it has no encoding).
  bool metadata_in_marker = false;
};

/// The metadata of the original payload behind a ClaimCheck or TypeScript
/// reference, once its bytes are fetched: the marker's own when it carried
/// it (what was offloaded, exactly); else the wrapper's, with an encoding
/// that follows the bytes, json/plain when they are JSON and binary/plain
/// otherwise (neither the wrapper's json/plain nor binary/claimcheck says
/// what the original was). serve and retrieve --json-fields both write this.
std::map<std::string, std::string> restored_metadata(const PayloadReference& reference, bool bytes_are_json);

/// Whether restored bytes may be labelled json/plain: JSON without a UTF-8
/// byte order mark (Go's encoding/json, which reads json/plain, refuses one).
bool is_plain_json(std::string_view bytes);

/// nullopt for an ordinary payload. A payload that says it is a reference
/// but is malformed is Error(InvalidInput) with the reason.
std::optional<PayloadReference> payload_reference(const Payload& payload);

}  // namespace claimcheck::temporal
