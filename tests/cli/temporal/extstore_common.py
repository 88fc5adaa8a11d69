"""Shared by the Temporal External Storage end-to-end tests: the objects and
references the real TypeScript S3 driver 1.22.0 wrote
(tests/lib/temporal/data/ts-driver-1.22.0), the three forms a history writes
a payload in; temporal_wire builds stored objects the SDK would
(binary/zlib, binary/encrypted, malformed bodies)."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
from claimcheck_test import Result, run_suite, sealed_env  # noqa: F401
from temporal_wire import field, payload_wire, varint  # noqa: F401

DATA = os.path.join(HERE, "..", "..", "lib", "temporal", "data", "ts-driver-1.22.0")
BINARY = None  # set by main()
ESR_TYPE = "temporal.api.sdk.v1.ExternalStorageReference"
KEY_PREFIX = ("v0/ns/default/wt/InteropWorkflow/wi/interop-extstore%20wf%2B1/ri/"
              "0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f/d/sha256/")
# name -> (original encoding, data bytes, data sha256) from the generating run
SAMPLES = {
    "json-300k": ("json/plain", 307266, "ee8c01ba4c4d64731061acb0b82165d623ebdf02e166d7da5834aa3b0a61e446"),
    "binary-100k": ("binary/plain", 102400, "e935075800c17c8eb61c3cf46fc5ceac7449b7101270cdc4a288303de4942758"),
    "tiny": ("json/plain", 17, "93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588"),
}


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sample_bytes(name, suffix):
    with open(os.path.join(DATA, name + suffix), "rb") as f:
        return f.read()


def sample_json(name, suffix):
    return json.loads(sample_bytes(name, suffix))


# --- protobuf Payload (field 1 map<string,bytes>, 2 bytes, 3 repeated {1 int64}) ---

# --- reference payloads in the three forms of a history ---

def reference_data(bucket, key, body, spelling="go"):
    claim = {"bucket": bucket, "key": key}
    if spelling == "go":
        claim.update(hash_algorithm="sha256", hash_value=sha256(body))
        return {"driverName": "aws.s3driver", "claimData": claim}
    claim.update(hashAlgorithm="sha256", hashValue=sha256(body))
    return {"claimData": claim, "driverName": "aws.s3driver"}


def proto_json(data, size=None):
    out = {"metadata": {"encoding": b64("json/protobuf"), "messageType": b64(ESR_TYPE)},
           "data": b64(json.dumps(data, separators=(",", ":")))}
    if size is not None:
        out["externalPayloads"] = [{"sizeBytes": str(size)}]
    return out


def decoded(data, size=None):
    out = {"metadata": {"encoding": "json/protobuf", "messageType": ESR_TYPE}, "data": data}
    if size is not None:
        out["externalPayloads"] = [{"sizeBytes": str(size)}]
    return out


def shorthand(data):
    return dict(data, _protoMessageType=ESR_TYPE)


def forms_of(proto):
    """A proto JSON reference payload in all three forms."""
    data = json.loads(base64.b64decode(proto["data"]))
    size = proto.get("externalPayloads", [{}])[0].get("sizeBytes")
    return {"proto-json": proto, "decoded": decoded(data, size), "shorthand": shorthand(data)}


def history(payload_value, field="result"):
    """One ActivityTaskCompleted event holding the payload: a list (bare array),
    a {"payloads": [...]} object, or one payload (put in such an object)."""
    wrapped = isinstance(payload_value, list) or "payloads" in payload_value
    payloads = payload_value if wrapped else {"payloads": [payload_value]}
    return {"events": [
        {"eventId": "5", "eventType": "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
         "activityTaskScheduledEventAttributes": {"activityType": {"name": "FetchPhotos"}}},
        {"eventId": "7", "eventType": "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
         "activityTaskCompletedEventAttributes": {field: payloads, "scheduledEventId": "5"}}]}


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cc-extstore-")
        self.env = sealed_env(self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, value):
        with open(self.path(name), "wb") as f:
            f.write(value if isinstance(value, bytes) else json.dumps(value).encode())
        return self.path(name)

    def run_cc(self, *args, stdin=b""):
        proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True, env=self.env, timeout=300)
        return Result(proc)

    def expect(self, code, *args, stdin=b""):
        r = self.run_cc(*args, stdin=stdin)
        self.assertEqual(r.code, code, f"stdout:\n{r.out[:2000]!r}\nstderr:\n{r.err}")
        return r

    def expect_one_line(self, code, fragment, *args, stdin=b""):
        """A failure: exit `code`, nothing on stdout, one stderr line naming it."""
        r = self.expect(code, *args, stdin=stdin)
        self.assertEqual(r.out, b"")
        self.assertEqual(len(r.err_lines()), 1, r.err)
        self.assertTrue(r.err.startswith("claimcheck: "), r.err)
        self.assertIn(fragment, r.err)
        return r


def main(argv, tests):
    global BINARY
    BINARY = os.path.abspath(argv[1])
    return run_suite(tests)
