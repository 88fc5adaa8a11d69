"""End-to-end on the local store: the TypeScript runner's binary/claimcheck
payloads (its objects written as its storage writes them: the original data
bytes, gzip when that was smaller) retrieved whole, decoded, or inside a
history with --json-fields; claimcheck references wrapped in json/plain; and
External Storage references refused when no S3 bucket is configured."""
import gzip
import json
import os
import sys
import uuid

import extstore_common as common
from extstore_common import CliTestCase, b64, history, proto_json, reference_data, sample_bytes, sha256

TS_ENCODING = "binary/claimcheck"


class TypeScriptPayloads(CliTestCase):
    def setUp(self):
        super().setUp()
        self.store_dir = self.path("store")
        self.store = ["--store", self.store_dir]

    def ts_object(self, data, compressed, metadata=None):
        """Writes the runner's object; returns its binary/claimcheck payload (proto JSON)."""
        key = "claimcheck/" + str(uuid.uuid4())
        os.makedirs(os.path.join(self.store_dir, "claimcheck"), exist_ok=True)
        with open(os.path.join(self.store_dir, key), "wb") as f:
            f.write(gzip.compress(data) if compressed else data)
        marker = {"key": key, "size": len(data), "compressed": compressed}
        if metadata is not None:
            marker["metadata"] = {k: b64(v) for k, v in metadata.items()}
        return {"metadata": {"encoding": b64(TS_ENCODING)}, "data": b64(json.dumps(marker))}

    def test_whole_payload_decoded_form_and_bare_marker(self):
        original = json.dumps({"photos": list(range(40000))}).encode()
        payload = self.ts_object(original, True, {"encoding": "json/plain"})
        self.assertEqual(self.expect(0, *self.store, "retrieve", self.write("p.json", payload)).out, original)
        decoded = {"metadata": {"encoding": TS_ENCODING},
                   "data": json.loads(common.base64.b64decode(payload["data"]))}
        self.assertEqual(self.expect(0, *self.store, "retrieve", self.write("d.json", decoded)).out, original)
        bare = self.write("m.json", common.base64.b64decode(payload["data"]))
        self.assertEqual(self.expect(0, *self.store, "retrieve", bare).out, original)
        raw = os.urandom(150_000)
        plain = self.ts_object(raw, False, {"encoding": "binary/plain"})
        self.assertEqual(self.expect(0, *self.store, "retrieve", "--strict", self.write("b.json", plain)).out, raw)

    def test_history_with_json_fields_restores_payloads_with_their_metadata(self):
        original = json.dumps({"transcript": "x" * 200_000}).encode()
        payload = self.ts_object(original, True, {"encoding": "json/plain", "encryption-key-id": "none"})
        old_marker = self.ts_object(b"legacy bytes", False)  # written before markers kept metadata
        doc = history(payload)
        doc["events"][1]["activityTaskCompletedEventAttributes"]["result"]["payloads"] += [{"small": 1}, old_marker]
        restored = json.loads(self.expect(0, *self.store, "retrieve", "--json-fields",
                                          self.write("h.json", doc)).out)
        first, small, legacy = restored["events"][1]["activityTaskCompletedEventAttributes"]["result"]["payloads"]
        self.assertEqual(first, {"metadata": {"encoding": b64("json/plain"), "encryption-key-id": b64("none")},
                                 "data": b64(original)})
        self.assertEqual(small, {"small": 1})
        # Without the marker's metadata the encoding follows the bytes, as serve's /decode writes it:
        # binary/claimcheck around the original would be a marker no one can read.
        self.assertEqual(legacy, {"metadata": {"encoding": b64("binary/plain")}, "data": b64(b"legacy bytes")})

    def test_encoded_original_exits_3_unless_raw(self):
        sealed = os.urandom(140_000)
        payload = self.write("p.json", self.ts_object(sealed, False, {"encoding": "binary/encrypted"}))
        self.expect_one_line(3, "the stored payload is encoded binary/encrypted", *self.store, "retrieve", payload)
        self.assertEqual(self.expect(0, *self.store, "retrieve", "--raw", payload).out, sealed)

    def test_claimcheck_reference_wrapped_in_json_plain(self):
        original = json.dumps({"rows": list(range(30000))}).encode()
        ref = self.expect(0, *self.store, "offload", "--force", stdin=original).out
        wrapped = {"metadata": {"encoding": b64("json/plain")}, "data": b64(ref)}
        self.assertEqual(self.expect(0, *self.store, "retrieve", self.write("w.json", wrapped)).out, original)

    def test_ordinary_payloads_still_pass_through(self):
        ordinary = json.dumps({"metadata": {"encoding": b64("json/plain")}, "data": b64('{"a":1}')}).encode()
        self.assertEqual(self.expect(0, *self.store, "retrieve", stdin=ordinary).out, ordinary)
        self.expect_one_line(3, "not a reference", *self.store, "retrieve", "--strict", stdin=ordinary)

    def test_malformed_marker_exits_3(self):
        bad = {"metadata": {"encoding": b64(TS_ENCODING)}, "data": b64('{"key":"","size":1,"compressed":false}')}
        self.expect_one_line(3, "key is empty", *self.store, "retrieve", self.write("bad.json", bad))

    def test_external_storage_without_an_s3_store_is_refused(self):
        body = sample_bytes("tiny", ".bin")
        ref = proto_json(reference_data("bars", "v0/d/sha256/" + sha256(body), body), len(body))
        self.expect_one_line(3, 'bucket "bars": not configured, so not contacted (configured: no S3 bucket; '
                                'use --store s3://bars or --read-bucket bars with its endpoint)',
                             *self.store, "retrieve", self.write("r.json", ref))
        # a name no bucket has (a trailing blank, "..") gets no advice no flag could follow
        for bucket in ("bars ", ".."):
            ref = proto_json(reference_data(bucket, "v0/d/sha256/" + sha256(body), body), len(body))
            self.expect_one_line(3, f'bucket "{bucket}": not a bucket name, so not contacted',
                                 *self.store, "retrieve", self.write("r2.json", ref))


if __name__ == "__main__":
    sys.exit(common.main(sys.argv, TypeScriptPayloads))
