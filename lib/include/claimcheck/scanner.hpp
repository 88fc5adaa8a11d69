// Finds references anywhere: a bare reference, any JSON document (at any
// depth), a Temporal history export (base64 or shorthand payloads), or JSON
// Lines. Used by `inspect` and by `gc --keep-referenced`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "claimcheck/reference.hpp"

namespace claimcheck {

enum class FoundFormat {
  ClaimCheck,                     // claimcheck's own reference
  GoRunner,                       // the Go workflow runner's reference
  TypeScript,                     // binary/claimcheck payload
  TemporalExternalStorage,        // json/protobuf ExternalStorageReference
  TemporalExternalStorageLegacy,  // json/external-storage-reference
  DataDogRemoteCodecV2,           // temporal.io/remote-codec = v2
  CookbookClaimChecked,           // encoding claim-checked
  AwsExtendedClient,              // PayloadS3Pointer / MessageS3Pointer
};

/// Stable names used in output and --json ("claimcheck", "go-runner", ...).
std::string_view format_name(FoundFormat format);

struct Finding {
  FoundFormat format = FoundFormat::ClaimCheck;
  std::string pointer;                 // JSON pointer within the input
  std::optional<Reference> reference;  // set for formats claimcheck can fetch
  std::string key;                     // the object key, whatever the format
  std::string bucket;                  // for foreign formats, when known
  std::optional<std::uint64_t> size;   // when the format carries it
  std::string sha256;                  // when the format carries it
  /// Set for a value that claims to be a reference but is malformed.
  std::optional<std::string> error;
  // History context (empty outside Temporal histories).
  std::string event_id, event_type, type_name, field;
  std::size_t line = 0;                // JSON Lines: 1-based line number
};

/// Scans `text` (any of the accepted input kinds) and reports each finding in
/// document order. Throws Error(InvalidInput) when the input is not JSON.
void scan_text(std::string_view text, const std::function<void(Finding&&)>& on_finding);

}  // namespace claimcheck
