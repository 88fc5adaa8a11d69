// The recognition matrix: every reference format the scanner knows, in each
// of the three payload forms a history is written in (proto JSON, decoded,
// the CLI's bare shorthand), at every position a payload takes in history
// events; each found once, with its event and field, and no decoy reported.
#include <doctest/doctest.h>

#include "base/encoding.hpp"

#include <set>

#include "scan_helpers.hpp"

using namespace scanner_test;
using claimcheck::FoundFormat;

namespace {

enum class PayloadForm { ProtoJson, Decoded, Bare };
const PayloadForm kForms[] = {PayloadForm::ProtoJson, PayloadForm::Decoded, PayloadForm::Bare};

const std::string kHash = "af4c3030981a5e222a47fa0072178f02a6037dcdde6a9c5b17277d62789c6545";
const std::string kEsrType = "temporal.api.sdk.v1.ExternalStorageReference";

/// One payload: its metadata and data, and its size when it is a reference.
struct TestPayload {
  std::map<std::string, std::string> metadata;
  std::string data;
  std::string size_bytes;  // externalPayloads[0].sizeBytes, "" for none
};

bool is_json(const TestPayload& p) { return p.metadata.at("encoding").starts_with("json/"); }

/// What the `temporal` CLI prints bare: json/plain alone, json/protobuf with
/// only messageType (api-go's payload shorthand rules).
bool bare_possible(const TestPayload& p) {
  const std::string& encoding = p.metadata.at("encoding");
  if (encoding == "json/plain" || encoding == "binary/null") return p.metadata.size() == 1;
  return encoding == "json/protobuf" && p.metadata.size() == 2 && p.metadata.count("messageType");
}

/// The payload written in `form` (a non-JSON payload stays proto JSON in
/// the bare form, as the CLI writes it).
Json write(const TestPayload& p, PayloadForm form) {
  if (form == PayloadForm::Bare && bare_possible(p)) {
    if (p.metadata.at("encoding") == "binary/null") return nullptr;
    Json value = Json::parse(p.data);
    if (p.metadata.at("encoding") == "json/protobuf") value["_protoMessageType"] = p.metadata.at("messageType");
    return value;
  }
  const bool decoded = form == PayloadForm::Decoded;
  Json metadata = Json::object();
  for (const auto& [k, v] : p.metadata) metadata[k] = decoded ? v : base::base64_encode(v);
  Json out = {{"metadata", metadata},
              {"data", decoded && is_json(p) ? Json::parse(p.data) : Json(base::base64_encode(p.data))}};
  if (!p.size_bytes.empty()) out["externalPayloads"] = Json::array({{{"sizeBytes", p.size_bytes}}});
  return out;
}

/// A payload list: a bare array when every payload can be bare, else
/// {"payloads":[...]} with each payload bare where it can be.
Json write_list(const std::vector<TestPayload>& list, PayloadForm form) {
  Json items = Json::array();
  bool all_bare = form == PayloadForm::Bare;
  for (const auto& p : list) {
    items.push_back(write(p, form));
    all_bare = all_bare && bare_possible(p);
  }
  return all_bare ? items : Json{{"payloads", items}};
}

TestPayload plain(const Json& value) { return {{{"encoding", "json/plain"}}, value.dump(), ""}; }

struct Format {
  const char* name;
  FoundFormat found;
  TestPayload payload;
};

std::vector<Format> formats(const std::string& key) {
  const Json claimcheck = claimcheck_ref(key);
  const Json go = go_ref(key);
  const Json ts_marker = {{"key", key}, {"size", 262144}, {"compressed", true},
                          {"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}};
  const Json esr_camel = {{"claimData", {{"bucket", "bars"}, {"key", key}, {"hashAlgorithm", "sha256"},
                                         {"hashValue", kHash}}},
                          {"driverName", "aws.s3driver"}};
  const Json esr_snake = {{"driverName", "aws.s3driver"},
                          {"claimData", {{"bucket", "bars"}, {"hash_algorithm", "sha256"}, {"hash_value", kHash},
                                         {"key", key}}}};
  const Json legacy = {{"driver_name", "aws.s3driver"},
                       {"driver_claim", {{"claim_data", {{"bucket", "bars"}, {"key", key}, {"hash_value", kHash}}}}}};
  const Json datadog = {{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"size", 4096},
                        {"digest", "sha256:" + kHash}, {"key", key}};
  const Json aws = Json::array({"software.amazon.payloadoffloading.PayloadS3Pointer",
                                {{"s3BucketName", "sqs-big"}, {"s3Key", key}}});
  const std::map<std::string, std::string> esr_meta = {{"encoding", "json/protobuf"}, {"messageType", kEsrType}};
  return {
      {"claimcheck", FoundFormat::ClaimCheck, plain(claimcheck)},
      {"go-runner", FoundFormat::GoRunner, plain(go)},
      {"typescript", FoundFormat::TypeScript, {{{"encoding", "binary/claimcheck"}}, ts_marker.dump(), ""}},
      {"external-storage (TypeScript spelling)", FoundFormat::TemporalExternalStorage,
       {esr_meta, esr_camel.dump(), "102430"}},
      {"external-storage (Go spelling)", FoundFormat::TemporalExternalStorage, {esr_meta, esr_snake.dump(), "43"}},
      {"external-storage legacy", FoundFormat::TemporalExternalStorageLegacy,
       {{{"encoding", "json/external-storage-reference"}}, legacy.dump(), ""}},
      {"datadog v2", FoundFormat::DataDogRemoteCodecV2,
       {{{"encoding", "json/plain"}, {"temporal.io/remote-codec", "v2"}}, datadog.dump(), ""}},
      {"cookbook", FoundFormat::CookbookClaimChecked,
       {{{"encoding", "claim-checked"}, {"temporal.io/claim-check-codec", "v1"}}, key, ""}},
      {"aws pointer", FoundFormat::AwsExtendedClient, plain(aws)},
  };
}

/// Values that look like references to a careless reader and are not. In
/// the bare form only those the CLI prints bare, so that lists stay bare
/// arrays (mixed lists have their own test).
std::vector<TestPayload> decoys(PayloadForm form) {
  const Json esr_like = {{"claimData", {{"bucket", "b"}, {"key", "decoy/esr-untyped"}}}, {"driverName", "aws.s3driver"}};
  std::vector<TestPayload> list = {
      plain({{"key", "decoy/ts-shape"}, {"size", 10}, {"compressed", false}}),
      plain(esr_like),
      plain({{"_type", "not_a_ref"}, {"key", "decoy/type"}}),
      plain({{"_protoMessageType", "temporal.api.common.v1.WorkflowType"}, {"name", "decoy"}}),
      {{{"encoding", "json/protobuf"}, {"messageType", "temporal.api.common.v1.WorkflowType"}}, R"({"name":"w"})", ""},
      plain("a string mentioning claim_check_ref"),
      {{{"encoding", "binary/null"}}, "", ""},
  };
  if (form != PayloadForm::Bare)
    list.push_back({{{"encoding", "binary/plain"}}, "claim_check_ref S3Pointer \"metadata\" _protoMessageType", ""});
  return list;
}

/// Where a payload sits. `list` positions hold a payload list (the decoys
/// go in the same list), others a lone payload (decoys beside it, in the
/// same map, or in the event's other payload field).
struct Position {
  const char* event_type;        // canonical spelling
  const char* attributes_key;
  const char* field;             // the field the finding must name
  const char* type_name;         // "" when the event gives none
  std::function<Json(const Json& reference, const Json& decoy_list)> attributes;
};

Json lone_map(const Json& reference, const Json& decoy_list, const char* member) {
  Json fields = {{"ref", reference}};
  int i = 0;
  for (const Json& decoy : decoy_list.is_array() ? decoy_list : decoy_list["payloads"])
    fields["decoy" + std::to_string(i++)] = decoy;
  return Json{{member, fields}};
}

std::vector<Position> positions(PayloadForm form) {
  auto list_with = [form](const Json& reference, const Json& decoy_list) {
    // the reference first, then the decoys, in one list of the form's shape
    Json list = decoy_list;
    Json& items = list.is_array() ? list : list["payloads"];
    items.insert(items.begin(), reference);
    if (form == PayloadForm::Bare && list.is_array() && (!reference.is_object() || !reference.contains("metadata")))
      return list;
    if (list.is_array()) return Json{{"payloads", items}};
    return list;
  };
  auto activity = Json{{"name", "FetchPhotos"}};
  return {
      {"ActivityTaskScheduled", "activityTaskScheduledEventAttributes", "input", "FetchPhotos",
       [=](const Json& r, const Json& d) { return Json{{"activityType", activity}, {"input", list_with(r, d)}}; }},
      {"ActivityTaskScheduled", "activityTaskScheduledEventAttributes", "header.ref", "FetchPhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"activityType", activity}, {"header", lone_map(r, d, "fields")}};
       }},
      {"ActivityTaskCompleted", "activityTaskCompletedEventAttributes", "result", "FetchPhotos",
       [=](const Json& r, const Json& d) { return Json{{"scheduledEventId", "1"}, {"result", list_with(r, d)}}; }},
      {"ActivityTaskFailed", "activityTaskFailedEventAttributes", "failure.applicationFailureInfo.details",
       "FetchPhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"scheduledEventId", "1"},
                     {"failure", {{"message", "boom"},
                                  {"applicationFailureInfo", {{"type", "E"}, {"details", list_with(r, d)}}}}}};
       }},
      {"ActivityTaskTimedOut", "activityTaskTimedOutEventAttributes",
       "failure.timeoutFailureInfo.lastHeartbeatDetails", "FetchPhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"scheduledEventId", "1"},
                     {"failure", {{"timeoutFailureInfo", {{"timeoutType", "TIMEOUT_TYPE_HEARTBEAT"},
                                                          {"lastHeartbeatDetails", list_with(r, d)}}}}}};
       }},
      {"ActivityTaskCanceled", "activityTaskCanceledEventAttributes", "details", "FetchPhotos",
       [=](const Json& r, const Json& d) { return Json{{"scheduledEventId", "1"}, {"details", list_with(r, d)}}; }},
      {"WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes", "input", "ProcessOrder",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ProcessOrder"}}}, {"input", list_with(r, d)}};
       }},
      {"WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes", "memo.ref", "ProcessOrder",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ProcessOrder"}}}, {"memo", lone_map(r, d, "fields")}};
       }},
      {"WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes", "searchAttributes.ref",
       "ProcessOrder",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ProcessOrder"}}},
                     {"searchAttributes", lone_map(r, d, "indexedFields")}};
       }},
      {"WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes", "lastCompletionResult",
       "ProcessOrder",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ProcessOrder"}}}, {"lastCompletionResult", list_with(r, d)}};
       }},
      {"WorkflowExecutionCompleted", "workflowExecutionCompletedEventAttributes", "result", "",
       [=](const Json& r, const Json& d) { return Json{{"result", list_with(r, d)}}; }},
      {"WorkflowExecutionFailed", "workflowExecutionFailedEventAttributes",
       "failure.cause.applicationFailureInfo.details", "",
       [=](const Json& r, const Json& d) {
         return Json{{"failure", {{"message", "wrapped"},
                                  {"cause", {{"applicationFailureInfo", {{"details", list_with(r, d)}}}}}}}};
       }},
      {"WorkflowExecutionContinuedAsNew", "workflowExecutionContinuedAsNewEventAttributes", "input", "ProcessOrder",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ProcessOrder"}}}, {"input", list_with(r, d)}};
       }},
      {"StartChildWorkflowExecutionInitiated", "startChildWorkflowExecutionInitiatedEventAttributes", "input",
       "ResizePhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ResizePhotos"}}}, {"input", list_with(r, d)}};
       }},
      {"StartChildWorkflowExecutionInitiated", "startChildWorkflowExecutionInitiatedEventAttributes", "memo.ref",
       "ResizePhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ResizePhotos"}}}, {"memo", lone_map(r, d, "fields")}};
       }},
      {"ChildWorkflowExecutionCompleted", "childWorkflowExecutionCompletedEventAttributes", "result",
       "ResizePhotos",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowType", {{"name", "ResizePhotos"}}}, {"initiatedEventId", "1"},
                     {"result", list_with(r, d)}};
       }},
      {"WorkflowExecutionSignaled", "workflowExecutionSignaledEventAttributes", "input", "approve",
       [=](const Json& r, const Json& d) { return Json{{"signalName", "approve"}, {"input", list_with(r, d)}}; }},
      {"SignalExternalWorkflowExecutionInitiated", "signalExternalWorkflowExecutionInitiatedEventAttributes",
       "input", "notify",
       [=](const Json& r, const Json& d) { return Json{{"signalName", "notify"}, {"input", list_with(r, d)}}; }},
      {"WorkflowExecutionUpdateAccepted", "workflowExecutionUpdateAcceptedEventAttributes",
       "acceptedRequest.input", "setDiscount",
       [=](const Json& r, const Json& d) {
         return Json{{"protocolInstanceId", "u1"},
                     {"acceptedRequest", {{"meta", {{"updateId", "u1"}}},
                                          {"input", {{"name", "setDiscount"}, {"args", list_with(r, d)}}}}}};
       }},
      {"WorkflowExecutionUpdateCompleted", "workflowExecutionUpdateCompletedEventAttributes", "outcome.success",
       "setDiscount",
       [=](const Json& r, const Json& d) {
         return Json{{"meta", {{"updateId", "u1"}}}, {"acceptedEventId", "1"},
                     {"outcome", {{"success", list_with(r, d)}}}};
       }},
      {"MarkerRecorded", "markerRecordedEventAttributes", "details.data", "SideEffect",
       [=](const Json& r, const Json& d) {
         return Json{{"markerName", "SideEffect"}, {"details", {{"data", list_with(r, d)}}}};
       }},
      {"UpsertWorkflowSearchAttributes", "upsertWorkflowSearchAttributesEventAttributes", "searchAttributes.ref",
       "",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowTaskCompletedEventId", "4"}, {"searchAttributes", lone_map(r, d, "indexedFields")}};
       }},
      {"WorkflowPropertiesModified", "workflowPropertiesModifiedEventAttributes", "upsertedMemo.ref", "",
       [=](const Json& r, const Json& d) {
         return Json{{"workflowTaskCompletedEventId", "4"}, {"upsertedMemo", lone_map(r, d, "fields")}};
       }},
      {"NexusOperationScheduled", "nexusOperationScheduledEventAttributes", "input", "billing/charge",
       [=](const Json& r, const Json& d) {
         return Json{{"endpoint", "billing-ep"}, {"service", "billing"}, {"operation", "charge"}, {"input", r},
                     {"nexusHeader", {{"traceparent", "00-ab"}}}, {"workflowTaskCompletedEventId", "4"},
                     {"requestId", "r1"}, {"decoys", d}};
       }},
      {"NexusOperationCompleted", "nexusOperationCompletedEventAttributes", "result", "billing/charge",
       [=](const Json& r, const Json& d) {
         return Json{{"scheduledEventId", "1"}, {"result", r}, {"requestId", "r1"}, {"decoys", d}};
       }},
  };
}

