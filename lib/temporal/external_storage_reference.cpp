#include "temporal/external_storage_reference.hpp"

#include <fmt/format.h>

#include "core/json_text.hpp"
#include "base/text.hpp"
#include "core/error.hpp"
#include "reference/reference.hpp"
#include "temporal/sdk_key.hpp"

namespace claimcheck::temporal {
namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw Error(ErrorKind::InvalidInput, "invalid reference", "ExternalStorageReference: " + why);
}

const Json* first_member(const Json& object, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    auto it = object.find(name);
    if (it != object.end()) return &*it;
  }
  return nullptr;
}

std::map<std::string, std::string> read_claim(const Json& claim) {
  if (!claim.is_object()) invalid("the claim is not an object");
  std::map<std::string, std::string> values;
  for (const auto& [name, value] : claim.items()) {
    if (!value.is_string()) invalid(fmt::format("claim value \"{}\" is not a string", name));
    values[name] = value.get<std::string>();
  }
  return values;
}

/// The value under any of `names` (spellings of one claim field); two
/// spellings that disagree make the claim ambiguous.
std::string claim_value(const std::map<std::string, std::string>& claim,
                        std::initializer_list<std::string_view> names) {
  std::map<std::string, std::string>::const_iterator found = claim.end();
  for (auto name : names) {
    auto it = claim.find(std::string(name));
    if (it == claim.end()) continue;
    if (found != claim.end() && found->second != it->second)
      invalid(fmt::format("the claim's \"{}\" and \"{}\" differ", found->first, it->first));
    if (found == claim.end()) found = it;
  }
  return found != claim.end() ? found->second : std::string();
}

bool is_sha256_hex(const std::string& hex) {
  return hex.size() == 64 && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

std::string checked_hex(const std::string& hex) {
  if (!is_sha256_hex(hex))
    invalid(fmt::format("hash value is not 64 hex digits: \"{}\"", hex.substr(0, 80)));
  return base::to_lower(hex);
}

/// The claim object: current {"claimData":{..}} / {"claim_data":{..}}, legacy
/// {"driver_claim":{"claim_data":{..}}} (or the claim directly under driver_claim).
const Json* find_claim(const Json& data, bool legacy) {
  if (!legacy) return first_member(data, {"claimData", "claim_data"});
  const Json* driver_claim = first_member(data, {"driver_claim", "driverClaim"});
  if (!driver_claim || !driver_claim->is_object()) return driver_claim;
  const Json* inner = first_member(*driver_claim, {"claim_data", "claimData"});
  return inner ? inner : driver_claim;
}

}  // namespace

bool is_external_storage_reference(const Payload& payload) {
  const std::string encoding = payload.encoding();
  if (encoding == kLegacyReferenceEncoding) return true;
  return encoding == "json/protobuf" && payload.meta(kMessageTypeKey) == kExternalStorageReferenceType;
}

namespace {

/// Fills `ref` field by field, so that what precedes a problem is kept.
void read_into(const Payload& payload, ExternalStorageReference& ref) {
  ref.legacy = payload.encoding() == kLegacyReferenceEncoding;
  const Json data = parse_json_or_discarded<Json>(payload.data);
  if (!data.is_object()) invalid("data is not a JSON object");
  if (const Json* name = first_member(data, {"driverName", "driver_name"}); name && name->is_string())
    ref.driver_name = name->get<std::string>();
  // A well-formed one is unwrapped (claimcheck_driver_payload) before it gets here.
  if (ref.driver_name == kClaimcheckDriverName && !ref.legacy)
    invalid("the claimcheck driver's claim holds no proto JSON payload under \"payload\"");
  const Json* claim = find_claim(data, ref.legacy);
  if (!claim) invalid("no claim data");
  ref.claim = read_claim(*claim);
  ref.key = claim_value(ref.claim, {"key"});
  ref.bucket = claim_value(ref.claim, {"bucket"});
  if (ref.key.empty()) invalid("the claim has no \"key\"");
  if (ref.bucket.empty()) invalid("the claim has no \"bucket\"");
  try {
    validate_key(ref.key);
  } catch (const Error& e) {
    invalid("claim \"key\": " + e.why());
  }
  ref.hash_algorithm = claim_value(ref.claim, {"hashAlgorithm", "hash_algorithm"});
  const std::string hash = claim_value(ref.claim, {"hashValue", "hash_value"});
  if (!ref.hash_algorithm.empty() && ref.hash_algorithm != "sha256")
    invalid(fmt::format("hash algorithm \"{}\" is not sha256", ref.hash_algorithm.substr(0, 40)));
  if (!hash.empty()) {
    ref.hash_value = checked_hex(hash);
    ref.hash_algorithm = "sha256";
  } else if (auto sdk = parse_sdk_key(ref.key); sdk && sdk->hash_algorithm == "sha256" && is_sha256_hex(sdk->hash)) {
    // The SDKs' keys end with the object's sha256 (they are content
    // addressed): a claim without hashValue is checked against that, not by size alone.
    ref.hash_value = base::to_lower(sdk->hash);
    ref.hash_algorithm = "sha256";
    ref.hash_from_key = true;
  }
  if (!payload.external_sizes.empty()) ref.size_bytes = payload.external_sizes.front();
}

}  // namespace

std::optional<Payload> claimcheck_driver_payload(const Payload& payload) {
  if (payload.meta(kMessageTypeKey) != kExternalStorageReferenceType) return std::nullopt;
  const Json data = parse_json_or_discarded<Json>(payload.data);
  if (!data.is_object()) return std::nullopt;
  const Json* name = first_member(data, {"driverName", "driver_name"});
  if (name == nullptr || *name != kClaimcheckDriverName) return std::nullopt;
  const Json* claim = first_member(data, {"claimData", "claim_data"});
  const Json* inner = claim != nullptr && claim->is_object() ? first_member(*claim, {"payload"}) : nullptr;
  if (inner == nullptr || !inner->is_string()) return std::nullopt;
  auto original = payload_from_proto_json(parse_json_or_discarded<Json>(inner->get_ref<const std::string&>()));
  if (!original || !original->problem.empty()) return std::nullopt;
  return std::move(original->payload);
}

ExternalStorageReference read_external_storage_reference(const Payload& payload) {
  ExternalStorageReference ref;
  read_into(payload, ref);
  return ref;
}

ExternalStorageReference read_external_storage_reference(const Payload& payload, std::string& problem) {
  ExternalStorageReference ref;
  problem.clear();
  try {
    read_into(payload, ref);
  } catch (const Error& e) {
    problem = e.why();
  }
  return ref;
}

std::string fetch_identity(const ExternalStorageReference& reference) {
  return "external\n" + reference.bucket + "\n" + reference.key + "\n" + reference.hash_algorithm + "\n" +
         reference.hash_value + (reference.hash_from_key ? " (key)" : "") + "\n" +
         (reference.size_bytes ? std::to_string(*reference.size_bytes) : "-");
}

}  // namespace claimcheck::temporal
