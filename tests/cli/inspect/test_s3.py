"""End-to-end: `claimcheck inspect` against a real S3 server (radosgw) read
from CLAIMCHECK_TEST_S3_*; exits 77 (skipped) without them unless
CLAIMCHECK_TEST_REQUIRE_S3=1. Every test uses its own random key prefix."""
import json
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inspecttest  # noqa: E402
from inspecttest import InspectTestCase, compressible, order_history  # noqa: E402
from claimcheck_test import S3, FaultProxy, s3_client, skip_without_s3  # noqa: E402


class S3Inspect(InspectTestCase):
    def setUp(self):
        super().setUp()
        self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        self.prefix = f"inspect-test-{uuid.uuid4().hex[:12]}/"
        self.store = ["--store", "s3://" + S3["BUCKET"], "--endpoint", S3["ENDPOINT"],
                      "--region", S3["REGION"] or "us-east-1"]
        self.s3 = s3_client()

    def tearDown(self):
        listing = self.s3.list_objects_v2(Bucket=S3["BUCKET"], Prefix=self.prefix)
        for item in listing.get("Contents", []):
            self.s3.delete_object(Bucket=S3["BUCKET"], Key=item["Key"])
        super().tearDown()

    def off(self, data):
        r = self.run_cc(*self.store, "offload", "--force", "--prefix", self.prefix, stdin=data)
        self.assertEqual(r.code, 0, r.err)
        return json.loads(r.out)

    def body(self, key):
        return self.s3.get_object(Bucket=S3["BUCKET"], Key=key)["Body"].read()

    def replace_body(self, ref, body):
        """Overwrites the object keeping claimcheck's metadata, so HEAD agrees."""
        head = self.s3.head_object(Bucket=S3["BUCKET"], Key=ref["key"])
        self.s3.put_object(Bucket=S3["BUCKET"], Key=ref["key"], Body=body,
                           Metadata=head.get("Metadata", {}))

    def test_history_against_radosgw(self):
        refs = [self.off(compressible(200_000)), self.off(os.urandom(70_000)),
                self.off(compressible(90_000)), self.off(compressible(300_000))]
        malformed = {"_type": "claim_check_ref", "key": "", "size_bytes": 1,
                     "compressed": False, "stored_at": "2026-01-09T13:24:00Z"}
        history = self.write_json("history.json", order_history(
            refs[0], refs[1], refs[2], refs[3], "/blobs/dd/x", malformed))
        self.s3.delete_object(Bucket=S3["BUCKET"], Key=refs[1]["key"])
        tampered = bytearray(self.body(refs[3]["key"]))
        tampered[len(tampered) // 2] ^= 0xFF
        self.replace_body(refs[3], bytes(tampered))

        table = self.inspect(*self.store, "inspect", history, expect=4).out
        self.assertIn("found 6, ok 3, missing 1, corrupt 0, expired 0, foreign 1, invalid 1",
                      table)
        report = self.inspect(*self.store, "inspect", "--verify", "--json", history,
                              expect=5).json()
        found = self.by_key(report)
        self.assertEqual(found[refs[3]["key"]]["status"], "corrupt")
        self.assertEqual(found[refs[1]["key"]]["status"], "missing")
        self.assertEqual(found[refs[0]["key"]]["status"], "ok")
        self.assertEqual(found[refs[0]["key"]]["verified"], "sha256")
        head = found[refs[0]["key"]]["object"]
        self.assertEqual(head["stored_size"], refs[0]["stored_bytes"])
        self.assertEqual(head["sha256"], refs[0]["sha256"])
        self.assertNotIn(S3["SECRET_KEY"], table + str(report))

    def test_a_reference_found_many_times_is_looked_up_once(self):
        ok, gone = self.off(compressible(100_000)), self.off(compressible(100_001))
        self.s3.delete_object(Bucket=S3["BUCKET"], Key=gone["key"])
        doc = self.write_json("many.json", {"steps": [ok] * 20 + [gone] * 5, "last": {"result": ok}})
        r = self.inspect("-vv", *self.store, "inspect", "--verify", "--json", doc, expect=4)
        requests = [l for l in r.err_lines() if " s3: " in l]
        # One HEAD per reference, and one of the bucket: a HEAD's 404 cannot say whether the
        # key or the bucket is missing.
        self.assertEqual(sorted(l.split()[2] for l in requests), ["GET", "HEAD", "HEAD", "HEAD"], requests)
        findings = r.json()["findings"]
        self.assertEqual(len(findings), 26)
        self.assertEqual([(f["pointer"], f["status"], f["verified"]) for f in findings if f["key"] == ok["key"]],
                         [(f"/steps/{i}", "ok", "sha256") for i in range(20)] + [("/last/result", "ok", "sha256")])
        self.assertEqual({f["status"] for f in findings if f["key"] == gone["key"]}, {"missing"})

    def test_a_bucket_that_is_not_there_is_a_store_error_not_missing_objects(self):
        # A typo in the bucket's name must not read as every object missing (exit 4).
        ref = self.off(compressible(100_000))
        bucket = "no-such-bucket-" + uuid.uuid4().hex[:8]
        ref["store"] = "s3://" + bucket
        store = [*self.store[:1], "s3://" + bucket, *self.store[2:]]
        for flags in ([], ["--verify"]):
            with self.subTest(flags=flags):
                report = self.inspect(*store, "inspect", *flags, "--json", json.dumps(ref), expect=6).json()
                [finding] = report["findings"]
                self.assertEqual((finding["status"], finding["problems"]),
                                 ("error", [f"head s3://{bucket}/{ref['key']}: no such bucket"]))
        # Asked about once for the run, however many of its references there are; the answer is kept.
        refs = [dict(ref, key=ref["key"] + f"-{i}") for i in range(12)]
        doc = self.write_json("missing-bucket.json", {"steps": refs})
        r = self.inspect("-vv", *store, "inspect", doc, expect=6)
        self.assertEqual(sum(f"HEAD /{bucket} " in line for line in r.err_lines()), 1, r.err)
        self.assertEqual(sum(f"HEAD /{bucket}/" in line for line in r.err_lines()), 12, r.err)
        # A bucket that could not be asked about (503 after the retries) is the store failing
        # (error, exit 6), not every object missing.
        with FaultProxy(S3["ENDPOINT"], "--fault-rate", "1", "--faults", "503", "--only", f"^HEAD /{bucket}$",
                        "--max-faults-per-request", "-1") as proxy:
            proxied = [*store[:3], proxy.url(), *store[4:], "--max-attempts", "2"]
            report = self.inspect(*proxied, "inspect", "--json", json.dumps(ref), expect=6).json()
        [finding] = report["findings"]
        self.assertEqual(finding["status"], "error")
        self.assertIn("503", finding["problems"][0])

    def test_object_of_another_size_is_corrupt_without_verify(self):
        ref = self.off(compressible(100_000))
        self.replace_body(ref, b"short")
        report = self.inspect(*self.store, "inspect", "--json", json.dumps(ref),
                              expect=5).json()
        finding = report["findings"][0]
        self.assertEqual(finding["status"], "corrupt")
        self.assertTrue(any("stored size is 5 bytes" in p for p in finding["problems"]))

    def test_presigned_url_fetched_with_curl(self):
        ref = self.off(os.urandom(80_000))
        report = self.inspect(*self.store, "inspect", "--url", "--expires", "10m", "--json",
                              json.dumps(ref)).json()
        url = report["findings"][0]["url"]
        self.assertIn("X-Amz-Expires=600", url)
        self.assertNotIn(S3["SECRET_KEY"], url)
        fetched = subprocess.run(["curl", "-sSf", url], capture_output=True, timeout=60)
        self.assertEqual(fetched.returncode, 0, fetched.stderr)
        self.assertEqual(fetched.stdout, self.body(ref["key"]))

    def test_presigned_url_of_a_gzip_object_serves_the_original(self):
        payload = compressible(300_000)
        ref = self.off(payload)
        self.assertTrue(ref["compressed"])
        url = self.inspect(*self.store, "inspect", "--url", "--json", json.dumps(ref)).json()["findings"][0]["url"]
        self.assertIn("response-content-encoding=gzip", url)
        # curl --compressed (and a browser) decodes what the response says is gzip.
        fetched = subprocess.run(["curl", "-sSf", "--compressed", "-D", "-", "-o", self.path("got"), url],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(fetched.returncode, 0, fetched.stderr)
        headers = fetched.stdout.lower()
        self.assertIn("content-encoding: gzip", headers)
        self.assertIn("content-type: application/octet-stream", headers)
        self.assertIn(f'content-disposition: attachment; filename="{ref["key"].rsplit("/", 1)[1].lower()}"', headers)
        with open(self.path("got"), "rb") as f:
            self.assertEqual(f.read(), payload)

    def test_url_works_offline_without_a_request(self):
        payload = compressible(100_000)
        ref = self.off(payload)
        # The same store at an endpoint nothing listens on: any request would fail.
        dead = ["--store", "s3://" + S3["BUCKET"], "--endpoint", S3["ENDPOINT"].rsplit(":", 1)[0] + ":9",
                "--region", S3["REGION"] or "us-east-1"]
        offline = self.inspect(*dead, "inspect", "--offline", "--url", "--json", json.dumps(ref)).json()
        self.assertTrue(offline["findings"][0]["url"].startswith(dead[3] + "/"), offline["findings"][0]["url"])
        url = self.inspect(*self.store, "inspect", "--offline", "--url", "--json",
                           json.dumps(ref)).json()["findings"][0]["url"]
        fetched = subprocess.run(["curl", "-sSf", "--compressed", url], capture_output=True, timeout=60)
        self.assertEqual(fetched.stdout, payload)

    def test_many_references_are_looked_up(self):
        refs = [self.off(compressible(60_000 + i)) for i in range(40)]
        lines = "\n".join(json.dumps({"ref": r}) for r in refs) + "\n"
        report = self.inspect(*self.store, "inspect", "--json", "-j", "16", "-",
                              stdin=lines.encode()).json()
        self.assertEqual(report["summary"]["ok"], 40)
        self.assertEqual([f["line"] for f in report["findings"]], list(range(1, 41)))


if __name__ == "__main__":
    skip_without_s3()
    sys.exit(inspecttest.main(sys.argv, S3Inspect))