/// The event a position's type name comes from (id 1), then the event.
Json history_for(const Position& position, const Json& attributes) {
  Json events = Json::array();
  events.push_back({{"eventId", "1"},
                    {"eventType", "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"},
                    {"activityTaskScheduledEventAttributes", {{"activityType", {{"name", "FetchPhotos"}}}}}});
  const std::string type = position.event_type;
  if (type == "ChildWorkflowExecutionCompleted")
    events[0] = {{"eventId", "1"}, {"eventType", "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED"},
                 {"startChildWorkflowExecutionInitiatedEventAttributes", {{"workflowType", {{"name", "ResizePhotos"}}}}}};
  if (type == "WorkflowExecutionUpdateCompleted")
    events[0] = {{"eventId", "1"}, {"eventType", "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"},
                 {"workflowExecutionUpdateAcceptedEventAttributes",
                  {{"acceptedRequest", {{"input", {{"name", "setDiscount"}}}}}}}};
  if (type == "NexusOperationCompleted")
    events[0] = {{"eventId", "1"}, {"eventType", "EVENT_TYPE_NEXUS_OPERATION_SCHEDULED"},
                 {"nexusOperationScheduledEventAttributes", {{"service", "billing"}, {"operation", "charge"}}}};
  events.push_back({{"eventId", "2"}, {"eventType", type}, {position.attributes_key, attributes}});
  return Json{{"events", events}};
}

}  // namespace

