// Each recognised reference shape, in plain documents, payloads and JSON Lines.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "scan_helpers.hpp"
#include "temporal/payload_wire.hpp"
#include "test_support.hpp"

using namespace scanner_test;
using claimcheck::ErrorKind;
using claimcheck::FoundFormat;

namespace {

/// A binary/zlib payload's data, as the SDKs' ZlibCodec writes it: `inner` serialised, zlib-compressed.
std::string zlib_of(const claimcheck::temporal::Payload& inner, int level = 6) {
  return claimcheck::testing::zlib_compress(claimcheck::temporal::encode_payload_wire(inner), level);
}

Json zlib_payload(const claimcheck::temporal::Payload& inner, int level = 6) {
  return payload(Form::Base64, {{"encoding", "binary/zlib"}}, zlib_of(inner, level));
}

}  // namespace

TEST_CASE("a bare claimcheck reference is one finding with its fields") {
  auto findings = scan(claimcheck_ref("claimcheck/2026-02-08/132400Z-0f8e"));
  REQUIRE(findings.size() == 1);
  const Finding& f = findings[0];
  CHECK(f.format == FoundFormat::ClaimCheck);
  CHECK(f.pointer == "");
  CHECK(f.key == "claimcheck/2026-02-08/132400Z-0f8e");
  CHECK(f.size == 1186475u);
  CHECK(f.sha256 == kSha);
  REQUIRE(f.reference.has_value());
  CHECK(f.reference->stored_bytes == 90211u);
  CHECK(f.reference->compressed);
  CHECK_FALSE(f.error.has_value());
}

TEST_CASE("the Go runner's reference is recognised as go-runner") {
  auto findings = scan(go_ref("3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].format == FoundFormat::GoRunner);
  CHECK(findings[0].sha256.empty());
  CHECK(claimcheck::format_name(findings[0].format) == "go-runner");
}

TEST_CASE("references at any depth of a document are found in document order") {
  Json state = {{"data", {{"fetchPhotos", go_ref("k1")}, {"small", "x"}}},
                {"context", {{"batches", Json::array({1, claimcheck_ref("k2")})}}},
                {"a/b~c", go_ref("k3")}};
  auto findings = scan(state);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].pointer == "/data/fetchPhotos");
  CHECK(findings[1].pointer == "/context/batches/1");
  CHECK(findings[2].pointer == "/a~1b~0c");
  CHECK(findings[2].key == "k3");
}

TEST_CASE("a malformed claim_check_ref is a finding with a precise error") {
  Json bad = go_ref("k");
  bad["size_bytes"] = "big";
  auto findings = scan(Json{{"result", bad}});
  REQUIRE(findings.size() == 1);
  REQUIRE(findings[0].error.has_value());
  CHECK(findings[0].error->find("size_bytes") != std::string::npos);
  CHECK_FALSE(findings[0].reference.has_value());
  CHECK(findings[0].key == "k");
}

TEST_CASE("a reference serialised into a string field is found") {
  Json message = {{"state", go_ref("inner").dump()}, {"note", "{not json claim_check_ref"}};
  auto findings = scan(message);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].key == "inner");
  CHECK(findings[0].pointer == "/state");
}

TEST_CASE("a bare TypeScript reference is accepted as a whole input only") {
  Json ts = {{"key", "claimcheck/5d2c"}, {"size", 200000}, {"compressed", false}};
  auto whole = scan(ts);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].format == FoundFormat::TypeScript);
  CHECK(whole[0].size == 200000u);
  CHECK(scan(Json{{"item", ts}}).empty());
}

