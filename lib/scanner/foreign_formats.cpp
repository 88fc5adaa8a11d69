// Recognises the reference shapes of each ecosystem (see
// design/reference-formats.md): claimcheck / Go runner objects, and payloads
// or message bodies that are references themselves.
#include <array>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "scanner/scan_internal.hpp"
#include "temporal/payload_reference.hpp"

namespace claimcheck::scan {
namespace {

constexpr std::array<std::string_view, 2> kAwsPointerClasses = {
    "software.amazon.payloadoffloading.PayloadS3Pointer",
    "com.amazon.sqs.javamessaging.MessageS3Pointer",
};

std::string string_field(const Json& object, std::string_view name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::uint64_t> size_field(const Json& object, std::string_view name) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(name);
  if (it != object.end() && it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it != object.end() && it->is_string()) {  // protojson writes int64 as a string
    const auto& text = it->get_ref<const std::string&>();
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos)
      return std::stoull(text);
  }
  return std::nullopt;
}

/// Keys and buckets of malformed or foreign references are untrusted and
/// may be huge; no valid one is longer than kMaxKeyBytes, so keep that much.
std::string bounded(std::string text) {
  if (text.size() > kMaxKeyBytes) {
    text.resize(kMaxKeyBytes);
    text += "...(truncated)";
  }
  return text;
}

Finding foreign(FoundFormat format, std::string key, std::string bucket = {}) {
  Finding finding;
  finding.format = format;
  finding.key = bounded(std::move(key));
  finding.bucket = bounded(std::move(bucket));
  return finding;
}

FoundFormat found_format_of(const Reference& ref) {
  switch (ref.format) {
    case ReferenceFormat::GoRunner: return FoundFormat::GoRunner;
    case ReferenceFormat::TypeScript: return FoundFormat::TypeScript;
    case ReferenceFormat::ClaimCheck: break;
  }
  return FoundFormat::ClaimCheck;
}

Finding fetchable(const Reference& ref, FoundFormat format) {
  Finding finding;
  finding.format = format;
  finding.key = ref.key;
  finding.size = ref.size_bytes;
  finding.sha256 = ref.sha256.value_or("");
  finding.reference = ref;
  return finding;
}

Finding malformed(FoundFormat format, std::string why, std::string key = {}) {
  Finding finding = foreign(format, std::move(key));
  finding.error = std::move(why);
  return finding;
}

Json parse_data(const temporal::Payload& payload) {
  return parse_json_or_discarded<Json>(payload.data);
}

FoundFormat external_format(const temporal::Payload& payload) {
  return payload.encoding() == temporal::kLegacyReferenceEncoding ? FoundFormat::TemporalExternalStorageLegacy
                                                                 : FoundFormat::TemporalExternalStorage;
}

Finding external_storage(const temporal::Payload& payload, const std::string& payload_problem) {
  std::string problem;
  temporal::ExternalStorageReference ref = temporal::read_external_storage_reference(payload, problem);
  if (problem.empty()) problem = payload_problem;
  Finding finding = foreign(external_format(payload), ref.key, ref.bucket);
  finding.sha256 = ref.hash_value;
  finding.size = ref.size_bytes;
  if (!problem.empty()) {
    finding.error = std::move(problem);
    return finding;
  }
  finding.external = std::move(ref);
  return finding;
}

/// What a payload that claims to be a reference but is malformed is reported as.
FoundFormat claimed_format(const temporal::Payload& payload) {
  if (payload.encoding() == temporal::kTypeScriptEncoding) return FoundFormat::TypeScript;
  return FoundFormat::ClaimCheck;
}

/// claimcheck / Go references wrapped in json/plain, and TypeScript markers.
std::optional<Finding> fetchable_payload(const temporal::JsonPayload& parsed) {
  const temporal::Payload& payload = parsed.payload;
  try {
    auto found = temporal::payload_reference(payload);
    if (!found) return std::nullopt;
    const Reference& ref = *found->reference;
    if (!parsed.problem.empty()) return malformed(claimed_format(payload), parsed.problem, ref.key);
    return fetchable(ref, found->kind == temporal::PayloadReferenceKind::TypeScript ? FoundFormat::TypeScript
                                                                                  : found_format_of(ref));
  } catch (const Error& e) {
    const Json data = parse_data(payload);
    return malformed(claimed_format(payload), e.why(), string_field(data, "key"));
  }
}

/// {"metadata":{..},"size":N,"digest":"sha256:<hex>","key":".."}.
Finding datadog_v2(const temporal::Payload& payload) {
  const Json data = parse_data(payload);
  if (!data.is_object())
    return malformed(FoundFormat::DataDogRemoteCodecV2, "remote-codec v2 payload data is not JSON");
  Finding finding = foreign(FoundFormat::DataDogRemoteCodecV2, string_field(data, "key"));
  finding.size = size_field(data, "size");
  const std::string digest = string_field(data, "digest");
  if (digest.rfind("sha256:", 0) == 0) finding.sha256 = digest.substr(7);
  return finding;
}

}  // namespace