TEST_CASE("every format in every form at every position: found once, named, decoys ignored") {
  std::size_t cases = 0;
  std::set<std::string> seen_positions;
  for (PayloadForm form : kForms) {
    for (const Position& position : positions(form)) {
      for (const Format& format : formats("ref/key-1")) {
        CAPTURE(static_cast<int>(form));
        CAPTURE(position.field);
        CAPTURE(position.event_type);
        CAPTURE(format.name);
        const Json reference = write(format.payload, form);
        const Json decoy_list = write_list(decoys(form), form);
        const Json history = history_for(position, position.attributes(reference, decoy_list));
        auto findings = scan(history);
        REQUIRE(findings.size() == 1);
        const Finding& f = findings[0];
        CHECK(f.format == format.found);
        CHECK(f.key == "ref/key-1");
        CHECK_FALSE(f.error.has_value());
        CHECK(f.event_id == "2");
        CHECK(f.event_type == position.event_type);
        CHECK(f.field == position.field);
        CHECK(f.type_name == position.type_name);
        CHECK(f.pointer.starts_with(std::string("/events/1/") + position.attributes_key + "/"));
        seen_positions.insert(std::string(position.event_type) + " " + position.field);
        ++cases;
      }
    }
  }
  CHECK(seen_positions.size() == 25);
  CHECK(cases == 3 * 25 * 9);
}