TEST_CASE("AWS extended-client pointers, current and legacy, as body or string") {
  Json current = Json::array({"software.amazon.payloadoffloading.PayloadS3Pointer",
                              {{"s3BucketName", "big-messages"}, {"s3Key", "a1b2"}}});
  Json legacy = Json::array({"com.amazon.sqs.javamessaging.MessageS3Pointer",
                             {{"s3BucketName", "old"}, {"s3Key", "c3d4"}}});
  auto top = scan(current);
  REQUIRE(top.size() == 1);
  CHECK(top[0].format == FoundFormat::AwsExtendedClient);
  CHECK(top[0].bucket == "big-messages");
  CHECK(top[0].key == "a1b2");
  CHECK_FALSE(top[0].reference.has_value());

  Json sqs = {{"Messages", Json::array({{{"Body", legacy.dump()}}})}};
  auto nested = scan(sqs);
  REQUIRE(nested.size() == 1);
  CHECK(nested[0].pointer == "/Messages/0/Body");
  CHECK(nested[0].bucket == "old");
  CHECK(nested[0].key == "c3d4");

  Json no_key = Json::array({"software.amazon.payloadoffloading.PayloadS3Pointer",
                             {{"s3BucketName", "b"}}});
  auto bad = scan(no_key);
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].error.has_value());
}

TEST_CASE("payloads that are references, in base64 and shorthand metadata") {
  for (Form form : {Form::Base64, Form::Shorthand}) {
    CAPTURE(static_cast<int>(form));
    Json ts = payload(form, {{"encoding", "binary/claimcheck"}},
                      R"({"key":"claimcheck/9a","size":131072,"compressed":true,"metadata":{"encoding":"anNvbi9wbGFpbg=="}})");
    Json esr = payload(form,
                       {{"encoding", "json/protobuf"},
                        {"messageType", "temporal.api.sdk.v1.ExternalStorageReference"}},
                       R"({"driverName":"aws.s3driver","claimData":{"bucket":"tb","key":"v0/ns/default/d/sha256/abc","hash_algorithm":"sha256","hash_value":")" +
                           kSha + R"("}})");
    Json legacy = payload(form, {{"encoding", "json/external-storage-reference"}},
                          R"({"driver_name":"s3","driver_claim":{"bucket":"lb","key":"legacy/key"}})");
    Json datadog = payload(form, {{"encoding", "json/plain"}, {"temporal.io/remote-codec", "v2"}},
                           R"({"metadata":{"encoding":"anNvbi9wbGFpbg=="},"size":4096,"digest":"sha256:def","key":"/blobs/ns/common/sha256:def/x"})");
    Json cookbook = payload(form, {{"encoding", "claim-checked"}, {"temporal.io/claim-check-codec", "v1"}},
                            "cookbook-key-1");
    Json plain = payload(form, {{"encoding", "json/plain"}}, R"({"metadata":"not a ref"})");
    auto findings = scan(payloads(ts, esr, legacy, datadog, cookbook, plain));
    REQUIRE(findings.size() == 5);
    CHECK(findings[0].format == FoundFormat::TypeScript);
    CHECK(findings[0].key == "claimcheck/9a");
    REQUIRE(findings[0].reference.has_value());
    CHECK(findings[0].reference->compressed);
    CHECK(findings[0].pointer == "/payloads/0");
    CHECK(findings[1].format == FoundFormat::TemporalExternalStorage);
    CHECK(findings[1].bucket == "tb");
    CHECK(findings[1].key == "v0/ns/default/d/sha256/abc");
    CHECK(findings[1].sha256 == kSha);
    CHECK(findings[2].format == FoundFormat::TemporalExternalStorageLegacy);
    CHECK(findings[2].key == "legacy/key");
    CHECK(findings[2].bucket == "lb");
    CHECK(findings[3].format == FoundFormat::DataDogRemoteCodecV2);
    CHECK(findings[3].size == 4096u);
    CHECK(findings[3].sha256 == "def");
    CHECK(findings[3].key == "/blobs/ns/common/sha256:def/x");
    CHECK(findings[4].format == FoundFormat::CookbookClaimChecked);
    CHECK(findings[4].key == "cookbook-key-1");
    for (const auto& f : findings) CHECK_FALSE(f.error.has_value());
  }
}

