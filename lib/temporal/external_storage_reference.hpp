// Temporal External Storage references (the SDKs' built-in claim check):
// a payload with encoding json/protobuf and messageType
// temporal.api.sdk.v1.ExternalStorageReference whose data is
//   {"driverName":"aws.s3driver","claimData":{"bucket":..,"key":..,
//    "hashAlgorithm":"sha256","hashValue":"<hex>"}}
// (TypeScript 1.22.0 spelling; the Go driver writes hash_algorithm /
// hash_value, protojson may write driver_name / claim_data), or the legacy
// encoding json/external-storage-reference with
//   {"driver_name":..,"driver_claim":{"claim_data":{..}}}.
// Every spelling is accepted. With the S3 driver the object at bucket/key is
// the binary protobuf Payload (payload_wire.hpp) whose sha256 is hashValue.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "temporal/payload.hpp"

namespace claimcheck::temporal {

constexpr std::string_view kExternalStorageReferenceType = "temporal.api.sdk.v1.ExternalStorageReference";
constexpr std::string_view kLegacyReferenceEncoding = "json/external-storage-reference";

struct ExternalStorageReference {
  bool legacy = false;  // json/external-storage-reference
  std::string driver_name;
  /// The claim as written (any driver): key -> value.
  std::map<std::string, std::string> claim;
  /// The S3 driver's claim, read in either spelling.
  std::string bucket, key;
  std::string hash_algorithm;  // "sha256" ("" when the claim has none)
  std::string hash_value;      // lowercase hex
  /// hash_value is the sha256 the key ends with: the claim has none.
  bool hash_from_key = false;
  /// externalPayloads[0].sizeBytes: the stored payload's size, when given.
  std::optional<std::uint64_t> size_bytes;
};

/// What fetching and checking the object depends on (bucket, key, hash,
/// size), as one string: references equal in it fetch the same object and
/// pass or fail the same checks.
std::string fetch_identity(const ExternalStorageReference& reference);

/// True when the payload says it is a reference (either encoding), whether
/// or not it is well formed.
bool is_external_storage_reference(const Payload& payload);

/// Reads a payload that is_external_storage_reference. Throws
/// Error(InvalidInput, "invalid reference", why) naming the problem: data not
/// a JSON object, no claim, claim without "key" or "bucket", a claim value
/// that is not a string, a hash algorithm other than sha256, a hash value
/// that is not 64 hex digits, an invalid key (validate_key).
ExternalStorageReference read_external_storage_reference(const Payload& payload);

/// The same without throwing: `problem` gets the reason ("" when well
/// formed) and the result holds what could be read before it (driver, key,
/// bucket), for reports.
ExternalStorageReference read_external_storage_reference(const Payload& payload, std::string& problem);

/// The driver name of the reference `claimcheck serve` hands the Web UI for a
/// payload over its display limit (?preserveStorageRefs=true). Its claimData
/// holds the original payload (a claimcheck reference or a TypeScript marker)
/// as proto JSON under "payload", with "key" and "sha256" for show, and no
/// bucket: a history the UI exports (Download, decoded) holds these.
constexpr std::string_view kClaimcheckDriverName = "claimcheck";

/// The original payload inside such a reference; nullopt for any other
/// payload, and for one whose claim holds no payload (which
/// read_external_storage_reference then says).
std::optional<Payload> claimcheck_driver_payload(const Payload& payload);

}  // namespace claimcheck::temporal