TEST_CASE("arrays that mix bare and proto JSON payloads: each reference once, in order") {
  const auto all = formats("mixed/k");
  Json bare_list = Json::array();
  Json wrapped = Json::array();
  for (std::size_t i = 0; i < all.size(); ++i) {
    // alternate forms: bare where possible on even places, proto JSON on odd ones
    const PayloadForm form = i % 2 == 0 ? PayloadForm::Bare : PayloadForm::ProtoJson;
    bare_list.push_back(write(all[i].payload, form));
    wrapped.push_back(write(all[i].payload, form == PayloadForm::Bare ? PayloadForm::ProtoJson : PayloadForm::Bare));
  }
  const Json decoy_list = write_list(decoys(PayloadForm::ProtoJson), PayloadForm::Bare);
  for (const Json& decoy : decoy_list["payloads"]) {
    bare_list.push_back(decoy);
    wrapped.push_back(decoy);
  }
  const std::vector<Json> inputs = {bare_list, Json{{"payloads", wrapped}}};
  for (const Json& input : inputs) {
    Json history = history_for(positions(PayloadForm::Bare)[0],
                               Json{{"activityType", {{"name", "FetchPhotos"}}}, {"input", input}});
    auto findings = scan(history);
    REQUIRE(findings.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      CAPTURE(all[i].name);
      CHECK(findings[i].format == all[i].found);
      CHECK(findings[i].field == "input");
      CHECK(findings[i].pointer.find("/input/") != std::string::npos);
    }
  }
}

