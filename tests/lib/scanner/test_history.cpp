// Temporal history exports: every place a payload can sit, both eventType
// spellings, ids as numbers or strings, base64 and shorthand payloads.
#include <doctest/doctest.h>

#include <algorithm>

#include "scan_helpers.hpp"

using namespace scanner_test;
using claimcheck::FoundFormat;

namespace {

enum class Spelling { Old, New };  // ActivityTaskCompleted / EVENT_TYPE_ACTIVITY_TASK_COMPLETED

struct HistoryBuilder {
  Spelling spelling;
  Form form;
  Json events = Json::array();
  int next_id = 1;

  Json id(int value) const {
    return spelling == Spelling::Old ? Json(value) : Json(std::to_string(value));
  }

  std::string type(const std::string& camel, const std::string& snake) const {
    return spelling == Spelling::Old ? camel : "EVENT_TYPE_" + snake;
  }

  int add(const std::string& camel, const std::string& snake, const std::string& attributes_key,
          Json attributes) {
    const int event_id = next_id++;
    events.push_back({{"eventId", id(event_id)},
                      {"eventTime", "2026-01-09T13:24:0" + std::to_string(event_id % 10) + ".512Z"},
                      {"eventType", type(camel, snake)},
                      {"version", "0"},
                      {"taskId", std::to_string(1048576 + event_id)},
                      {attributes_key, std::move(attributes)}});
    return event_id;
  }

  Json plain(const Json& value) const { return json_payload(form, value); }

