// The claim-check reference: claimcheck's own JSON (a superset of the Go
// runner's), the Go runner's, and the TypeScript runner's payload data.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/time.hpp"

namespace claimcheck {

using TimePoint = base::TimePoint;

enum class ReferenceFormat {
  ClaimCheck,  // claimcheck's own (has sha256 or version)
  GoRunner,    // the five Go fields only
  TypeScript,  // {"key","size","compressed"[,"metadata"]}
};

struct Reference {
  std::string key;
  std::uint64_t size_bytes = 0;       // original payload length
  bool compressed = false;            // stored object is gzip
  TimePoint stored_at{};
  std::optional<std::string> sha256;  // hex, of the original payload
  std::optional<std::uint64_t> stored_bytes;
  std::optional<TimePoint> expires_at;
  std::optional<std::string> content_type;
  std::optional<std::string> store;   // "s3://bucket", "file:///path"; never a secret
  ReferenceFormat format = ReferenceFormat::ClaimCheck;
};

constexpr std::size_t kMaxKeyBytes = 1024;

/// Compact JSON, Go's five fields first in Go's order, then ours
/// (sha256, stored_bytes, expires_at, content_type, store, v).
std::string to_json(const Reference& ref, bool pretty = false);

/// The ordered JSON value (for embedding in documents, --json-fields).
nlohmann::ordered_json to_json_value(const Reference& ref);

/// Parses a document that must be a reference; throws Error(InvalidInput)
/// with a precise reason otherwise.
Reference parse_reference(std::string_view text);

/// nullopt when `value` is not a reference at all (no `_type`, not the
/// TypeScript shape); throws Error(InvalidInput) when it claims to be one
/// (`_type` == "claim_check_ref", or exactly the TypeScript keys and types)
/// but is malformed. Unknown fields are ignored; null optional fields are absent.
std::optional<Reference> reference_from_json(const nlohmann::json& value);
std::optional<Reference> reference_from_json(const nlohmann::ordered_json& value);

/// The data of a `binary/claimcheck` payload, which must be the TypeScript
/// shape: throws Error(InvalidInput) naming the field that is missing, of the
/// wrong type or unexpected (the first as written). A null sha256 is absent.
Reference typescript_marker_from_json(const nlohmann::ordered_json& object);

/// True when `text` begins as a claimcheck or Go runner reference does: `{`,
/// then `"_type"`, then (as far as the text goes) `:"claim_check_ref"`,
/// whitespace allowed between them. A text that does and yet is not valid
/// JSON is a broken reference (truncated, say), not a payload.
bool starts_like_reference(std::string_view text);

/// Checks a key from untrusted input, the same for every store: not empty,
/// <= 1024 bytes, valid UTF-8, no NUL or control characters, no backslash, not
/// absolute, no empty, "." or ".." segments. Throws
/// Error(InvalidInput, "invalid key", why).
void validate_key(std::string_view key);
/// What validate_key would say of `key`; nullopt when it is valid.
std::optional<std::string> key_problem(std::string_view key);
/// Why `text` (named `what` in the answer) is not printable UTF-8, as a
/// reference's key and store must be; nullopt when it is.
std::optional<std::string> printable_text_problem(std::string_view text, std::string_view what);

/// A C0 control character (tab and line breaks included) or DEL: refused in
/// a reference's text fields, so refused where they are written too.
bool has_control_character(std::string_view text);

/// RFC 3339 "2026-01-09T13:24:00Z" (UTC, whole seconds), both ways.
using base::format_rfc3339;
/// Accepts Z or numeric offsets and fractional seconds (kept to nanoseconds);
/// checks the calendar; refuses leap seconds and years outside what
/// system_clock holds (about 1678..2261). Throws Error(InvalidInput).
TimePoint parse_rfc3339(std::string_view text);

}  // namespace claimcheck