TEST_CASE("an External Storage reference carries its claim; the shorthand one too") {
  for (PayloadForm form : kForms) {
    CAPTURE(static_cast<int>(form));
    auto findings = scan(write(formats("v0/d/sha256/" + kHash)[3].payload, form));
    REQUIRE(findings.size() == 1);
    REQUIRE(findings[0].external.has_value());
    CHECK(findings[0].external->bucket == "bars");
    CHECK(findings[0].bucket == "bars");
    CHECK(findings[0].sha256 == kHash);
    CHECK(findings[0].external->hash_value == kHash);
    if (form == PayloadForm::Bare) CHECK_FALSE(findings[0].size.has_value());  // the CLI drops it
    else CHECK(findings[0].size == 102430u);
  }
}

TEST_CASE("malformed External Storage references are invalid findings that keep what they can") {
  Json no_key = {{"driverName", "aws.s3driver"}, {"claimData", {{"bucket", "b"}, {"hashValue", kHash}}}};
  Json bad_hash = {{"driverName", "aws.s3driver"}, {"claimData", {{"bucket", "b"}, {"key", "k1"}, {"hashValue", "xyz"}}}};
  const std::map<std::string, std::string> meta = {{"encoding", "json/protobuf"}, {"messageType", kEsrType}};
  for (PayloadForm form : kForms) {
    CAPTURE(static_cast<int>(form));
    auto findings = scan(Json::array({write({meta, no_key.dump(), ""}, form), write({meta, bad_hash.dump(), ""}, form)}));
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].error.value_or("").find("the claim has no \"key\"") != std::string::npos);
    CHECK(findings[1].error.value_or("").find("hash value is not 64 hex digits") != std::string::npos);
    CHECK(findings[1].key == "k1");
    CHECK_FALSE(findings[1].external.has_value());
  }
  Json bad_size = write({meta, bad_hash.dump(), "12x"}, PayloadForm::ProtoJson);
  bad_hash["claimData"]["hashValue"] = kHash;
  bad_size["data"] = base::base64_encode(bad_hash.dump());
  auto findings = scan(bad_size);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].error.value_or("").find("sizeBytes is not a non-negative integer") != std::string::npos);
}