TEST_CASE("a binary/claimcheck payload that is not a reference is an invalid finding") {
  auto findings = scan(payload(Form::Base64, {{"encoding", "binary/claimcheck"}}, R"({"key":""})"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].format == FoundFormat::TypeScript);
  CHECK(findings[0].error.has_value());
}

TEST_CASE("references inside an ordinary json/plain payload are found under its pointer") {
  Json state = {{"data", {{"fetchPhotos", go_ref("deep")}}}};
  auto findings = scan(Json{{"result", payloads(json_payload(Form::Base64, state))}});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].pointer == "/result/payloads/0/data/fetchPhotos");
  CHECK(findings[0].key == "deep");
}

TEST_CASE("a binary/zlib payload is inflated and what it holds read, as serve decodes it") {
  using claimcheck::temporal::Payload;
  const Payload state{{{"encoding", "json/plain"}}, Json{{"report", go_ref("zipped")}}.dump(), {}};
  const Payload reference{{{"encoding", "json/plain"}}, claimcheck_ref("twice").dump(), {}};
  const Payload layer{{{"encoding", "binary/zlib"}}, zlib_of(reference), {}};
  auto findings = scan(Json{{"result", payloads(zlib_payload(state), zlib_payload(layer))}});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].key == "zipped");
  CHECK(findings[0].pointer == "/result/payloads/0/report");  // as if shown decoded
  CHECK(findings[1].key == "twice");
  CHECK(findings[1].pointer == "/result/payloads/1");
  CHECK_FALSE(findings[1].error.has_value());

  // Data that does not inflate, and one that inflates too far: each unreadable, the rest still read.
  Json cut = zlib_payload(state);
  cut["data"] = base::base64_encode(zlib_of(state).substr(0, 20));
  const Payload big{{{"encoding", "binary/plain"}}, std::string(5000, 'z'), {}};
  const std::string document =
      Json{{"a", payloads(cut)}, {"b", payloads(zlib_payload(big))}, {"c", payloads(zlib_payload(state))}}.dump();
  findings.clear();
  claimcheck::scan_text(document, [&](Finding&& f) { findings.push_back(std::move(f)); },
                        claimcheck::BadLines::Fail, {.per_payload = 4000, .per_input = 1 << 20});
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].format == FoundFormat::Unreadable);
  CHECK(findings[0].pointer == "/a/payloads/0");
  CHECK(findings[0].error.value_or("").starts_with("binary/zlib data that does not inflate to a payload: "));
  CHECK(findings[1].format == FoundFormat::Unreadable);
  CHECK(findings[1].error.value_or("") == "binary/zlib payload not read: it inflates to more than 4000 bytes");
  CHECK(findings[2].key == "zipped");
}

TEST_CASE("the binary/zlib payloads of one input inflate to a bound together, also across JSON Lines") {
  using claimcheck::temporal::Payload;
  const Payload big{{{"encoding", "binary/plain"}}, std::string(3000, 'z'), {}};
  const Payload state{{{"encoding", "json/plain"}}, Json{{"report", go_ref("after")}}.dump(), {}};
  // Each line inflates about 3,000 bytes, within 4,000 per payload; the third line goes past 8,000.
  std::string lines;
  for (int i = 0; i < 3; ++i) lines += Json{{"result", payloads(zlib_payload(big))}}.dump() + "\n";
  lines += Json{{"result", payloads(zlib_payload(state))}}.dump() + "\n";
  std::vector<Finding> findings;
  claimcheck::scan_text(lines, [&](Finding&& f) { findings.push_back(std::move(f)); }, claimcheck::BadLines::Fail,
                        {.per_payload = 4000, .per_input = 8000});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].line == 3);
  CHECK(findings[0].error.value_or("") ==
        "binary/zlib payload not read: the input's inflate to more than 8000 bytes together");
  CHECK(findings[1].key == "after");  // small enough for what is left
  CHECK(claimcheck::InflateLimits{}.per_payload == 64 << 20);  // as the man page says
  CHECK(claimcheck::InflateLimits{}.per_input == 1 << 30);
}

