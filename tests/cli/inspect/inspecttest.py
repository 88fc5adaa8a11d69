"""Shared helpers for the end-to-end tests of `claimcheck inspect`: run the
built binary in a private HOME, offload payloads, and build Temporal history
exports (the real `temporal workflow show --output json` shape) around the
references."""
import base64
import json
import os
import socket
import subprocess

from claimcheck_test import Result, TempHomeTestCase, compressible, run_suite  # noqa: F401

BINARY = None  # set by main() from argv[1]


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def payload(metadata, data):
    return {"metadata": {k: b64(v) for k, v in metadata.items()}, "data": b64(data)}


def json_payload(value, shorthand=False):
    return value if shorthand else payload({"encoding": "json/plain"}, json.dumps(value))


def ts_payload(ref):
    """The TypeScript runner's binary/claimcheck payload for a reference."""
    data = {"key": ref["key"], "size": ref["size_bytes"], "compressed": ref["compressed"]}
    return payload({"encoding": "binary/claimcheck"}, json.dumps(data))


def datadog_payload(key):
    return payload({"encoding": "json/plain", "temporal.io/remote-codec": "v2"},
                   json.dumps({"size": 4096, "digest": "sha256:" + "ab" * 32, "key": key}))


def event(event_id, snake_type, attributes, new_spelling=True):
    camel = "".join(word.capitalize() for word in snake_type.split("_"))
    key = camel[0].lower() + camel[1:] + "EventAttributes"
    return {"eventId": str(event_id) if new_spelling else event_id,
            "eventTime": "2026-01-09T13:24:%02d.512Z" % event_id,
            "eventType": "EVENT_TYPE_" + snake_type if new_spelling else camel,
            "taskId": str(1048576 + event_id), key: attributes}


def order_history(wf_input, memo, act_input, act_result, foreign_key, malformed,
                  new_spelling=True, shorthand=False):
    """WorkflowExecutionStarted (input, memo) -> activity FetchPhotos scheduled
    (TypeScript payload input) / started / completed (result holding a
    reference in workflow state) -> signal (DataDog v2) -> marker (malformed)."""
    sp = new_spelling
    ids = (lambda n: str(n)) if sp else (lambda n: n)
    events = [
        event(1, "WORKFLOW_EXECUTION_STARTED", {
            "workflowType": {"name": "ProcessOrder"},
            "taskQueue": {"name": "orders", "kind": "TASK_QUEUE_KIND_NORMAL"},
            "input": {"payloads": [json_payload(wf_input, shorthand)]},
            "workflowTaskTimeout": "10s", "identity": "4242@worker-1@", "attempt": 1,
            "memo": {"fields": {"order": json_payload(memo, shorthand)}}}, sp),
        event(2, "WORKFLOW_TASK_SCHEDULED", {"taskQueue": {"name": "orders"}, "attempt": 1}, sp),
        event(3, "WORKFLOW_TASK_STARTED", {"scheduledEventId": ids(2)}, sp),
        event(4, "WORKFLOW_TASK_COMPLETED", {"scheduledEventId": ids(2), "startedEventId": ids(3)}, sp),
        event(5, "ACTIVITY_TASK_SCHEDULED", {
            "activityId": "5", "activityType": {"name": "FetchPhotos"},
            "taskQueue": {"name": "orders"}, "header": {},
            "input": {"payloads": [ts_payload(act_input)]},
            "startToCloseTimeout": "60s", "workflowTaskCompletedEventId": ids(4)}, sp),
        event(6, "ACTIVITY_TASK_STARTED", {"scheduledEventId": ids(5), "attempt": 1}, sp),
        event(7, "ACTIVITY_TASK_COMPLETED", {
            "result": {"payloads": [json_payload({"data": {"fetchPhotos": act_result}}, shorthand)]},
            "scheduledEventId": ids(5), "startedEventId": ids(6)}, sp),
        event(8, "WORKFLOW_EXECUTION_SIGNALED", {
            "signalName": "approve", "input": {"payloads": [datadog_payload(foreign_key)]}}, sp),
        event(9, "MARKER_RECORDED", {
            "markerName": "SideEffect",
            "details": {"data": {"payloads": [json_payload(malformed, shorthand)]}}}, sp),
    ]
    return {"events": events}


def unused_port():
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class InspectTestCase(TempHomeTestCase):
    tmp_prefix = "cc-inspect-"
    also_strip = ("NO_COLOR",)

    def write_json(self, name, document):
        with open(self.path(name), "w") as f:
            json.dump(document, f)
        return self.path(name)

    def run_cc(self, *args, stdin=b"", env=None):
        proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True,
                              env=env or self.env, timeout=300)
        return Result(proc, text=True)

    def offload(self, data, *store_args):
        r = self.run_cc(*store_args, "offload", "--force", stdin=data)
        self.assertEqual(r.code, 0, r.err)
        return json.loads(r.out)

    def inspect(self, *args, expect=0, stdin=b""):
        r = self.run_cc(*args, stdin=stdin)
        self.assertEqual(r.code, expect, f"stdout:\n{r.out}\nstderr:\n{r.err}")
        return r

    def by_key(self, report):
        return {f["key"]: f for f in report["findings"]}


def main(argv, tests):
    global BINARY
    BINARY = os.path.abspath(argv[1])
    return run_suite(tests)
