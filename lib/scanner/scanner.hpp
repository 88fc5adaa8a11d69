// Finds references anywhere: a bare reference, any JSON document (at any
// depth), a Temporal history export (base64 or shorthand payloads), or JSON
// Lines. Used by `inspect` and by `gc --keep-referenced`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "reference/reference.hpp"
#include "temporal/external_storage_reference.hpp"

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
  Unreadable,                     // a JSON Lines line that is not JSON, or an object with a key
                                  // twice (Finding::error says why)
};

/// Stable names used in output and --json: "claimcheck", "go-runner",
/// "typescript", "temporal-external-storage",
/// "temporal-external-storage-legacy", "datadog-remote-codec-v2",
/// "cookbook-claim-checked", "aws-extended-client", "unreadable".
std::string_view format_name(FoundFormat format);

/// True for the formats claimcheck itself can fetch and verify (Temporal
/// External Storage: from a bucket the user configured).
bool is_fetchable(FoundFormat format);

struct Finding {
  FoundFormat format = FoundFormat::ClaimCheck;
  /// JSON pointer within the input. Inside an encoded Temporal payload the
  /// pointer goes on as if the payload were shown decoded (the CLI's
  /// shorthand), so both forms of one history give the same pointers.
  std::string pointer;
  std::optional<Reference> reference;  // claimcheck, go-runner, typescript
  /// temporal-external-storage(-legacy): the claim, when well formed.
  std::optional<temporal::ExternalStorageReference> external;
  std::string key;                     // the object key, whatever the format
  std::string bucket;                  // for foreign formats, when known
  std::optional<std::uint64_t> size;   // when the format carries it
  std::string sha256;                  // when the format carries it
  /// Set for a value that claims to be a reference but is malformed.
  std::optional<std::string> error;
  // History context (empty outside Temporal histories).
  /// event_type is in the old spelling ("ActivityTaskCompleted") whichever the
  /// input used; type_name is the activity or
  /// workflow type (or signal / marker name); field is the attribute that
  /// holds the payload, e.g. "result", "input", "memo.order".
  std::string event_id, event_type, type_name, field;
  std::size_t line = 0;                // JSON Lines: 1-based line number
};

using FindingHandler = std::function<void(Finding&&)>;

/// What to do with a JSON Lines line that is not JSON.
enum class BadLines {
  Fail,    // Error(InvalidInput) naming the line (gc --keep-referenced: never guess)
  Report,  // a Finding of format Unreadable, with the line and error; go on (inspect)
};

/// A binary/zlib payload (the SDKs' ZlibCodec) is inflated and what it holds
/// read, within these bounds, every nested layer counted (a zlib bomb of
/// 1 MB inflates to 1 GB). One that does not inflate to a Payload within
/// them is an Unreadable finding.
struct InflateLimits {
  std::uint64_t per_payload = std::uint64_t{64} << 20;
  std::uint64_t per_input = std::uint64_t{1} << 30;  // all of one input's together
};

/// Scans `text` (any of the accepted input kinds) and reports each finding in
/// document order. Throws Error(InvalidInput) when the input is not JSON.
void scan_text(std::string_view text, const FindingHandler& on_finding, BadLines bad_lines = BadLines::Fail,
               InflateLimits limits = {});

/// Scans an already parsed document; `line` is copied into each finding.
void scan_json(const nlohmann::ordered_json& document, const FindingHandler& on_finding,
               std::size_t line = 0, InflateLimits limits = {});

}  // namespace claimcheck