TEST_CASE("JSON Lines: each line scanned, findings carry their line number") {
  std::string lines = go_ref("l1").dump() + "\n{\"plain\":1}\n\n" +
                      Json{{"x", claimcheck_ref("l4")}}.dump() + "\n";
  auto findings = scan_str(lines);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].line == 1);
  CHECK(findings[0].key == "l1");
  CHECK(findings[1].line == 4);
  CHECK(findings[1].pointer == "/x");
}

TEST_CASE("input that is not JSON is one InvalidInput error naming the place") {
  try {
    scan_str("{\"a\":1}\nnot json\n");
    FAIL("no error");
  } catch (const claimcheck::Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(std::string(e.why()).find("line 2") != std::string::npos);
  }
  try {
    scan_str("{\"a\":");
    FAIL("no error");
  } catch (const claimcheck::Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(std::string(e.why()).find("not JSON") == 0);
  }
}

TEST_CASE("hostile nesting: a finding where it goes too deep, and past 1024 levels the input is refused") {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  const auto findings = scan_str(deep);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(findings[0].error->starts_with("nested deeper than 512 levels at /0/0/0"));
  const std::string fine = std::string(300, '[') + go_ref("k").dump() + std::string(300, ']');
  CHECK(scan_str(fine).size() == 1);
  // The twenty-fifth audit: 60,000 levels beside a sibling overflowed the
  // stack while the parser copied the deep value (exit 139).
  for (const std::string& hostile : {"{\"x\":" + std::string(60000, '[') + std::string(60000, ']') + ",\"r\":1}",
                                     std::string(100000, '[') + std::string(100000, ']')}) {
    try {
      scan_str(hostile);
      FAIL("no error");
    } catch (const claimcheck::Error& e) {
      CHECK(e.kind() == ErrorKind::InvalidInput);
      CHECK(std::string(e.why()).find("nested deeper than 1024 levels") != std::string::npos);
    }
  }
}