  Json ts_payload(const std::string& key) const {
    return payload(form, {{"encoding", "binary/claimcheck"}},
                   Json{{"key", key}, {"size", 262144}, {"compressed", true}}.dump());
  }
};

/// A realistic order workflow: started (input + memo), workflow tasks, an
/// activity scheduled and completed, a signal, a marker, a child workflow.
Json build_history(Spelling spelling, Form form) {
  HistoryBuilder h{spelling, form};
  h.add("WorkflowExecutionStarted", "WORKFLOW_EXECUTION_STARTED",
        "workflowExecutionStartedEventAttributes",
        {{"workflowType", {{"name", "ProcessOrder"}}},
         {"taskQueue", {{"name", "orders"}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
         {"input", payloads(h.plain(claimcheck_ref("wf-input")), h.plain({{"orderId", 42}}))},
         {"workflowTaskTimeout", "10s"},
         {"originalExecutionRunId", "6b1f2c3d-0000-4000-8000-000000000001"},
         {"identity", "4242@worker-1@"},
         {"attempt", 1},
         {"memo", {{"fields", {{"order", h.plain(go_ref("memo-order"))},
                               {"owner", h.plain("alice")}}}}}});
  h.add("WorkflowTaskScheduled", "WORKFLOW_TASK_SCHEDULED", "workflowTaskScheduledEventAttributes",
        {{"taskQueue", {{"name", "orders"}}}, {"startToCloseTimeout", "10s"}, {"attempt", 1}});
  h.add("WorkflowTaskStarted", "WORKFLOW_TASK_STARTED", "workflowTaskStartedEventAttributes",
        {{"scheduledEventId", h.id(2)}, {"identity", "4242@worker-1@"}});
  h.add("WorkflowTaskCompleted", "WORKFLOW_TASK_COMPLETED", "workflowTaskCompletedEventAttributes",
        {{"scheduledEventId", h.id(2)}, {"startedEventId", h.id(3)}});
  const int scheduled = h.add(
      "ActivityTaskScheduled", "ACTIVITY_TASK_SCHEDULED", "activityTaskScheduledEventAttributes",
      {{"activityId", "5"},
       {"activityType", {{"name", "FetchPhotos"}}},
       {"taskQueue", {{"name", "orders"}}},
       {"header", Json::object()},
       {"input", payloads(h.ts_payload("claimcheck/act-input"))},
       {"scheduleToCloseTimeout", "0s"},
       {"startToCloseTimeout", "60s"},
       {"workflowTaskCompletedEventId", h.id(4)},
       {"retryPolicy", {{"initialInterval", "1s"}, {"backoffCoefficient", 2}}}});
  const int started = h.add("ActivityTaskStarted", "ACTIVITY_TASK_STARTED",
                            "activityTaskStartedEventAttributes",
                            {{"scheduledEventId", h.id(scheduled)}, {"attempt", 1}});
  h.add("ActivityTaskCompleted", "ACTIVITY_TASK_COMPLETED", "activityTaskCompletedEventAttributes",
        {{"result", payloads(h.plain({{"data", {{"fetchPhotos", go_ref("act-result")}}}}))},
         {"scheduledEventId", h.id(scheduled)},
         {"startedEventId", h.id(started)},
         {"identity", "4242@worker-1@"}});
  h.add("WorkflowExecutionSignaled", "WORKFLOW_EXECUTION_SIGNALED",
        "workflowExecutionSignaledEventAttributes",
        {{"signalName", "approve"},
         {"input", payloads(payload(form,
                                     {{"encoding", "json/protobuf"},
                                      {"messageType", "temporal.api.sdk.v1.ExternalStorageReference"}},
                                     R"({"driverName":"aws.s3driver","claimData":{"bucket":"tb","key":"signal-esr"}})"))},
         {"identity", "cli"},
         {"header", Json::object()}});
  h.add("MarkerRecorded", "MARKER_RECORDED", "markerRecordedEventAttributes",
        {{"markerName", "SideEffect"},
         {"details", {{"data", payloads(h.plain(claimcheck_ref("marker-data")))},
                      {"side-effect-id", payloads(h.plain(1))}}},
         {"workflowTaskCompletedEventId", h.id(4)}});
  h.add("StartChildWorkflowExecutionInitiated", "START_CHILD_WORKFLOW_EXECUTION_INITIATED",
        "startChildWorkflowExecutionInitiatedEventAttributes",
        {{"namespace", "default"},
         {"workflowId", "resize-42"},
         {"workflowType", {{"name", "ResizePhotos"}}},
         {"taskQueue", {{"name", "images"}}},
         {"input", payloads(payload(form, {{"encoding", "json/plain"}, {"temporal.io/remote-codec", "v2"}},
                                     R"({"size":9000,"digest":"sha256:aa","key":"/blobs/child-dd"})"))},
         {"memo", {{"fields", {{"batch", payload(form, {{"encoding", "claim-checked"}}, "child-memo-cookbook")}}}}},
         {"workflowTaskCompletedEventId", h.id(4)}});
  h.add("WorkflowExecutionCompleted", "WORKFLOW_EXECUTION_COMPLETED",
        "workflowExecutionCompletedEventAttributes",
        {{"result", payloads(h.plain(Json::array({"software.amazon.payloadoffloading.PayloadS3Pointer",
                                                   {{"s3BucketName", "sqs-big"}, {"s3Key", "wf-result-aws"}}})))},
         {"workflowTaskCompletedEventId", h.id(4)}});
  return Json{{"events", h.events}};
}

struct Expected {
  const char* key;
  FoundFormat format;
  const char* pointer;
  const char* event_id;
  const char* event_type;
  const char* type_name;
  const char* field;
};

const Expected kExpected[] = {
    {"wf-input", FoundFormat::ClaimCheck,
     "/events/0/workflowExecutionStartedEventAttributes/input/payloads/0", "1",
     "WorkflowExecutionStarted", "ProcessOrder", "input"},
    {"memo-order", FoundFormat::GoRunner,
     "/events/0/workflowExecutionStartedEventAttributes/memo/fields/order", "1",
     "WorkflowExecutionStarted", "ProcessOrder", "memo.order"},
    {"claimcheck/act-input", FoundFormat::TypeScript,
     "/events/4/activityTaskScheduledEventAttributes/input/payloads/0", "5",
     "ActivityTaskScheduled", "FetchPhotos", "input"},
    {"act-result", FoundFormat::GoRunner,
     "/events/6/activityTaskCompletedEventAttributes/result/payloads/0/data/fetchPhotos", "7",
     "ActivityTaskCompleted", "FetchPhotos", "result"},
    {"signal-esr", FoundFormat::TemporalExternalStorage,
     "/events/7/workflowExecutionSignaledEventAttributes/input/payloads/0", "8",
     "WorkflowExecutionSignaled", "approve", "input"},
    {"marker-data", FoundFormat::ClaimCheck,
     "/events/8/markerRecordedEventAttributes/details/data/payloads/0", "9", "MarkerRecorded",
     "SideEffect", "details.data"},
    {"/blobs/child-dd", FoundFormat::DataDogRemoteCodecV2,
     "/events/9/startChildWorkflowExecutionInitiatedEventAttributes/input/payloads/0", "10",
     "StartChildWorkflowExecutionInitiated", "ResizePhotos", "input"},
    {"child-memo-cookbook", FoundFormat::CookbookClaimChecked,
     "/events/9/startChildWorkflowExecutionInitiatedEventAttributes/memo/fields/batch", "10",
     "StartChildWorkflowExecutionInitiated", "ResizePhotos", "memo.batch"},
    {"wf-result-aws", FoundFormat::AwsExtendedClient,
     "/events/10/workflowExecutionCompletedEventAttributes/result/payloads/0", "11",
     "WorkflowExecutionCompleted", "", "result"},
};

/// `proto_names`: the history's fields are spelled by their proto names,
/// and so are the pointers' (checked by their attributes' suffix only).
void check_findings(const Json& history, bool proto_names = false) {
  auto findings = scan(history);
  REQUIRE(findings.size() == std::size(kExpected));
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    const Expected& want = kExpected[i];
    CAPTURE(want.key);
    CHECK(f.key == want.key);
    CHECK(f.format == want.format);
    if (proto_names)
      CHECK(f.pointer.find("_event_attributes/") != std::string::npos);
    else
      CHECK(f.pointer == want.pointer);
    CHECK(f.event_id == want.event_id);
    CHECK(f.event_type == want.event_type);
    CHECK(f.type_name == want.type_name);
    CHECK(f.field == want.field);
    CHECK_FALSE(f.error.has_value());
  }
}

void check_history(Spelling spelling, Form form) { check_findings(build_history(spelling, form)); }

}  // namespace

TEST_CASE("new export: EVENT_TYPE_ spelling, string ids, base64 payloads") {
  check_history(Spelling::New, Form::Base64);
}

TEST_CASE("old export: CamelCase spelling, numeric ids, base64 payloads") {
  check_history(Spelling::Old, Form::Base64);
}

TEST_CASE("shorthand payloads give the same findings and pointers") {
  check_history(Spelling::New, Form::Shorthand);
  check_history(Spelling::Old, Form::Shorthand);
}

Json with_proto_names(const Json& value);

/// A map's entries (metadata, memo fields, marker details): names kept, values converted.
Json entries_with_proto_names(const Json& map) {
  if (!map.is_object()) return with_proto_names(map);
  Json out = Json::object();
  for (const auto& [name, entry] : map.items()) out[name] = with_proto_names(entry);
  return out;
}

/// protojson's other spelling (Go's UseProtoNames, Python's
/// preserving_proto_field_name): every message field by its proto name.
Json with_proto_names(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(with_proto_names(item));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, child] : value.items()) {
    std::string name;
    for (char c : key) name += c >= 'A' && c <= 'Z' ? std::string{'_', static_cast<char>(c - 'A' + 'a')} : std::string{c};
    const bool map = key == "metadata" || key == "fields" || key == "details";
    out[name] = map ? entries_with_proto_names(child) : with_proto_names(child);
  }
  return out;
}

