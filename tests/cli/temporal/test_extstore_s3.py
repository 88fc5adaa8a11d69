"""End-to-end against radosgw: Temporal External Storage references in a
history are found, verified and retrieved byte-exact, in every payload form,
using the objects the real TypeScript S3 driver 1.22.0 wrote (uploaded to
their own keys in bucket "bars"); stored payloads that are binary/zlib,
binary/encrypted or malformed; buckets that are not configured; gc and stats
over the SDK's key layout (--prefix v0/). Skips (77) without an S3 server."""
import datetime
import json
import sys
import urllib.request
import uuid
import zlib

import extstore_common as common
from extstore_common import (KEY_PREFIX, SAMPLES, CliTestCase, forms_of, history, payload_wire, proto_json,
                             reference_data, sample_bytes, sample_json, sha256)
from claimcheck_test import S3, s3_client, skip_without_s3

BUCKET = "bars"  # the bucket the real references name


def ensure_bucket(client, name):
    try:
        client.create_bucket(Bucket=name)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass


class ExternalStorageS3(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = s3_client()
        ensure_bucket(cls.s3, BUCKET)
        for name in SAMPLES:
            body = sample_bytes(name, ".bin")
            cls.s3.put_object(Bucket=BUCKET, Key=KEY_PREFIX + sha256(body), Body=body)

    def setUp(self):
        super().setUp()
        self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        self.store = ["--store", "s3://" + BUCKET, "--endpoint", S3["ENDPOINT"],
                      "--region", S3["REGION"] or "us-east-1"]
        self.own_prefix = f"v0/d/sha256/test-{uuid.uuid4().hex[:8]}-"

    def put_object(self, body, key=None):
        """Stores `body` under the SDK's fallback layout; returns (key, proto JSON reference)."""
        key = key or "v0/d/sha256/" + sha256(body)
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        return key, proto_json(reference_data(BUCKET, key, body), len(body))

    def retrieve(self, *args, code=0, stdin=b""):
        return self.expect(code, *self.store, "retrieve", *args, stdin=stdin)

    # --- inspect ---

    def test_inspect_finds_and_checks_the_sdk_references(self):
        for name in SAMPLES:
            with self.subTest(name):
                body = sample_bytes(name, ".bin")
                report = json.loads(self.expect(0, *self.store, "inspect", "--json",
                                                self.write(name + ".json", sample_json(name, ".history.json"))).out)
                self.assertEqual(report["summary"]["ok"], 1)
                [f] = report["findings"]
                self.assertEqual(f["format"], "temporal-external-storage")
                self.assertEqual(f["status"], "ok")
                self.assertEqual(f["bucket"], BUCKET)
                self.assertEqual(f["key"], KEY_PREFIX + sha256(body))
                self.assertEqual(f["size_bytes"], len(body))
                self.assertEqual(f["stored_bytes"], len(body))
                self.assertEqual(f["sha256"], sha256(body))
                self.assertEqual(f["event"], {"id": "1", "type": "ActivityTaskCompleted", "type_name": None,
                                              "field": "result"})
                self.assertEqual(f["temporal"], {
                    "driver": "aws.s3driver", "namespace": "default", "workflow_type": "InteropWorkflow",
                    "workflow_id": "interop-extstore wf+1", "activity_type": None, "activity_id": None,
                    "run_id": "0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f"})
                self.assertIsNotNone(f["expires_at"])  # LastModified + TTL

    def test_inspect_ttl_sets_the_expiry_of_references_without_one_as_gc_judges_it(self):
        path = self.write("h.json", sample_json("tiny", ".history.json"))
        expiry = lambda *flags: datetime.datetime.fromisoformat(json.loads(self.expect(
            0, *self.store, "inspect", "--json", *flags, path).out)["findings"][0]["expires_at"].replace("Z", "+00:00"))
        self.assertEqual(expiry("--ttl", "45d") - expiry(), datetime.timedelta(days=15))  # the default is 30d
        self.assertEqual(expiry("--ttl", "2") - expiry(), datetime.timedelta(days=-28))

    def test_inspect_table_names_the_workflow_from_the_key(self):
        table = self.expect(0, *self.store, "inspect", self.write("h.json", sample_json("tiny", ".history.json")))
        text = table.out.decode()
        self.assertIn("temporal-external-storage", text)
        self.assertIn("namespace default, workflow type InteropWorkflow, workflow id interop-extstore wf+1, "
                      "run id 0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f", text)
        self.assertIn("found 1, ok 1,", text)

    def test_inspect_every_form_and_verify(self):
        for name in SAMPLES:
            for form, value in forms_of(sample_json(name, ".ref.json")).items():
                with self.subTest(name=name, form=form):
                    path = self.write("h.json", history([value] if form == "shorthand" else value))
                    report = json.loads(self.expect(0, *self.store, "inspect", "--verify", "--json", path).out)
                    [f] = report["findings"]
                    self.assertEqual((f["status"], f["verified"]), ("ok", "sha256"))
                    self.assertEqual(f["event"]["field"], "result")
                    self.assertEqual(f["event"]["type_name"], "FetchPhotos")

    def test_url_offline_presigns_in_configured_buckets_only(self):
        body = sample_bytes("tiny", ".bin")
        other = proto_json(reference_data("not-configured-bucket", KEY_PREFIX + sha256(body), body), len(body))
        path = self.write("h.json", history([sample_json("tiny", ".ref.json"), other]))
        # Nothing listens at this endpoint: offline means no request at all.
        dead = [a if a != S3["ENDPOINT"] else "http://127.0.0.1:9" for a in self.store]
        findings = json.loads(self.expect(0, *dead, "inspect", "--offline", "--url", "--json", path).out)["findings"]
        self.assertEqual([f["bucket"] for f in findings], [BUCKET, "not-configured-bucket"])
        self.assertIsNone(findings[1]["url"])  # never presigned for a bucket the user did not configure
        # Said offline as online: which --store or --read-bucket reaches it.
        self.assertEqual((findings[0]["status"], findings[1]["status"]), ("unchecked", "other-store"))
        self.assertEqual(findings[1]["problems"],
                         ['bucket "not-configured-bucket": not configured, so not contacted (configured: '
                          'bars; use --store s3://not-configured-bucket or --read-bucket not-configured-bucket)'])
        self.assertTrue(findings[0]["url"].startswith("http://127.0.0.1:9/"))
        # The Host is signed: the link that works is made for the real endpoint, offline too.
        live = json.loads(self.expect(0, *self.store, "inspect", "--offline", "--url", "--json", path).out)
        self.assertEqual(urllib.request.urlopen(live["findings"][0]["url"]).read(), body)
        table = self.expect(0, *dead, "inspect", "--offline", "--url", path).out.decode()
        self.assertEqual(table.count("url:"), 1)

    def test_tampered_object_is_corrupt_under_verify_and_retrieve(self):
        body = sample_bytes("tiny", ".bin")
        key, ref = self.put_object(body, self.own_prefix + "tamper")
        tampered = bytearray(body)
        tampered[30] ^= 1
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(tampered))
        path = self.write("ref.json", ref)
        report = json.loads(self.expect(0, *self.store, "inspect", "--json", path).out)  # HEAD: size agrees
        self.assertEqual(report["findings"][0]["status"], "ok")
        r = self.expect(5, *self.store, "inspect", "--verify", "--json", path)
        f = json.loads(r.out)["findings"][0]
        self.assertEqual(f["status"], "corrupt")
        self.assertIn("sha256 of the stored object is " + sha256(bytes(tampered)), f["problems"][0])
        self.expect_one_line(5, "sha256 of the stored object is", *self.store, "retrieve", path)
        self.expect_one_line(5, "sha256 of the stored object", *self.store, "retrieve", "--json-fields",
                             self.write("h.json", history(ref)))
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body + b"x")
        r = self.expect(5, *self.store, "inspect", path)
        self.assertIn("stored size is 44 bytes, externalPayloads.sizeBytes says 43", r.out.decode())

    def test_a_claim_without_a_hash_is_checked_against_the_hash_its_key_ends_with(self):
        # The SDKs' keys are content addressed; the TypeScript driver refuses a claim without
        # hashValue, so claimcheck must not fall back to the size alone when the key has it.
        body = sample_bytes("tiny", ".bin")
        tampered = bytearray(body)
        tampered[30] ^= 1
        for key, checked in ((f"v0/ns/default/wt/T/wi/{uuid.uuid4().hex}/ri/r/d/sha256/{sha256(body)}", "sha256"),
                             (self.own_prefix + "nohash", "size")):
            with self.subTest(key=key):
                self.s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(tampered) if checked == "sha256" else body)
                data = reference_data(BUCKET, key, body)
                del data["claimData"]["hash_value"], data["claimData"]["hash_algorithm"]
                path = self.write("ref.json", proto_json(data, len(body)))
                f = json.loads(self.run_cc(*self.store, "inspect", "--verify", "--json", path).out)["findings"][0]
                if checked == "sha256":
                    self.assertEqual((f["status"], f["sha256"]), ("corrupt", sha256(body)))
                    self.expect_one_line(5, f"sha256 of the stored object is {sha256(bytes(tampered))}, its key "
                                            f"says {sha256(body)}", *self.store, "retrieve", path)
                else:  # no hash anywhere: the size alone, with a warning
                    self.assertEqual((f["status"], f["verified"]), ("ok", "size"))
                    r = self.expect(0, *self.store, "retrieve", path)
                    self.assertIn("verified by size only", r.err)

    # --- retrieve ---

    def test_retrieve_each_form_gives_the_original_bytes(self):
        for name, (encoding, size, data_sha) in SAMPLES.items():
            for form, value in forms_of(sample_json(name, ".ref.json")).items():
                with self.subTest(name=name, form=form):
                    out = self.retrieve(self.write("ref.json", value)).out
                    self.assertEqual((len(out), sha256(out)), (size, data_sha))
                    self.assertEqual(self.retrieve("-", stdin=json.dumps(value).encode()).out, out)
        self.retrieve("-o", self.path("tiny.out"), self.write("ref.json", sample_json("tiny", ".ref.json")))
        with open(self.path("tiny.out"), "rb") as f:
            self.assertEqual(f.read(), b'{"hello":"world"}')

    def test_retrieve_json_fields_restores_the_history(self):
        for name, (encoding, size, data_sha) in SAMPLES.items():
            with self.subTest(name):
                path = self.write("h.json", sample_json(name, ".history.json"))
                restored = json.loads(self.retrieve("--json-fields", path).out)
                [p] = restored["events"][0]["activityTaskCompletedEventAttributes"]["result"]["payloads"]
                self.assertEqual(p["metadata"], {"encoding": common.b64(encoding)})
                self.assertEqual(sha256(common.base64.b64decode(p["data"])), data_sha)
        shorthand = forms_of(sample_json("tiny", ".ref.json"))["shorthand"]
        restored = json.loads(self.retrieve("--json-fields", self.write("h.json", history([shorthand, 7]))).out)
        self.assertEqual(restored["events"][1]["activityTaskCompletedEventAttributes"]["result"],
                         [{"hello": "world"}, 7])

    def test_raw_writes_the_stored_object(self):
        for name in SAMPLES:
            with self.subTest(name):
                out = self.retrieve("--raw", self.write("ref.json", sample_json(name, ".ref.json"))).out
                self.assertEqual(out, sample_bytes(name, ".bin"))

    def test_binary_zlib_is_inflated(self):
        inner = sample_bytes("json-300k", ".bin")  # the SDK's serialised json/plain payload
        _, ref = self.put_object(payload_wire({"encoding": "binary/zlib"}, zlib.compress(inner)))
        out = self.retrieve(self.write("ref.json", ref)).out
        self.assertEqual(sha256(out), SAMPLES["json-300k"][2])
        # One that does not inflate: retrieve names the object, and inspect --verify finds it
        # corrupt, though its sha256 agrees.
        key, ref = self.put_object(payload_wire({"encoding": "binary/zlib"}, b"abcd"))
        path = self.write("bad.json", ref)
        self.expect_one_line(5, f"claimcheck: retrieve s3://{BUCKET}/{key}: binary/zlib payload: zlib stream:",
                             *self.store, "retrieve", path)
        f = json.loads(self.expect(5, *self.store, "inspect", "--verify", "--json", path).out)["findings"][0]
        self.assertEqual(f["status"], "corrupt")
        self.assertIn("binary/zlib payload: zlib stream:", f["problems"][0])

    def test_other_encodings_exit_3_naming_them_and_raw_writes_them(self):
        body = payload_wire({"encoding": "binary/encrypted", "encryption-key-id": "key-1"}, b"\x00" * 12 + b"sealed")
        _, ref = self.put_object(body)
        path = self.write("ref.json", ref)
        self.expect_one_line(3, "the stored payload is encoded binary/encrypted", *self.store, "retrieve", path)
        self.assertEqual(self.retrieve("--raw", path).out, body)

    def test_bucket_not_configured_is_reported_not_fetched(self):
        body = sample_bytes("tiny", ".bin")
        ref = proto_json(reference_data("not-configured-bucket", "v0/d/sha256/" + sha256(body), body), len(body))
        path = self.write("ref.json", ref)
        r = self.expect_one_line(3, 'bucket "not-configured-bucket": not configured, so not contacted',
                                 *self.store, "retrieve", path)
        self.assertIn("configured: bars", r.err)
        verbose = self.run_cc("-v", *self.store, "retrieve", path)
        self.assertEqual(verbose.code, 3)
        requests = [l for l in verbose.err_lines() if "not-configured-bucket" in l and "not configured" not in l]
        self.assertEqual(requests, [])
        # inspect: not where it may look, as a claimcheck reference to another
        # store: other-store (exit 0), with the flag that reaches it.
        report = self.expect(0, *self.store, "inspect", "--json", path)
        f = json.loads(report.out)["findings"][0]
        self.assertEqual(f["status"], "other-store")
        self.assertIsNone(f["object"])
        self.assertIn("--read-bucket not-configured-bucket", f["problems"][0])
        self.assertEqual(json.loads(report.out)["summary"]["other_store"], 1)

    def test_read_bucket_makes_another_bucket_readable(self):
        extra = "extra-read-" + uuid.uuid4().hex[:8]
        ensure_bucket(self.s3, extra)
        body = sample_bytes("tiny", ".bin")
        key = "v0/d/sha256/" + sha256(body)
        self.s3.put_object(Bucket=extra, Key=key, Body=body)
        path = self.write("ref.json", proto_json(reference_data(extra, key, body), len(body)))
        self.expect_one_line(3, f'bucket "{extra}": not configured, so not contacted', *self.store, "retrieve", path)
        self.assertEqual(self.retrieve("--read-bucket", "other", "--read-bucket", extra, path).out,
                         b'{"hello":"world"}')
        report = json.loads(self.expect(0, *self.store, "inspect", "--verify", "--json", "--read-bucket", extra,
                                        path).out)
        self.assertEqual((report["findings"][0]["status"], report["findings"][0]["bucket"]), ("ok", extra))
        self.env["CLAIMCHECK_READ_BUCKETS"] = "other," + extra
        self.assertEqual(self.retrieve(path).out, b'{"hello":"world"}')
        verbose = self.run_cc("-v", *self.store, "retrieve", path)
        self.assertIn(f"claimcheck: config read_buckets = other,{extra} (env CLAIMCHECK_READ_BUCKETS)",
                      verbose.err_lines())
        del self.env["CLAIMCHECK_READ_BUCKETS"]
        self.expect_one_line(2, "--read-bucket", *self.store, "retrieve", "--read-bucket", "a/b", path)

    def test_read_bucket_beside_a_local_store_reads_the_bucket(self):
        # --read-bucket had been dropped without a word beside a local store:
        # an engineer with only Temporal's bucket to read got "not configured"
        # for the bucket the flag named.
        body = sample_bytes("tiny", ".bin")
        path = self.write("ref.json", proto_json(reference_data(BUCKET, KEY_PREFIX + sha256(body), body), len(body)))
        local = ["--store", self.path("local-store"), "--endpoint", S3["ENDPOINT"],
                 "--region", S3["REGION"] or "us-east-1"]
        self.assertEqual(self.expect(0, *local, "retrieve", "--read-bucket", BUCKET, path).out, b'{"hello":"world"}')
        report = json.loads(self.expect(0, *local, "inspect", "--verify", "--json", "--read-bucket", BUCKET,
                                        path).out)
        self.assertEqual((report["findings"][0]["status"], report["findings"][0]["bucket"]), ("ok", BUCKET))
        # The local store still holds claimcheck's own references, read with no request.
        own = self.expect(0, *local, "offload", "--force", stdin=b"local payload").out
        self.assertEqual(self.expect(0, *local, "retrieve", "--read-bucket", BUCKET, stdin=own).out, b"local payload")
        # Credentials are needed for the bucket only, when it is read.
        del self.env["AWS_ACCESS_KEY_ID"], self.env["AWS_SECRET_ACCESS_KEY"]
        self.assertEqual(self.expect(0, *local, "retrieve", "--read-bucket", BUCKET, stdin=own).out, b"local payload")
        self.expect_one_line(2, "no credentials", *local, "retrieve", "--read-bucket", BUCKET, path)

    def test_malformed_references_exit_3(self):
        body = sample_bytes("tiny", ".bin")
        key, good = self.put_object(body)
        data = reference_data(BUCKET, key, body)
        no_key = dict(data, claimData={k: v for k, v in data["claimData"].items() if k != "key"})
        bad_hash = dict(data, claimData=dict(data["claimData"], hash_value="not-hex-" + "0" * 56))
        bad_size = dict(good, externalPayloads=[{"sizeBytes": "43 bytes"}])
        for label, ref, fragment in (("claim without key", proto_json(no_key, 43), 'the claim has no "key"'),
                                     ("hash not hex", proto_json(bad_hash, 43), "hash value is not 64 hex digits"),
                                     ("sizeBytes not a number", bad_size, "sizeBytes is not a non-negative integer")):
            with self.subTest(label):
                path = self.write("ref.json", ref)
                self.expect_one_line(3, fragment, *self.store, "retrieve", path)
                self.expect_one_line(3, fragment, *self.store, "retrieve", "--json-fields",
                                     self.write("h.json", history(ref)))
                report = self.expect(3, *self.store, "inspect", "--json", path)
                self.assertEqual(json.loads(report.out)["findings"][0]["status"], "invalid")

    def test_stored_body_that_is_not_a_payload_exits_5(self):
        tiny = sample_bytes("tiny", ".bin")
        for label, body in (("truncated", tiny[:30]), ("data as a varint", b"\x10\x05"),
                            ("metadata as fixed32", b"\x0d\x01\x02\x03\x04")):
            with self.subTest(label):
                key, ref = self.put_object(body)
                path = self.write("ref.json", ref)
                self.expect_one_line(5, f"claimcheck: retrieve s3://{BUCKET}/{key}: the stored object is not a "
                                        "protobuf Payload", *self.store, "retrieve", path)
                # inspect --verify finds corrupt what retrieve cannot deliver, though its sha256 agrees
                f = json.loads(self.expect(5, *self.store, "inspect", "--verify", "--json", path).out)["findings"][0]
                self.assertEqual(f["status"], "corrupt")
                self.assertIn("the stored object is not a protobuf Payload", f["problems"][0])

    # --- gc and stats over the SDK's key layout ---

    def test_gc_and_stats_with_prefix_v0(self):
        bucket = "sdk-gc-" + uuid.uuid4().hex[:8]
        ensure_bucket(self.s3, bucket)
        keys = []
        for name in SAMPLES:
            body = sample_bytes(name, ".bin")
            keys.append(KEY_PREFIX + sha256(body))
            self.s3.put_object(Bucket=bucket, Key=keys[-1], Body=body)
        self.s3.put_object(Bucket=bucket, Key="claimcheck/other", Body=b"not under v0/")
        store = ["--store", "s3://" + bucket] + self.store[2:]
        stats = json.loads(self.expect(0, *store, "stats", "--storage", "--prefix", "v0/", "--json").out)
        self.assertEqual(stats["prefix"], "v0/")
        self.assertEqual(stats["storage"]["objects"], 3)
        self.assertEqual(stats["storage"]["stored_bytes"], sum(len(sample_bytes(n, ".bin")) for n in SAMPLES))
        self.assertEqual(stats["storage"]["expiry_from_ttl"]["objects"], 3)
        # not expired yet: LastModified + 30d is in the future
        dry = json.loads(self.expect(0, *store, "gc", "--prefix", "v0/", "--dry-run", "--json").out)
        self.assertEqual((dry["scanned"], dry["selected"]), (3, 0))
        dry = json.loads(self.expect(0, *store, "gc", "--prefix", "v0/", "--ttl", "1d", "--as-of", "+2d",
                                     "--dry-run", "--json").out)
        self.assertEqual(sorted(o["key"] for o in dry["objects"]), sorted(keys))
        self.assertEqual({o["expiry_from"] for o in dry["objects"]}, {"ttl"})
        done = json.loads(self.expect(0, *store, "gc", "--prefix", "v0/", "--ttl", "1d", "--as-of", "+2d",
                                      "--json").out)
        self.assertEqual(done["deleted"], 3)
        left = [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        self.assertEqual(left, ["claimcheck/other"])


if __name__ == "__main__":
    skip_without_s3()
    sys.exit(common.main(sys.argv, ExternalStorageS3))