TEST_CASE("only the value nested too deep goes unread: what follows it is still found") {
  // The twenty-fourth audit: a reference after a value 600 levels deep, in
  // the same document or on the next JSON Lines line, had gone unreported.
  const std::string deep = "{\"a\":" + std::string(600, '[') + std::string(600, ']') + "}";
  const auto document = scan_str("[" + deep + "," + go_ref("after").dump() + "]");
  REQUIRE(document.size() == 2);
  CHECK(document[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(document[0].pointer.starts_with("/0/a/0/0"));
  CHECK(document[1].key == "after");
  CHECK(document[1].pointer == "/1");

  // A key too long for a location column: the finding is the root's, and
  // the message says where its cut path goes on.
  const std::string long_key = "{\"" + std::string(5000, 'k') + "\":" + std::string(600, '[') + std::string(600, ']') + "}";
  const auto under_long_key = scan_str("[" + long_key + "," + go_ref("beside").dump() + "]");
  REQUIRE(under_long_key.size() == 2);
  CHECK(under_long_key[0].pointer == "/0");
  CHECK(under_long_key[0].error->ends_with("kkk..."));
  CHECK(under_long_key[1].key == "beside");

  const auto lines = scan_str(deep + "\n" + go_ref("next-line").dump() + "\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(lines[0].line == 1);
  CHECK(lines[1].key == "next-line");
  CHECK(lines[1].line == 2);

  // In a history's attributes, beside a payload field.
  Json attributes = Json::object();
  for (int i = 0; i < 600; ++i) attributes = Json{{"x", attributes}};
  const Json history = {{"events", Json::array({
      {{"eventId", "1"}, {"eventType", "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"},
       {"activityTaskScheduledEventAttributes", {{"deep", attributes}, {"input", Json::array({go_ref("input")})}}}},
      {{"eventId", "2"}, {"eventType", "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"},
       {"activityTaskCompletedEventAttributes", {{"result", Json::array({go_ref("result")})}}}},
  })}};
  const auto in_history = scan(history);
  REQUIRE(in_history.size() == 3);
  CHECK(in_history[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(in_history[0].event_id == "1");
  CHECK(in_history[1].key == "input");
  CHECK(in_history[2].key == "result");
}

TEST_CASE("JSON nested too deep inside a payload or a string is that value's finding; the rest is still read") {
  const std::string deep = std::string(1000, '[') + go_ref("deep").dump() + std::string(1000, ']');
  const Json document = {
      {"payloads", Json::array({payload(Form::Base64, {{"encoding", "json/plain"}}, deep),
                                payload(Form::Base64, {{"encoding", "json/plain"}}, go_ref("k").dump())})},
      {"note", deep}};
  const auto findings = scan(document);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(findings[0].pointer == "/payloads/0");
  CHECK(findings[0].error->starts_with("nested deeper than 512 levels at /payloads/0/0/0"));
  CHECK(findings[1].key == "k");
  CHECK(findings[1].pointer == "/payloads/1");
  CHECK(findings[2].format == claimcheck::FoundFormat::Unreadable);
  CHECK(findings[2].pointer == "/note");

  // A history in shorthand: the payload's JSON is part of the document.
  Json nested = go_ref("deep");
  for (int i = 0; i < 600; ++i) nested = Json::array({nested});
  const Json history = {{"events", Json::array({
      {{"eventId", "1"}, {"eventType", "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"},
       {"activityTaskCompletedEventAttributes", {{"result", Json::array({nested, go_ref("k2")})}}}},
  })}};
  const auto in_history = scan(history);
  REQUIRE(in_history.size() == 2);
  CHECK(in_history[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(in_history[0].pointer == "/events/0/activityTaskCompletedEventAttributes/result/0");
  CHECK(in_history[0].field == "result");
  CHECK(in_history[1].key == "k2");
}

TEST_CASE("huge keys of malformed or foreign references are kept bounded") {
  Json aws = Json::array({"software.amazon.payloadoffloading.PayloadS3Pointer",
                          {{"s3BucketName", "b"}, {"s3Key", std::string(100000, 'k')}}});
  Json bad = go_ref(std::string(100000, 'g'));
  auto findings = scan(Json::array({aws, bad}));
  REQUIRE(findings.size() == 2);
  for (const auto& f : findings) {
    CHECK(f.key.size() <= claimcheck::kMaxKeyBytes + 20);
    CHECK(f.key.ends_with("...(truncated)"));
  }
  CHECK(findings[1].error.has_value());  // a key that long is invalid
}

TEST_CASE("documents without references give no findings") {
  CHECK(scan(Json{{"key", "k"}, {"size_bytes", 1}, {"list", {1, 2, "three"}}}).empty());
  CHECK(scan(payloads(payload(Form::Base64, {{"encoding", "binary/plain"}}, "raw bytes"))).empty());
  CHECK(scan(Json{{"_type", "something_else"}, {"key", "k"}}).empty());
}

TEST_CASE("format names are stable") {
  CHECK(claimcheck::format_name(FoundFormat::ClaimCheck) == "claimcheck");
  CHECK(claimcheck::format_name(FoundFormat::TypeScript) == "typescript");
  CHECK(claimcheck::format_name(FoundFormat::TemporalExternalStorage) == "temporal-external-storage");
  CHECK(claimcheck::format_name(FoundFormat::TemporalExternalStorageLegacy) ==
        "temporal-external-storage-legacy");
  CHECK(claimcheck::format_name(FoundFormat::DataDogRemoteCodecV2) == "datadog-remote-codec-v2");
  CHECK(claimcheck::format_name(FoundFormat::CookbookClaimChecked) == "cookbook-claim-checked");
  CHECK(claimcheck::format_name(FoundFormat::AwsExtendedClient) == "aws-extended-client");
  CHECK(claimcheck::is_fetchable(FoundFormat::GoRunner));
  CHECK_FALSE(claimcheck::is_fetchable(FoundFormat::DataDogRemoteCodecV2));
}