TEST_CASE("a history written with proto field names gives the same findings") {
  for (Spelling spelling : {Spelling::New, Spelling::Old}) {
    const Json history = with_proto_names(build_history(spelling, Form::Base64));
    REQUIRE(history["events"][0].contains("event_type"));
    check_findings(history, true);
  }
}

TEST_CASE("a history wrapped in another object and a large history are read in one pass") {
  Json wrapped = {{"history", build_history(Spelling::New, Form::Base64)}};
  auto findings = scan(wrapped);
  REQUIRE(findings.size() == std::size(kExpected));
  CHECK(findings[3].pointer ==
        "/history/events/6/activityTaskCompletedEventAttributes/result/payloads/0/data/fetchPhotos");
  CHECK(findings[3].type_name == "FetchPhotos");

  // 2000 activities with 20 KB results each (~40 MB of base64 history).
  HistoryBuilder h{Spelling::New, Form::Base64};
  const std::string filler(20000, 'x');
  for (int i = 0; i < 2000; ++i) {
    const int scheduled = h.add("", "ACTIVITY_TASK_SCHEDULED", "activityTaskScheduledEventAttributes",
                                {{"activityType", {{"name", "Step" + std::to_string(i)}}}});
    Json result = i % 100 == 0 ? Json(go_ref("big-" + std::to_string(i))) : Json(filler);
    h.add("", "ACTIVITY_TASK_COMPLETED", "activityTaskCompletedEventAttributes",
          {{"scheduledEventId", h.id(scheduled)}, {"result", payloads(h.plain(result))}});
  }
  auto big = scan(Json{{"events", h.events}});
  REQUIRE(big.size() == 20);
  CHECK(big[19].key == "big-1900");
  CHECK(big[19].type_name == "Step1900");
  CHECK(big[19].event_type == "ActivityTaskCompleted");
}