TEST_CASE("a key twice in one object is an invalid finding: one of its values would go unseen") {
  const std::string ref = claimcheck_ref("cc/k1").dump();
  const std::string twice = R"({"data":{"a":)" + ref + R"(,"a":)" + claimcheck_ref("cc/k2").dump() + "}}";
  auto findings = scan_str(twice);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(*findings[0].error ==
        "an object has the key \"a\" twice; only one of its values is read (retrieve --json-fields restores both)");
  CHECK(findings[0].pointer == "/data");  // the object that holds it
  CHECK(findings[1].reference->key == "cc/k2");
  // Deep in arrays and escaped keys: the pointer leads to it.
  const std::string deep = R"({"x":[1,{"y":2},[{},{"a/b~":{"k":1,"k":2}}]],"z":{"n":1}})";
  auto deep_findings = scan_str(deep);
  REQUIRE(deep_findings.size() == 1);
  CHECK(deep_findings[0].pointer == "/x/2/1/a~1b~0");
  CHECK(scan_str(R"({"k":1,"k":2})").at(0).pointer.empty());  // the whole input
  // Every one is said, not just the first: fixing one does not reveal the next.
  auto several = scan_str(R"({"a":[1,{"q":{"c":1,"c":2}}],"b":1,"b":2})");
  REQUIRE(several.size() == 2);
  CHECK(several[0].pointer == "/a/1/q");
  CHECK(several[0].error->starts_with("an object has the key \"c\" twice"));
  CHECK(several[1].pointer.empty());
  CHECK(several[1].error->starts_with("an object has the key \"b\" twice"));
  // Past 20, the last listed says how many more.
  std::string many = "[";
  for (int i = 0; i < 25; ++i) many += std::string(i ? "," : "") + R"({"k":1,"k":2})";
  auto capped = scan_str(many + "]");
  REQUIRE(capped.size() == 20);
  CHECK(capped[19].pointer == "/19");
  CHECK(capped[19].error->ends_with("; 5 more keys twice in this document are not listed"));
  // A key many times in one object is one finding: it does not use up the 20 others need.
  std::string thrice = R"({"o":{)";
  for (int i = 0; i < 22; ++i) thrice += std::string(i ? "," : "") + R"("k":)" + std::to_string(i);
  auto once = scan_str(thrice + R"(},"p":{"z":1,"z":2}})");
  REQUIRE(once.size() == 2);
  CHECK(once[0].pointer == "/o");
  CHECK(once[1].pointer == "/p");
  CHECK(once[1].error->find("; ") == once[1].error->find("; only"));  // no "more" note
  // The same key in different objects is no duplicate.
  CHECK(scan_str(R"({"a":{"a":)" + ref + R"(},"b":{"a":1}})").size() == 1);
  // JSON Lines: the line is named.
  auto lines = scan_str(R"({"a":1})" "\n" + twice + "\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].line == 2);
  CHECK(lines[0].format == claimcheck::FoundFormat::Unreadable);
  // Inside a payload's JSON data: found where the payload is.
  const std::string state = R"({"n":1,"n":)" + ref + "}";
  Json history = {{"result", {{"payloads", Json::array({payload(Form::Base64, {{"encoding", "json/plain"}}, state)})}}}};
  auto nested = scan(history);
  REQUIRE(nested.size() >= 1);
  CHECK(nested[0].format == claimcheck::FoundFormat::Unreadable);
  CHECK(nested[0].pointer == "/result/payloads/0");  // the payload's data is the object
  // In JSON inside a string: where the string is, then into its JSON.
  const std::string in_string = Json{{"msg", R"({"w":[{"k":1,"k":)" + ref + "}]}"}}.dump();
  auto stringed = scan_str(in_string);
  REQUIRE(stringed.size() >= 1);
  CHECK(stringed[0].pointer == "/msg/w/0");
}
