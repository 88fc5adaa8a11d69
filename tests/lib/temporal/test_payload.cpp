// A payload's JSON forms: proto JSON (both alphabets, both spellings of
// externalPayloads), decoded, the CLI's shorthand, and writing each back.
#include <doctest/doctest.h>

#include "base/encoding.hpp"
#include "temporal/payload.hpp"
#include "temporal_fixtures.hpp"

using namespace claimcheck;
using base::base64_encode;
using namespace claimcheck::temporal;
using namespace temporal_test;

TEST_CASE("the SDK's reference payload reads as proto JSON with its external size") {
  auto parsed = payload_from_json(Json::parse(fixture("tiny.ref.json")));
  REQUIRE(parsed.has_value());
  CHECK(parsed->form == PayloadForm::ProtoJson);
  CHECK(parsed->problem.empty());
  CHECK(parsed->payload.encoding() == "json/protobuf");
  CHECK(parsed->payload.meta("messageType") == "temporal.api.sdk.v1.ExternalStorageReference");
  CHECK(parsed->payload.data.starts_with(R"({"claimData":{"bucket":"bars",)"));
  CHECK(parsed->payload.external_sizes == std::vector<std::uint64_t>{43});
  auto strict = payload_from_proto_json(Json::parse(fixture("tiny.ref.json")));
  REQUIRE(strict.has_value());
  CHECK(strict->payload == parsed->payload);
}

TEST_CASE("proto JSON written back is what protojson writes") {
  const Json original = Json::parse(fixture("tiny.ref.json"));
  auto parsed = payload_from_json(original);
  REQUIRE(parsed.has_value());
  CHECK(to_proto_json(parsed->payload) == original);
}

TEST_CASE("snake_case, numbers, URL-safe and unpadded base64 are read as protojson reads them") {
  // "json/plain" unpadded; data "?>?" (URL-safe alphabet needed: Pz4_)
  Json go_style = {{"metadata", {{"encoding", "anNvbi9wbGFpbg"}}},
                   {"data", "Pz4_"},
                   {"external_payloads", Json::array({Json{{"size_bytes", 43}}})}};
  auto parsed = payload_from_proto_json(go_style);
  REQUIRE(parsed.has_value());
  CHECK(parsed->payload.encoding() == "json/plain");
  CHECK(parsed->payload.data == "?>?");
  CHECK(parsed->payload.external_sizes == std::vector<std::uint64_t>{43});
}

TEST_CASE("a size that is not a non-negative integer is a problem, not a silent zero") {
  for (Json bad : {Json("4x"), Json(-1), Json(1.5), Json("-3"), Json(true)}) {
    CAPTURE(bad.dump());
    Json value = {{"metadata", {{"encoding", base::base64_encode("json/plain")}}},
                  {"data", base::base64_encode("1")},
                  {"externalPayloads", Json::array({Json{{"sizeBytes", bad}}})}};
    auto parsed = payload_from_json(value);
    REQUIRE(parsed.has_value());
    CHECK(parsed->problem.find("sizeBytes is not a non-negative integer") != std::string::npos);
    CHECK(parsed->payload.external_sizes.empty());
  }
}

TEST_CASE("the decoded form: plain metadata, data as its JSON value or text") {
  Json decoded = {{"metadata", {{"encoding", "json/plain"}, {"temporal.io/remote-codec", "v2"}}},
                  {"data", {{"size", 4096}, {"key", "/blobs/x"}}}};
  auto parsed = payload_from_json(decoded);
  REQUIRE(parsed.has_value());
  CHECK(parsed->form == PayloadForm::Decoded);
  CHECK(parsed->payload.meta("temporal.io/remote-codec") == "v2");
  CHECK(parsed->payload.data == R"({"size":4096,"key":"/blobs/x"})");
  CHECK_FALSE(payload_from_proto_json(decoded).has_value());

  Json base64_data = {{"metadata", {{"encoding", "binary/claimcheck"}}}, {"data", base::base64_encode("{}")}};
  CHECK(payload_from_json(base64_data)->payload.data == "{}");
  Json text_data = {{"metadata", {{"encoding", "claim-checked"}}}, {"data", "bare-key-1"}};
  CHECK(payload_from_json(text_data)->payload.data == "bare-key-1");
}

TEST_CASE("values that only resemble a payload are not payloads") {
  CHECK_FALSE(payload_from_json(Json{{"metadata", {{"encoding", "json/plain"}}}, {"data", "x"}, {"extra", 1}}));
  CHECK_FALSE(payload_from_json(Json{{"metadata", {{"owner", "alice"}}}, {"data", "x"}}));
  CHECK_FALSE(payload_from_json(Json{{"metadata", "json/plain"}, {"data", "x"}}));
  CHECK_FALSE(payload_from_json(Json{{"metadata", {{"encoding", 7}}}}));
  CHECK_FALSE(payload_from_json(Json{{"data", "eA=="}}));
  CHECK_FALSE(payload_from_json(Json::array({1, 2})));
  // proto JSON must be base64 throughout when read strictly
  CHECK_FALSE(payload_from_proto_json(
      Json{{"metadata", {{"encoding", base::base64_encode("json/plain")}}}, {"data", "not@base64"}}));
}

TEST_CASE("the shorthand of a json/protobuf payload") {
  Json shorthand = {{"claimData", {{"bucket", "b"}, {"key", "k"}}},
                    {"driverName", "aws.s3driver"},
                    {"_protoMessageType", "temporal.api.sdk.v1.ExternalStorageReference"}};
  auto payload = payload_from_shorthand_message(shorthand);
  REQUIRE(payload.has_value());
  CHECK(payload->encoding() == "json/protobuf");
  CHECK(payload->meta("messageType") == "temporal.api.sdk.v1.ExternalStorageReference");
  CHECK(payload->data == R"({"claimData":{"bucket":"b","key":"k"},"driverName":"aws.s3driver"})");
  CHECK(to_json(*payload, PayloadForm::Shorthand) == shorthand);
  CHECK_FALSE(payload_from_shorthand_message(Json{{"_protoMessageType", 5}}));
  CHECK_FALSE(payload_from_shorthand_message(Json{{"name", "x"}}));
}

TEST_CASE("writing a payload in each form follows the CLI's shorthand rules") {
  Payload plain{{{"encoding", "json/plain"}}, R"({"orderId":42})", {}};
  CHECK(to_json(plain, PayloadForm::Shorthand) == Json{{"orderId", 42}});
  CHECK(to_json(plain, PayloadForm::Decoded) ==
        Json{{"metadata", {{"encoding", "json/plain"}}}, {"data", {{"orderId", 42}}}});
  CHECK(to_json(plain, PayloadForm::ProtoJson) ==
        Json{{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "eyJvcmRlcklkIjo0Mn0="}});
  Payload null_payload{{{"encoding", "binary/null"}}, "", {}};
  CHECK(to_json(null_payload, PayloadForm::Shorthand).is_null());
  // not shorthand-able: written as proto JSON, as the CLI does
  Payload binary{{{"encoding", "binary/plain"}}, std::string("\x00\xff", 2), {}};
  CHECK(to_json(binary, PayloadForm::Shorthand) == to_proto_json(binary));
  CHECK(to_json(binary, PayloadForm::Decoded)["data"] == base::base64_encode(std::string("\x00\xff", 2)));
  Payload extra_metadata{{{"encoding", "json/plain"}, {"encryption-key-id", "k"}}, "1", {}};
  CHECK(to_json(extra_metadata, PayloadForm::Shorthand) == to_proto_json(extra_metadata));
}
