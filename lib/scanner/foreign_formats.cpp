// Recognises the reference shapes of each ecosystem (see
// design/reference-formats.md): claimcheck / Go runner objects, and payloads
// or message bodies that are references themselves.
#include <array>

#include "core/error.hpp"
#include "scanner/scan_internal.hpp"

namespace claimcheck::scan {
namespace {

constexpr std::string_view kExternalStorageType = "temporal.api.sdk.v1.ExternalStorageReference";
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

/// The member, or null when `object` is not an object or lacks it.
const Json& member(const Json& object, std::string_view name) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
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

Json parse_data(const Payload& payload) {
  return Json::parse(payload.data, nullptr, /*allow_exceptions=*/false);
}

Finding typescript_payload(const Payload& payload) {
  const Json data = parse_data(payload);
  if (!data.is_object())
    return malformed(FoundFormat::TypeScript, "binary/claimcheck payload data is not a JSON object");
  try {
    auto ref = reference_from_json(data);
    if (!ref)
      return malformed(FoundFormat::TypeScript, "binary/claimcheck payload data is not a reference",
                       string_field(data, "key"));
    return fetchable(*ref, FoundFormat::TypeScript);
  } catch (const Error& e) {
    return malformed(FoundFormat::TypeScript, e.why(), string_field(data, "key"));
  }
}

/// Current protojson: {"driverName":..,"claimData":{"bucket","key","hash_value"..}}.
Finding external_storage(const Payload& payload) {
  const Json data = parse_data(payload);
  if (!data.is_object())
    return malformed(FoundFormat::TemporalExternalStorage, "ExternalStorageReference data is not JSON");
  const Json& claim =
      data.contains("claimData") ? member(data, "claimData") : member(data, "claim_data");
  Finding finding = foreign(FoundFormat::TemporalExternalStorage, string_field(claim, "key"),
                            string_field(claim, "bucket"));
  const std::string algorithm = string_field(claim, "hash_algorithm");
  if (algorithm.empty() || algorithm == "sha256") finding.sha256 = string_field(claim, "hash_value");
  finding.size = size_field(data, "sizeBytes");
  return finding;
}

/// Legacy: {"driver_name":..,"driver_claim":{..}} with the key somewhere in the claim.
Finding external_storage_legacy(const Payload& payload) {
  const Json data = parse_data(payload);
  if (!data.is_object())
    return malformed(FoundFormat::TemporalExternalStorageLegacy,
                     "external-storage-reference data is not JSON");
  const Json& claim =
      data.contains("driver_claim") ? member(data, "driver_claim") : member(data, "driverClaim");
  const Json& inner = claim.is_object() && claim.contains("claim_data") ? member(claim, "claim_data")
                                                                        : claim;
  return foreign(FoundFormat::TemporalExternalStorageLegacy, string_field(inner, "key"),
                 string_field(inner, "bucket"));
}

/// {"metadata":{..},"size":N,"digest":"sha256:<hex>","key":".."}.
Finding datadog_v2(const Payload& payload) {
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
         text.find("\"metadata\"") != std::string_view::npos;
}

std::optional<Finding> payload_reference(const Payload& payload) {
  const std::string encoding = payload.encoding();
  auto codec = payload.metadata.find("temporal.io/remote-codec");
  if (codec != payload.metadata.end() && codec->second == "v2") return datadog_v2(payload);
  if (encoding == "binary/claimcheck") return typescript_payload(payload);
  if (encoding == "json/external-storage-reference") return external_storage_legacy(payload);
  auto type = payload.metadata.find("messageType");
  if (encoding == "json/protobuf" && type != payload.metadata.end() &&
      type->second == kExternalStorageType)
    return external_storage(payload);
  if (encoding == "claim-checked") return foreign(FoundFormat::CookbookClaimChecked, payload.data);
  return std::nullopt;
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
