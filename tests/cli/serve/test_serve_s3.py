#!/usr/bin/python3
"""`claimcheck serve` against radosgw: every reference format claimcheck can
fetch is resolved and verified (claimcheck's own, the Go runner's, the
TypeScript codec's binary/claimcheck, references nested in a state
document, and Temporal External Storage references with the objects the
real TypeScript S3 driver wrote); a tampered object gives an error
response, never its bytes; a bucket that is not configured is never read.
Usage: test_serve_s3.py <claimcheck binary>"""
import base64
import gzip
import hashlib
import json
import os
import resource
import sys
import uuid
import zlib

import servetest
from claimcheck_test import is_sanitized
from servetest import S3, ServeTestCase, b64, decoded, payload, run_suite, s3_client, skip_without_s3
from temporal_wire import payload_wire


class ServeS3(ServeTestCase):

    def setUp(self):
        super().setUp()
        self.env.update({"CLAIMCHECK_STORE": "s3://" + S3["BUCKET"], "AWS_ENDPOINT_URL": S3["ENDPOINT"],
                         "AWS_ACCESS_KEY_ID": S3["ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY": S3["SECRET_KEY"],
                         "AWS_REGION": S3["REGION"] or "us-east-1"})
        self.s3 = s3_client()

    def put(self, key, body):
        self.s3.put_object(Bucket=S3["BUCKET"], Key=key, Body=body)

    def test_every_fetchable_format(self):
        state = json.dumps({"photos": ["p%d.jpg" % i for i in range(9000)]}).encode()
        own = self.offload(state)
        go_key = "claimcheck/" + str(uuid.uuid4())  # the Go runner: gzip always, no metadata
        go_original = json.dumps({"transcript": "hello " * 20000}).encode()
        self.put(go_key, gzip.compress(go_original, 6))
        go_ref = json.dumps({"_type": "claim_check_ref", "key": go_key, "size_bytes": len(go_original),
                             "compressed": True, "stored_at": "2026-01-09T13:24:00Z"})
        ts_key = "claimcheck/" + str(uuid.uuid4())  # the TypeScript codec: original data, raw
        ts_original = bytes(range(256)) * 600
        self.put(ts_key, ts_original)
        ts_marker = json.dumps({"key": ts_key, "size": len(ts_original), "compressed": False,
                                "metadata": {"encoding": b64("binary/plain")}})
        document = ('{"workflowId":"wf-7", "data": {"fetchPhotos": %s, "count": 2},\n "context": {"go": %s}}'
                    % (own, go_ref))
        server = self.serve()
        body = {"payloads": [payload("json/plain", own), payload("json/plain", go_ref),
                             payload("binary/claimcheck", ts_marker), payload("json/plain", document),
                             payload("json/plain", b'{"plain":true}')]}
        status, _, content = server.post("/decode", body)
        self.assertEqual(status, 200, content)
        out = decoded(content)
        self.assertEqual(out[0], ({"encoding": "json/plain"}, state, None))
        self.assertEqual(out[1], ({"encoding": "json/plain"}, go_original, None))
        self.assertEqual(out[2], ({"encoding": "binary/plain"}, ts_original, None))
        restored = self.run_cc("retrieve", "--json-fields", stdin=document.encode())
        self.assertEqual(out[3][1], restored.out)  # byte-exact, as retrieve --json-fields
        self.assertIn(state, out[3][1])
        self.assertEqual(out[4][1], b'{"plain":true}')

    def test_a_namespace_on_s3_while_the_store_is_local(self):
        """The S3 settings are resolved for a namespace store alone: the local default store never
        reaches radosgw, the namespace never reaches the local store."""
        original = json.dumps({"agent": "context " * 20000}).encode()
        s3_ref = self.offload(original)  # on radosgw
        local_env = dict(self.env, CLAIMCHECK_STORE=self.path("local-store"))
        local_original = b'{"local": "' + b"l" * 5000 + b'"}'
        local_ref = self.offload(local_original, env=local_env)
        server = self.serve("--namespace-store", "agents=s3://" + S3["BUCKET"], env=local_env)
        status, _, content = server.post("/agents/decode", {"payloads": [payload("json/plain", s3_ref),
                                                                         payload("json/plain", local_ref)]})
        self.assertEqual(status, 200, content)
        out = decoded(content)
        self.assertEqual(out[0][1], original)
        self.assertEqual(out[1][1], local_ref.encode())  # another store's: left as it is
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", s3_ref),
                                                                  payload("json/plain", local_ref)]})
        self.assertEqual(status, 200, content)
        out = decoded(content)
        self.assertEqual((out[0][1], out[1][1]), (s3_ref.encode(), local_original))

    def test_a_namespace_store_prefix_is_a_key_prefix(self):
        """A prefix in a namespace store's URL is the key prefix of what /encode --offload stores
        there, '/' appended as for --store."""
        server = self.serve("--namespace-store", "agents=s3://%s/agents-prefix" % S3["BUCKET"], "--offload")
        big = json.dumps({"rows": ["encoded %d" % i for i in range(10000)]}).encode()
        status, _, content = server.post("/agents/encode", {"payloads": [payload("json/plain", big)]})
        self.assertEqual(status, 200, content)
        stored = json.loads(decoded(content)[0][1])
        self.assertTrue(stored["key"].startswith("agents-prefix/"), stored["key"])
        self.s3.head_object(Bucket=S3["BUCKET"], Key=stored["key"])
        status, _, content = server.post("/agents/decode", {"payloads": [payload("json/plain", json.dumps(stored))]})
        self.assertEqual((status, decoded(content)[0][1]), (200, big))

    def test_tampered_object_is_an_error_never_its_bytes(self):
        original = bytes(range(256)) * 400  # incompressible enough to be stored raw
        ref = json.loads(self.offload(original, "--compress", "never"))
        tampered = bytearray(original)
        tampered[1000] ^= 0xFF
        self.put(ref["key"], bytes(tampered))
        server = self.serve()
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", json.dumps(ref))]})
        self.assertEqual(status, 502)
        self.assertEqual(content, b"claimcheck serve: payloads[0]: object failed verification (size, sha256 or payload form); "
                                  b"not returned\n")
        status, _, content = server.post("/decode?preserveStorageRefs=true",
                                         {"payloads": [payload("json/plain", json.dumps(ref))]})
        self.assertEqual(status, 502)  # under the display limit: fetched, refused
        self.s3.delete_object(Bucket=S3["BUCKET"], Key=ref["key"])
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", json.dumps(ref))]})
        self.assertEqual((status, content), (404, b"claimcheck serve: payloads[0]: object not found in the store\n"))

    def native_fixture(self, name):
        """Uploads the TypeScript driver's object; returns (reference payload
        with its claim moved to the test bucket, object bytes, summary)."""
        data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib", "temporal", "data",
                                "ts-driver-1.22.0")
        with open(os.path.join(data_dir, "summary.json")) as f:
            summary = next(entry for entry in json.load(f) if entry["name"] == name)
        with open(os.path.join(data_dir, name + ".bin"), "rb") as f:
            stored = f.read()
        with open(os.path.join(data_dir, name + ".ref.json")) as f:
            ref = json.load(f)
        claim = json.loads(base64.b64decode(ref["data"]))
        claim["claimData"]["bucket"] = S3["BUCKET"]
        ref["data"] = b64(json.dumps(claim))
        self.put(claim["claimData"]["key"], stored)
        return ref, stored, summary

    def test_native_external_storage_references(self):
        fixtures = {name: self.native_fixture(name) for name in ("json-300k", "binary-100k", "tiny")}
        server = self.serve()
        body = {"payloads": [fixtures[name][0] for name in ("json-300k", "binary-100k", "tiny")]}
        status, _, content = server.post("/decode", body)
        self.assertEqual(status, 200, content)
        for (meta, data, external), name in zip(decoded(content), ("json-300k", "binary-100k", "tiny")):
            _, stored, summary = fixtures[name]
            self.assertEqual(meta, summary["originalMetadata"])
            self.assertEqual(len(data), summary["originalDataLen"])
            self.assertTrue(stored.endswith(data))  # the data field is the object's last field
            self.assertIsNone(external)
        # The Web UI: the 300 KB one (over the 256 KiB display limit) stays the
        # native reference, exactly as sent; Download resolves it.
        status, _, content = server.post("/decode?preserveStorageRefs=true", body)
        out = json.loads(content)["payloads"]
        self.assertEqual(out[0], fixtures["json-300k"][0])
        self.assertEqual(decoded(content)[2][1], b'{"hello":"world"}')
        status, _, content = server.post("/download?preserveStorageRefs=true", {"payloads": [out[0]]})
        self.assertEqual(status, 200, content)
        self.assertEqual(len(decoded(content)[0][1]), fixtures["json-300k"][2]["originalDataLen"])
        # tampered: an error, never the bytes
        tiny_ref, tiny_stored, _ = fixtures["tiny"]
        key = json.loads(base64.b64decode(tiny_ref["data"]))["claimData"]["key"]
        self.put(key, tiny_stored.replace(b"world", b"WORLD"))
        status, _, content = server.post("/decode", {"payloads": [tiny_ref]})
        self.assertEqual((status, decoded(content)[0][1]), (200, b'{"hello":"world"}'))  # the verified copy, cached
        # The cached copy answers that claim only: the same hash under a key
        # with no object is looked up, and is 404 as on a cold cache.
        claim = json.loads(base64.b64decode(tiny_ref["data"]))
        claim["claimData"]["key"] = key + "-elsewhere"
        status, _, content = server.post("/decode", {"payloads": [dict(tiny_ref, data=b64(json.dumps(claim)))]})
        self.assertEqual(status, 404, content)
        fresh = self.serve()
        status, _, content = fresh.post("/decode", {"payloads": [tiny_ref]})
        self.assertEqual(status, 502)
        self.assertNotIn(b"WORLD", content)

    def test_a_zlib_payload_inflates_no_further_than_a_response_may_carry(self):
        # A small object whose binary/zlib payload inflates to more than 64 MiB
        # (a zlib bomb) is 413 once 64 MiB are inflated, not held in full.
        inner = payload_wire({"encoding": "binary/plain"}, bytes(65 << 20))
        stored = payload_wire({"encoding": "binary/zlib"}, zlib.compress(inner, 9))
        self.assertLess(len(stored), 1 << 20)
        ref, _, _ = self.native_fixture("tiny")
        claim = json.loads(base64.b64decode(ref["data"]))
        digest = hashlib.sha256(stored).hexdigest()
        claim["claimData"].update(key="v0/d/sha256/" + digest, hashValue=digest)
        ref.update(data=b64(json.dumps(claim)), externalPayloads=[{"sizeBytes": str(len(stored))}])
        self.put(claim["claimData"]["key"], stored)
        server = self.serve()
        status, _, content = server.post("/decode", {"payloads": [ref]})
        self.assertEqual((status, content), (413, b"claimcheck serve: payloads[0]: the inflated binary/zlib payload "
                                                  b"is more than serve returns in one response (67108864)\n"))

    def test_out_of_descriptors_connections_that_keep_sending_take_turns_with_those_waiting(self):
        # With an S3 store its sockets take descriptors too, so accept can fail
        # with EMFILE below the cap; either way the waiting were let in only as
        # connections reached their most (1,000 answers): 7.6-7.9 s at worst for
        # 60 clients at ulimit -n 40.
        if is_sanitized(servetest.BINARY):
            self.skipTest("the sanitizer runtime needs descriptors of its own")
        body = {"payloads": [payload("json/plain", self.offload(os.urandom(20000)))]}
        def forty_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))
        server = self.serve("--cache-size", "0", preexec_fn=forty_descriptors)
        most, statuses = servetest.clients_take_turns(server, body, clients=60)
        self.assertLess(most, 1000)
        self.assertIn(200, statuses)
        self.assertLessEqual(statuses, {200, 503})  # 503: the documented per-request limit
        self.assertEqual(server.stop(), 0)

    def test_a_bucket_that_is_not_configured_is_never_read(self):
        ref, _, _ = self.native_fixture("tiny")
        claim = json.loads(base64.b64decode(ref["data"]))
        claim["claimData"]["bucket"] = "bars"  # the driver's own bucket, not ours
        ref["data"] = b64(json.dumps(claim))
        server = self.serve()
        status, _, content = server.post("/decode", {"payloads": [ref]})
        self.assertEqual((status, json.loads(content)["payloads"][0]), (200, ref))  # left as it is
        status, _, content = server.post("/download", {"payloads": [ref]})
        self.assertEqual(status, 403)
        self.assertEqual(content, b"claimcheck serve: payloads[0]: the reference names a store this server "
                                  b"does not serve\n")


if __name__ == "__main__":
    skip_without_s3()
    servetest.BINARY = sys.argv[1]
    sys.exit(run_suite(ServeS3))
