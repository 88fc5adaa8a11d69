#include "temporal/payload_reference.hpp"

#include "core/error.hpp"
#include "core/json_text.hpp"

namespace claimcheck::temporal {
namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw Error(ErrorKind::InvalidInput, "invalid reference", why);
}

[[noreturn]] void invalid_marker(const std::string& why) {
  invalid(std::string(kTypeScriptEncoding) + " marker: " + why);
}

/// {name: base64} -> {name: bytes}.
std::map<std::string, std::string> marker_metadata(const Json& metadata) {
  if (!metadata.is_object()) invalid_marker("\"metadata\" is not an object");
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : metadata.items()) {
    auto bytes = value.is_string() ? decode_base64_lenient(value.get_ref<const std::string&>()) : std::nullopt;
    if (!bytes) invalid_marker("metadata \"" + name + "\" is not base64");
    out[name] = std::move(*bytes);
  }
  return out;
}

std::optional<PayloadReference> typescript_marker(const Payload& payload) {
  const Json data = parse_json_or_discarded<Json>(payload.data);
  if (!data.is_object()) invalid("binary/claimcheck payload data is not a JSON object");
  PayloadReference found;
  found.kind = PayloadReferenceKind::TypeScript;
  try {
    found.reference = typescript_marker_from_json(data);
  } catch (const Error& e) {
    invalid_marker(e.why());
  }
  auto metadata = data.find("metadata");
  found.metadata_in_marker = metadata != data.end();
  found.original_metadata = found.metadata_in_marker ? marker_metadata(*metadata) : payload.metadata;
  return found;
}

/// Only `_type` references count inside json/plain: the bare TypeScript shape
/// is too ordinary a JSON object to be taken for one there.
std::optional<PayloadReference> claimcheck_payload(const Payload& payload) {
  if (payload.data.find("claim_check_ref") == std::string::npos) return std::nullopt;
  const Json data = parse_json_or_discarded<Json>(payload.data);
  if (!data.is_object() || !data.contains("_type")) return std::nullopt;
  std::optional<Reference> ref = reference_from_json(data);
  if (!ref) return std::nullopt;
  PayloadReference found;
  found.kind = PayloadReferenceKind::ClaimCheck;
  found.reference = std::move(ref);
  found.original_metadata = payload.metadata;
  return found;
}

}  // namespace

std::map<std::string, std::string> restored_metadata(const PayloadReference& reference, bool bytes_are_json) {
  std::map<std::string, std::string> metadata = reference.original_metadata;
  if (!reference.metadata_in_marker) metadata[std::string(kEncodingKey)] = bytes_are_json ? "json/plain" : "binary/plain";
  return metadata;
}

bool is_plain_json(std::string_view bytes) { return !bytes.starts_with("\xEF\xBB\xBF") && is_json(bytes); }

std::optional<PayloadReference> payload_reference(const Payload& payload) {
  // serve's own wrapper, as a history the Web UI exports holds it: what it wraps.
  if (auto original = claimcheck_driver_payload(payload)) return payload_reference(*original);
  if (is_external_storage_reference(payload)) {
    PayloadReference found;
    found.kind = PayloadReferenceKind::ExternalStorage;
    found.external = read_external_storage_reference(payload);
    return found;
  }
  const std::string encoding = payload.encoding();
  if (encoding == kTypeScriptEncoding) return typescript_marker(payload);
  if (encoding == "json/plain") return claimcheck_payload(payload);
  return std::nullopt;
}

}  // namespace claimcheck::temporal
