// External Storage references in every spelling the SDKs write, the ways
// they can be malformed, and the SDK key layout.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "temporal/external_storage_reference.hpp"
#include "temporal/payload_reference.hpp"
#include "temporal/sdk_key.hpp"
#include "temporal_fixtures.hpp"

using namespace claimcheck;
using namespace claimcheck::temporal;
using namespace temporal_test;

namespace {

const std::string kHash = "9c1cb0626294082008ba7ca5ed4c2b7818d7af81c9a667782ab414dcf9737836";

Payload reference_payload(const Json& data, std::vector<std::uint64_t> sizes = {43}) {
  return Payload{{{"encoding", "json/protobuf"}, {"messageType", std::string(kExternalStorageReferenceType)}},
                 data.dump(), std::move(sizes)};
}

Json go_claim() {
  return {{"driverName", "aws.s3driver"},
          {"claimData", {{"bucket", "tb"}, {"hash_algorithm", "sha256"}, {"hash_value", kHash},
                         {"key", "v0/d/sha256/" + kHash}}}};
}

void check_invalid(const Payload& payload, const std::string& fragment) {
  CAPTURE(fragment);
  try {
    read_external_storage_reference(payload);
    FAIL("accepted a malformed reference");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(e.why().find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("the TypeScript driver's references (camelCase claim keys)") {
  for (const Sample& sample : kSamples) {
    CAPTURE(sample.name);
    auto parsed = payload_from_json(Json::parse(fixture(std::string(sample.name) + ".ref.json")));
    REQUIRE(parsed.has_value());
    REQUIRE(is_external_storage_reference(parsed->payload));
    const ExternalStorageReference ref = read_external_storage_reference(parsed->payload);
    CHECK_FALSE(ref.legacy);
    CHECK(ref.driver_name == "aws.s3driver");
    CHECK(ref.bucket == "bars");
    CHECK(ref.key == kKeyPrefix + sample.object_sha256);
    CHECK(ref.hash_algorithm == "sha256");
    CHECK(ref.hash_value == sample.object_sha256);
    CHECK(ref.size_bytes == sample.object_bytes);
  }
}

TEST_CASE("the Go driver's snake_case claim keys, and protojson's claim_data / driver_name") {
  ExternalStorageReference go = read_external_storage_reference(reference_payload(go_claim()));
  CHECK(go.bucket == "tb");
  CHECK(go.hash_value == kHash);
  CHECK(go.size_bytes == 43u);
  Json snake = {{"driver_name", "aws.s3driver"},
                {"claim_data", {{"bucket", "tb"}, {"key", "k1"}, {"hashValue", kHash}}}};
  ExternalStorageReference protojson = read_external_storage_reference(reference_payload(snake, {}));
  CHECK(protojson.driver_name == "aws.s3driver");
  CHECK(protojson.key == "k1");
  CHECK(protojson.hash_algorithm == "sha256");
  CHECK_FALSE(protojson.size_bytes.has_value());
}

TEST_CASE("the legacy json/external-storage-reference form") {
  Payload legacy{{{"encoding", "json/external-storage-reference"}},
                 Json{{"driver_name", "aws.s3driver"},
                      {"driver_claim", {{"claim_data", {{"bucket", "lb"}, {"key", "legacy/key"},
                                                         {"hash_value", kHash}}}}}}
                     .dump(),
                 {}};
  REQUIRE(is_external_storage_reference(legacy));
  ExternalStorageReference ref = read_external_storage_reference(legacy);
  CHECK(ref.legacy);
  CHECK(ref.bucket == "lb");
  CHECK(ref.key == "legacy/key");
  CHECK(ref.hash_value == kHash);
}

TEST_CASE("uppercase hex is accepted and kept lowercase") {
  Json claim = go_claim();
  std::string upper = kHash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  claim["claimData"]["hash_value"] = upper;
  CHECK(read_external_storage_reference(reference_payload(claim)).hash_value == kHash);
}

TEST_CASE("malformed references name what is wrong") {
  Json no_key = go_claim();
  no_key["claimData"].erase("key");
  check_invalid(reference_payload(no_key), "the claim has no \"key\"");
  // Both spellings of the hash: the same value is one field; different
  // values make the claim ambiguous (neither may be picked silently).
  Json both = go_claim();
  both["claimData"]["hashValue"] = kHash;
  CHECK(read_external_storage_reference(reference_payload(both)).hash_value == kHash);
  both["claimData"]["hashValue"] = std::string(64, '0');
  check_invalid(reference_payload(both), "the claim's \"hashValue\" and \"hash_value\" differ");
  Json no_bucket = go_claim();
  no_bucket["claimData"].erase("bucket");
  check_invalid(reference_payload(no_bucket), "the claim has no \"bucket\"");
  Json not_hex = go_claim();
  not_hex["claimData"]["hash_value"] = "zz" + kHash.substr(2);
  check_invalid(reference_payload(not_hex), "hash value is not 64 hex digits");
  Json short_hash = go_claim();
  short_hash["claimData"]["hash_value"] = "abc";
  check_invalid(reference_payload(short_hash), "hash value is not 64 hex digits");
  Json md5 = go_claim();
  md5["claimData"]["hash_algorithm"] = "md5";
  check_invalid(reference_payload(md5), "hash algorithm \"md5\" is not sha256");
  Json number = go_claim();
  number["claimData"]["bucket"] = 7;
  check_invalid(reference_payload(number), "claim value \"bucket\" is not a string");
  check_invalid(reference_payload(Json{{"driverName", "aws.s3driver"}}), "no claim data");
  Json bad_key = go_claim();
  bad_key["claimData"]["key"] = "a\nb";
  check_invalid(reference_payload(bad_key), "control character");
  Payload not_json = reference_payload(go_claim());
  not_json.data = "{nope";
  check_invalid(not_json, "data is not a JSON object");
}

TEST_CASE("payload_reference sorts payloads into the kinds that resolve") {
  CHECK(payload_reference(reference_payload(go_claim()))->kind == PayloadReferenceKind::ExternalStorage);
  Payload marker{{{"encoding", "binary/claimcheck"}},
                 R"({"key":"claimcheck/9a","size":5,"compressed":false,"metadata":{"encoding":"anNvbi9wbGFpbg=="}})",
                 {}};
  auto ts = payload_reference(marker);
  REQUIRE(ts.has_value());
  CHECK(ts->kind == PayloadReferenceKind::TypeScript);
  CHECK(ts->reference->key == "claimcheck/9a");
  CHECK(ts->original_metadata == std::map<std::string, std::string>{{"encoding", "json/plain"}});
  Payload old_marker{{{"encoding", "binary/claimcheck"}}, R"({"key":"claimcheck/9b","size":5,"compressed":true})", {}};
  CHECK(payload_reference(old_marker)->original_metadata == old_marker.metadata);
  Payload go{{{"encoding", "json/plain"}},
             R"({"_type":"claim_check_ref","key":"3f4a","size_bytes":9,"compressed":true,"stored_at":"2026-01-09T13:24:00Z"})",
             {}};
  auto wrapped = payload_reference(go);
  REQUIRE(wrapped.has_value());
  CHECK(wrapped->kind == PayloadReferenceKind::ClaimCheck);
  CHECK(wrapped->reference->key == "3f4a");
  // ordinary payloads and look-alikes
  CHECK_FALSE(payload_reference(Payload{{{"encoding", "json/plain"}}, R"({"key":"k","size":1,"compressed":false})", {}}));
  CHECK_FALSE(payload_reference(Payload{{{"encoding", "json/plain"}}, go_claim().dump(), {}}));
  CHECK_FALSE(payload_reference(Payload{{{"encoding", "json/protobuf"}, {"messageType", "temporal.api.common.v1.WorkflowType"}},
                                        R"({"name":"x"})", {}}));
  CHECK_THROWS_AS(payload_reference(Payload{{{"encoding", "binary/claimcheck"}}, R"({"key":""})", {}}), Error);
  CHECK_THROWS_AS(payload_reference(Payload{{{"encoding", "binary/claimcheck"}},
                                            R"({"key":"k","size":1,"compressed":true,"metadata":{"encoding":"%%"}})", {}}),
                  Error);
}

TEST_CASE("a binary/claimcheck marker that is not the shape is told which field differs") {
  auto why = [](const std::string& data) {
    try {
      payload_reference(Payload{{{"encoding", "binary/claimcheck"}}, data, {}});
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::InvalidInput);
      return e.why();
    }
    return std::string("accepted");
  };
  CHECK(why(R"({"key":"k","size":"5","compressed":true})") ==
        "binary/claimcheck marker: field \"size\" must be a non-negative integer, got string");
  CHECK(why(R"({"key":"k","size":5,"compressed":1})") == "binary/claimcheck marker: field \"compressed\" must be a boolean, got integer");
  CHECK(why(R"({"key":"k","size":5})") == "binary/claimcheck marker: missing field \"compressed\"");
  CHECK(why(R"({"key":"k","size":5,"compressed":true,"sha256":7})") ==
        "binary/claimcheck marker: field \"sha256\" must be a string, got integer");
  // The first unexpected field as written, not in sorted order.
  CHECK(why(R"({"key":"k","size":5,"compressed":true,"zzz":1,"aaa":2})")
            .starts_with("binary/claimcheck marker: unexpected field \"zzz\""));
  CHECK(why("[1]") == "binary/claimcheck payload data is not a JSON object");
  // A null sha256 is an absent one, as in claimcheck's own references.
  auto no_hash = payload_reference(
      Payload{{{"encoding", "binary/claimcheck"}}, R"({"key":"k","size":5,"compressed":true,"sha256":null})", {}});
  REQUIRE(no_hash.has_value());
  CHECK_FALSE(no_hash->reference->sha256.has_value());
  CHECK(reference_from_json(Json::parse(R"({"key":"k","size":5,"compressed":true,"sha256":null})")).has_value());
}

TEST_CASE("serve's wrapper (driver claimcheck, no bucket) stands for the payload it wraps") {
  const std::string inner_ref =
      R"({"_type":"claim_check_ref","key":"claimcheck/2026-01-01/x","size_bytes":9,"compressed":true,"stored_at":"2026-01-01T00:00:00Z"})";
  Payload inner{{{"encoding", "json/plain"}}, inner_ref, {}};
  auto wrapper = [](const Json& claim) {
    return Payload{{{"encoding", "json/protobuf"}, {"messageType", std::string(kExternalStorageReferenceType)}},
                   Json{{"driverName", "claimcheck"}, {"claimData", claim}}.dump(), {400000}};
  };
  const Payload wrapped = wrapper({{"key", "claimcheck/2026-01-01/x"}, {"payload", to_proto_json(inner).dump()}});
  REQUIRE(claimcheck_driver_payload(wrapped).has_value());
  CHECK(*claimcheck_driver_payload(wrapped) == inner);
  auto found = payload_reference(wrapped);
  REQUIRE(found.has_value());
  CHECK(found->kind == PayloadReferenceKind::ClaimCheck);
  CHECK(found->reference->key == "claimcheck/2026-01-01/x");
  // Not serve's: another driver's claim, or one whose payload is missing or not proto JSON.
  CHECK_FALSE(claimcheck_driver_payload(reference_payload(go_claim())));
  for (const Json& claim : {Json{{"key", "k"}}, Json{{"payload", "{nope"}}, Json{{"payload", R"({"data":"%%"})"}}}) {
    CAPTURE(claim.dump());
    CHECK_FALSE(claimcheck_driver_payload(wrapper(claim)));
    check_invalid(wrapper(claim), "the claimcheck driver's claim holds no proto JSON payload under \"payload\"");
  }
}

TEST_CASE("SDK keys: workflow, activity and fallback layouts, percent-decoded") {
  auto workflow = parse_sdk_key(kKeyPrefix + kHash);
  REQUIRE(workflow.has_value());
  CHECK(workflow->namespace_name == "default");
  CHECK(workflow->workflow_type == "InteropWorkflow");
  CHECK(workflow->workflow_id == "interop-extstore wf+1");
  CHECK(workflow->run_id == "0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f");
  CHECK(workflow->hash_algorithm == "sha256");
  CHECK(workflow->hash == kHash);

  auto activity = parse_sdk_key("v0/ns/prod/at/Resize%2FPhotos/ai/null/ri/r1/d/sha256/" + kHash);
  REQUIRE(activity.has_value());
  CHECK(activity->activity_type == "Resize/Photos");
  CHECK(activity->activity_id.empty());
  CHECK(activity->workflow_type.empty());

  auto fallback = parse_sdk_key("v0/d/sha256/" + kHash);
  REQUIRE(fallback.has_value());
  CHECK(fallback->namespace_name.empty());
  CHECK(fallback->hash == kHash);

  CHECK_FALSE(parse_sdk_key("claimcheck/2026-02-08/132400Z-0f8e"));
  CHECK_FALSE(parse_sdk_key("v0/ns/default/xx/y/d/sha256/" + kHash));
  CHECK_FALSE(parse_sdk_key("v0/ns/bad%zz/d/sha256/" + kHash));
  CHECK_FALSE(parse_sdk_key("v0/ns/default/d/sha256/"));
}