bool may_hold_reference(std::string_view text) {
  return text.find("claim_check_ref") != std::string_view::npos ||
         text.find("S3Pointer") != std::string_view::npos ||
         text.find("\"metadata\"") != std::string_view::npos ||
         text.find(temporal::kShorthandMessageTypeKey) != std::string_view::npos;
}

std::optional<Finding> payload_finding(const temporal::JsonPayload& parsed) {
  const temporal::Payload& payload = parsed.payload;
  if (payload.meta("temporal.io/remote-codec") == "v2") return datadog_v2(payload);
  if (payload.encoding() == "claim-checked") return foreign(FoundFormat::CookbookClaimChecked, payload.data);
  if (temporal::is_external_storage_reference(payload)) return external_storage(payload, parsed.problem);
  return fetchable_payload(parsed);
}

std::optional<Finding> shorthand_message_finding(const Json& object) {
  auto payload = temporal::payload_from_shorthand_message(object);
  if (!payload || !temporal::is_external_storage_reference(*payload)) return std::nullopt;
  return external_storage(*payload, {});
}

std::optional<Finding> aws_pointer(const Json& value) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_string()) return std::nullopt;
  const auto& name = value[0].get_ref<const std::string&>();
  bool known = false;
  for (auto candidate : kAwsPointerClasses) known = known || name == candidate;
  if (!known) return std::nullopt;
  const Json& pointer = value[1];
  Finding finding = foreign(FoundFormat::AwsExtendedClient, string_field(pointer, "s3Key"),
                            string_field(pointer, "s3BucketName"));
  if (finding.key.empty()) finding.error = name + " without an s3Key";
  return finding;
}

std::optional<Finding> typescript_reference(const Json& value) {
  if (!value.is_object() || value.contains("_type")) return std::nullopt;
  try {
    auto ref = reference_from_json(value);
    if (ref) return fetchable(*ref, FoundFormat::TypeScript);
  } catch (const Error& e) {
    return malformed(FoundFormat::TypeScript, e.why(), string_field(value, "key"));
  }
  return std::nullopt;
}

bool claims_to_be_reference(const Json& object) {
  auto type = object.find("_type");
  return type != object.end() && type->is_string() &&
         type->get_ref<const std::string&>() == "claim_check_ref";
}

Finding claim_check_finding(const Json& object) {
  try {
    auto ref = reference_from_json(object);
    if (ref) return fetchable(*ref, found_format_of(*ref));
    return malformed(FoundFormat::ClaimCheck, "not a valid claim_check_ref",
                     string_field(object, "key"));
  } catch (const Error& e) {
    return malformed(FoundFormat::ClaimCheck, e.why(), string_field(object, "key"));
  }
}

}  // namespace claimcheck::scan
