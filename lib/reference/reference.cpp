// Reading and writing references. Writing follows the Go runner's field order
// so Go reads everything we write; reading accepts any order, ignores unknown
// fields and rejects malformed values with a reason that names the field.
#include "reference/reference.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "base/encoding.hpp"
#include "base/text.hpp"
#include "core/error.hpp"

namespace claimcheck {

namespace {

constexpr const char* kTypeMarker = "claim_check_ref";
constexpr int kFormatVersion = 1;
// Sizes must fit off_t and signed arithmetic everywhere downstream.
constexpr std::uint64_t kMaxSize = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

[[noreturn]] void invalid(const std::string& reason) {
  throw Error(ErrorKind::InvalidInput, "invalid reference", reason);
}

template <typename Json>
const char* type_name(const Json& value) {
  if (value.is_number_float()) return "fractional number";
  if (value.is_number()) return "integer";
  return value.type_name();
}

/// The field, or nullptr when absent (or null, for optional fields).
template <typename Json>
const Json* find_field(const Json& object, const char* name, bool required) {
  const auto it = object.find(name);
  if (it == object.end() || (!required && it->is_null())) {
    if (required) invalid(fmt::format("missing field \"{}\"", name));
    return nullptr;
  }
  return &*it;
}

template <typename Json>
std::string string_field(const Json& value, const char* name) {
  if (!value.is_string())
    invalid(fmt::format("field \"{}\" must be a string, got {}", name, type_name(value)));
  return value.template get<std::string>();
}

template <typename Json>
std::uint64_t size_field(const Json& value, const char* name) {
  if (value.is_number_float()) {
    // Integers beyond 64 bits arrive as floats from the parser.
    if (value.template get<double>() >= 1.8e19)
      invalid(fmt::format("field \"{}\" is too large (maximum {})", name, kMaxSize));
    invalid(fmt::format("field \"{}\" must be an integer, got {}", name, value.dump()));
  }
  if (!value.is_number())
    invalid(fmt::format("field \"{}\" must be a non-negative integer, got {}", name, type_name(value)));
  if (value.is_number_integer() && !value.is_number_unsigned() && value.template get<std::int64_t>() < 0)
    invalid(fmt::format("field \"{}\" must not be negative, got {}", name, value.dump()));
  const auto size = value.template get<std::uint64_t>();
  if (size > kMaxSize) invalid(fmt::format("field \"{}\" is too large (maximum {})", name, kMaxSize));
  return size;
}

template <typename Json>
bool bool_field(const Json& value, const char* name) {
  if (!value.is_boolean())
    invalid(fmt::format("field \"{}\" must be a boolean, got {}", name, type_name(value)));
  return value.template get<bool>();
}

template <typename Json>
TimePoint time_field(const Json& value, const char* name) {
  const std::string text = string_field(value, name);
  try {
    return parse_rfc3339(text);
  } catch (const Error& e) {
    invalid(fmt::format("field \"{}\" is not an RFC 3339 timestamp: {}", name, e.why()));
  }
}

std::string checked_sha256(const std::string& hex) {
  if (hex.size() != 64)
    invalid(fmt::format("field \"sha256\" must be 64 hex characters, got {}", hex.size()));
  if (!std::all_of(hex.begin(), hex.end(), base::is_hex_digit))
    invalid("field \"sha256\" must hold only hex characters");
  return base::to_lower(hex);
}

std::string checked_key(const std::string& key) {
  try {
    validate_key(key);
  } catch (const Error& e) {
    invalid(fmt::format("field \"key\": {}", e.why()));
  }
  return key;
}

template <typename Json>
void read_optional_fields(const Json& object, Reference& ref) {
  if (const Json* v = find_field(object, "sha256", false)) ref.sha256 = checked_sha256(string_field(*v, "sha256"));
  if (const Json* v = find_field(object, "stored_bytes", false)) ref.stored_bytes = size_field(*v, "stored_bytes");
  if (const Json* v = find_field(object, "expires_at", false)) ref.expires_at = time_field(*v, "expires_at");
  if (const Json* v = find_field(object, "content_type", false)) {
    ref.content_type = string_field(*v, "content_type");
    if (has_control_character(*ref.content_type)) invalid("field \"content_type\" holds control characters");
  }
  if (const Json* v = find_field(object, "store", false)) {
    ref.store = string_field(*v, "store");
    if (has_control_character(*ref.store)) invalid("field \"store\" holds control characters");
  }
}

template <typename Json>
void check_version(const Json& object, Reference& ref) {
  const Json* v = find_field(object, "v", false);
  if (v == nullptr) return;
  if (!v->is_number_integer()) invalid(fmt::format("field \"v\" must be an integer, got {}", type_name(*v)));
  if (*v != kFormatVersion)
    invalid(fmt::format("field \"v\": unsupported format version {} (this claimcheck reads {})", v->dump(),
                        kFormatVersion));
  ref.format = ReferenceFormat::ClaimCheck;
}

/// claimcheck's own or the Go runner's: `_type` is "claim_check_ref".
template <typename Json>
Reference read_typed_reference(const Json& object) {
  Reference ref;
  ref.key = checked_key(string_field(*find_field(object, "key", true), "key"));
  ref.size_bytes = size_field(*find_field(object, "size_bytes", true), "size_bytes");
  ref.compressed = bool_field(*find_field(object, "compressed", true), "compressed");
  ref.stored_at = time_field(*find_field(object, "stored_at", true), "stored_at");
  read_optional_fields(object, ref);
  ref.format = ref.sha256 ? ReferenceFormat::ClaimCheck : ReferenceFormat::GoRunner;
  check_version(object, ref);
  return ref;
}

/// {"key":string,"size":integer>=0,"compressed":bool[,"metadata":object]
/// [,"sha256":string]} and nothing else: anything more or different is some
/// other document. The runner writes no sha256; claimcheck serve adds one, so
/// that what it stored is checked on the way back.
template <typename Json>
bool has_typescript_shape(const Json& object) {
  for (const auto& [name, value] : object.items()) {
    if (name == "key" && value.is_string()) continue;
    if (name == "size" && value.is_number_integer() &&
        (value.is_number_unsigned() || value.template get<std::int64_t>() >= 0))
      continue;
    if (name == "compressed" && value.is_boolean()) continue;
    if (name == "metadata" && value.is_object()) continue;
    if (name == "sha256" && (value.is_string() || value.is_null())) continue;  // null: absent, as in ours
    return false;
  }
  return object.contains("key") && object.contains("size") && object.contains("compressed");
}

/// Reads the TypeScript shape field by field, so that a `binary/claimcheck`
/// marker (the encoding says it is one) that differs is told what differs.
template <typename Json>
Reference read_typescript_reference(const Json& object) {
  for (const auto& [name, value] : object.items())
    if (name != "key" && name != "size" && name != "compressed" && name != "metadata" && name != "sha256")
      invalid(fmt::format("unexpected field \"{}\" (a marker holds key, size, compressed, metadata, sha256)", name));
  Reference ref;
  ref.key = checked_key(string_field(*find_field(object, "key", true), "key"));
  ref.size_bytes = size_field(*find_field(object, "size", true), "size");
  ref.compressed = bool_field(*find_field(object, "compressed", true), "compressed");
  if (const Json* v = find_field(object, "sha256", false)) ref.sha256 = checked_sha256(string_field(*v, "sha256"));
  ref.format = ReferenceFormat::TypeScript;
  return ref;
}

template <typename Json>
std::optional<Reference> reference_from(const Json& value) {
  if (!value.is_object()) return std::nullopt;
  const auto type = value.find("_type");
  if (type != value.end()) {
    if (!type->is_string() || type->template get<std::string>() != kTypeMarker) return std::nullopt;
    return read_typed_reference(value);
  }
  if (has_typescript_shape(value)) return read_typescript_reference(value);
  return std::nullopt;
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
  return pos;
}

}  // namespace

bool has_control_character(std::string_view text) {
  for (const unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool starts_like_reference(std::string_view text) {
  // Each token must be there whole, except that the text may end inside the
  // last one it reaches once `"_type"` is complete.
  constexpr std::string_view kName = "\"_type\"";
  constexpr std::string_view kValue = "\"claim_check_ref\"";
  std::size_t pos = skip_space(text, 0);
  if (pos >= text.size() || text[pos] != '{') return false;
  pos = skip_space(text, pos + 1);
  if (text.substr(pos, kName.size()) != kName) return false;
  pos = skip_space(text, pos + kName.size());
  if (pos >= text.size()) return true;
  if (text[pos] != ':') return false;
  pos = skip_space(text, pos + 1);
  const std::string_view rest = text.substr(pos, kValue.size());
  return kValue.starts_with(rest);
}

nlohmann::ordered_json to_json_value(const Reference& ref) {
  nlohmann::ordered_json out;
  out["_type"] = kTypeMarker;
  out["key"] = ref.key;
  out["size_bytes"] = ref.size_bytes;
  out["compressed"] = ref.compressed;
  out["stored_at"] = format_rfc3339(ref.stored_at);
  if (ref.sha256) out["sha256"] = *ref.sha256;
  if (ref.stored_bytes) out["stored_bytes"] = *ref.stored_bytes;
  if (ref.expires_at) out["expires_at"] = format_rfc3339(*ref.expires_at);
  if (ref.content_type) out["content_type"] = *ref.content_type;
  if (ref.store) out["store"] = *ref.store;
  out["v"] = kFormatVersion;
  return out;
}

std::string to_json(const Reference& ref, bool pretty) {
  try {
    return to_json_value(ref).dump(pretty ? 2 : -1);
  } catch (const nlohmann::json::exception& e) {
    // Only reachable with a key or field that is not UTF-8.
    throw Error(ErrorKind::Internal, "cannot write reference", json_error_reason(e));
  }
}

std::optional<Reference> reference_from_json(const nlohmann::json& value) { return reference_from(value); }

std::optional<Reference> reference_from_json(const nlohmann::ordered_json& value) {
  return reference_from(value);
}

Reference typescript_marker_from_json(const nlohmann::ordered_json& object) {
  if (!object.is_object()) invalid("it must be a JSON object");
  return read_typescript_reference(object);
}

Reference parse_reference(std::string_view text) {
  nlohmann::json document;
  try {
    document = parse_json(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for numbers beyond a double (1e400).
    invalid("not JSON: " + json_error_reason(e));
  }
  if (!document.is_object()) invalid(fmt::format("expected a JSON object, got {}", type_name(document)));
  if (auto ref = reference_from(document)) return *std::move(ref);
  if (document.contains("_type"))
    invalid("field \"_type\" must be \"claim_check_ref\"");
  invalid("not a claim-check reference (no \"_type\":\"claim_check_ref\", not the TypeScript runner's shape)");
}

}  // namespace claimcheck