TEST_CASE("a history printed one event per line keeps its context across lines") {
  for (Spelling spelling : {Spelling::New, Spelling::Old}) {
    Json history = build_history(spelling, Form::Base64);
    std::string lines;
    for (const Json& event : history["events"]) lines += event.dump() + "\n";
    auto findings = scan_str(lines);
    REQUIRE(findings.size() == std::size(kExpected));
    const Finding& result = findings[3];
    CHECK(result.key == "act-result");
    CHECK(result.line == 7);
    CHECK(result.pointer == "/activityTaskCompletedEventAttributes/result/payloads/0/data/fetchPhotos");
    CHECK(result.event_id == "7");
    CHECK(result.event_type == "ActivityTaskCompleted");
    CHECK(result.type_name == "FetchPhotos");  // from the scheduled event two lines earlier
    CHECK(result.field == "result");
  }
}

TEST_CASE("references inside failure details and heartbeat details are found too") {
  HistoryBuilder h{Spelling::New, Form::Base64};
  const int scheduled = h.add("", "ACTIVITY_TASK_SCHEDULED", "activityTaskScheduledEventAttributes",
                              {{"activityType", {{"name", "Upload"}}}});
  h.add("", "ACTIVITY_TASK_FAILED", "activityTaskFailedEventAttributes",
        {{"failure", {{"message", "upload failed"},
                      {"applicationFailureInfo",
                       {{"type", "UploadError"},
                        {"details", payloads(h.plain(go_ref("failure-details")))}}}}},
         {"scheduledEventId", h.id(scheduled)},
         {"retryState", "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED"}});
  h.add("", "ACTIVITY_TASK_TIMED_OUT", "activityTaskTimedOutEventAttributes",
        {{"failure", {{"timeoutFailureInfo",
                       {{"lastHeartbeatDetails", payloads(h.plain(go_ref("heartbeat")))}}}}},
         {"scheduledEventId", h.id(scheduled)}});
  // Field names by their JSON names also where the history has proto names.
  for (const Json& history : {Json{{"events", h.events}}, with_proto_names(Json{{"events", h.events}})}) {
    const bool proto_names = history["events"][0].contains("event_id");
    auto findings = scan(history);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].key == "failure-details");
    CHECK(findings[0].event_type == "ActivityTaskFailed");
    CHECK(findings[0].type_name == "Upload");
    CHECK(findings[0].field == "failure.applicationFailureInfo.details");
    CHECK(findings[1].key == "heartbeat");
    CHECK(findings[1].event_type == "ActivityTaskTimedOut");
    CHECK(findings[1].field == "failure.timeoutFailureInfo.lastHeartbeatDetails");
    CHECK(findings[1].pointer == (proto_names ? "/events/2/activity_task_timed_out_event_attributes/failure/"
                                                "timeout_failure_info/last_heartbeat_details/payloads/0"
                                              : "/events/2/activityTaskTimedOutEventAttributes/failure/"
                                                "timeoutFailureInfo/lastHeartbeatDetails/payloads/0"));
  }
}
