"""End-to-end: offload/retrieve against a real S3 server (radosgw), read from
CLAIMCHECK_TEST_S3_*; exits 77 (skipped) without them unless
CLAIMCHECK_TEST_REQUIRE_S3=1. Every test uses its own random key prefix."""
import json
import os
import resource
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CliTestCase, compressible  # noqa: E402
from claimcheck_test import S3, s3_client, skip_without_s3  # noqa: E402


class S3Tests(CliTestCase):
    def setUp(self):
        super().setUp()
        self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        self.prefix = f"cli-test-{uuid.uuid4().hex[:12]}/"
        self.store_args = ["--store", "s3://" + S3["BUCKET"], "--endpoint", S3["ENDPOINT"],
                           "--region", S3["REGION"] or "us-east-1"]

    def off(self, payload, *args, env=None):
        return self.offload(payload, *self.store_args, "--prefix", self.prefix, *args, env=env)

    def ret(self, ref, *args):
        return self.ok(*self.store_args, "retrieve", *args, stdin=json.dumps(ref).encode())

    def test_round_trip_via_stdin(self):
        payload = compressible(300_000)
        ref = self.off(payload)
        self.assertEqual(ref["store"], "s3://" + S3["BUCKET"])
        self.assertTrue(ref["key"].startswith(self.prefix))
        self.assertEqual(self.ret(ref).out, payload)

    def test_round_trip_via_files_100_mib(self):
        payload = compressible(100 << 20)
        source = self.write("big.bin", payload)
        ref_path = self.path("ref.json")
        self.ok("offload", *self.store_args, "--prefix", self.prefix, source, "-o", ref_path)
        self.ok("retrieve", *self.store_args, ref_path, "-o", self.path("out.bin"))
        self.assertEqual(self.read(self.path("out.bin")), payload)

    def test_incompressible_is_stored_raw(self):
        payload = os.urandom(20 << 20)  # several multipart parts
        ref = self.off(payload)
        self.assertFalse(ref["compressed"])
        self.assertEqual(ref["stored_bytes"], len(payload))
        self.assertEqual(self.ret(ref).out, payload)

    def test_json_fields_restored_concurrently(self):
        doc = {f"field{i}": f"{i}-" + "v" * 60_000 for i in range(12)}
        doc["small"] = {"kept": [1, 2.5, "x"]}
        text = json.dumps(doc, separators=(",", ":")).encode()
        offloaded = self.ok(*self.store_args, "offload", "--prefix", self.prefix, "--json-fields",
                            "--sections", ".", stdin=text)
        self.assertEqual(offloaded.out.count(b"claim_check_ref"), 12)
        self.assertIn(b'"small":{"kept":[1,2.5,"x"]}', offloaded.out)
        restored = self.ok(*self.store_args, "retrieve", "--json-fields", "-j", "6",
                           stdin=offloaded.out)
        self.assertEqual(restored.out, text)

    def test_reader_leaving_early_is_a_quiet_141(self):
        # The write fails inside the download's data callback here.
        ref = self.off(compressible(20 << 20))
        ref_path = self.write("ref.json", json.dumps(ref).encode())
        self.assertEqual(self.reader_leaves_early(*self.store_args, "retrieve", stdin_path=ref_path), (141, ""))

    def test_exit_4_missing_object(self):
        ref = self.off(compressible(100_000))
        ref["key"] = self.prefix + "never-written"
        self.fails(4, *self.store_args, "retrieve", "-o", self.path("out"),
                   stdin=json.dumps(ref).encode())
        self.assertFalse(os.path.exists(self.path("out")))

    def test_exit_5_object_replaced(self):
        ref = self.off(compressible(100_000), "--compress", "never")
        tampered = bytearray(compressible(100_000))
        tampered[10] ^= 1
        s3_client().put_object(Bucket=S3["BUCKET"], Key=ref["key"], Body=bytes(tampered))
        line = self.fails(5, *self.store_args, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn("sha256 mismatch", line)

    def test_exit_6_wrong_secret(self):
        env = dict(self.env, AWS_SECRET_ACCESS_KEY="wrong-secret-never-shown")
        line = self.fails(6, *self.store_args, "offload", "--prefix", self.prefix,
                          stdin=compressible(100_000), env=env)
        self.assertNotIn("wrong-secret-never-shown", line)

    def test_verbose_trace_hides_secrets(self):
        r = self.ok(*self.store_args, "-vv", "offload", "--prefix", self.prefix,
                    stdin=compressible(100_000))
        self.assertIn("PUT ", r.err)  # -vv: a line per request
        self.assertNotIn(S3["SECRET_KEY"], r.err)
        self.assertNotIn("Signature=", r.err.replace("Signature=<redacted>", ""))


    def test_vv_adds_the_request_trace_to_v(self):
        once = self.ok(*self.store_args, "-v", "offload", "--prefix", self.prefix,
                       stdin=compressible(100_000)).err
        twice = self.ok(*self.store_args, "-vv", "offload", "--prefix", self.prefix,
                        stdin=compressible(100_000)).err
        self.assertIn("store", once)  # -v: where the settings came from
        self.assertNotIn("PUT ", once)
        self.assertIn("PUT ", twice)
        self.assertGreater(len(twice.splitlines()), len(once.splitlines()))

    def test_a_file_limit_is_named_not_taken_for_a_refusing_server(self):
        # Under `ulimit -n` curl's socket() fails with EMFILE, which it
        # reported as "Couldn't connect to server" (exit 6 after five
        # attempts): the store was blamed for the process's own limit.
        if clitest.is_sanitized(clitest.BINARY):
            # UBSan's vptr check proves memory readable by writing it to a
            # pipe; with no descriptor left for one it reports every
            # virtual call as on an invalid object.
            self.skipTest("the sanitizers need descriptors of their own")
        payload = self.write("in.bin", os.urandom(20 << 20))  # multipart: several connections
        socket_refused = stored = 0
        # Which limit meets the sockets depends on what else is open then
        # (the journal gives way first under some limits), so every limit
        # from nearly none to enough is tried.
        for limit in range(6, 25):
            def limit_files(limit=limit):
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            proc = subprocess.run([clitest.BINARY, "-q", "-vv", *self.store_args, "offload", "--prefix",
                                   self.prefix, payload], capture_output=True, env=self.env, timeout=300,
                                  preexec_fn=limit_files)
            err = proc.stderr.decode()
            if proc.returncode == 0:
                self.assertTrue(proc.stdout.startswith(b'{"_type":"claim_check_ref"'), proc.stdout)
                stored += 1
                continue
            last = err.splitlines()[-1]
            self.assertIn(proc.returncode, (1, 2), (limit, err))
            self.assertEqual(proc.stdout, b"")
            self.assertIn("Too many open files (the limit on open files: ulimit -n %d)" % limit, last)
            self.assertNotIn("ConnectionFailed", err)
            if "no socket could be opened" in last:
                socket_refused += 1
                self.assertEqual(proc.returncode, 1)
                self.assertTrue(last.endswith("(the limit on open files: ulimit -n %d)" % limit), last)
                # Not retried: the limit would meet the next attempt too.
                self.assertIn("-> TooManyOpenFiles (", err)
                self.assertNotIn("attempt 2/", err)
                self.assertIn("no connection", err)
        self.assertGreaterEqual(socket_refused, 1)
        self.assertGreaterEqual(stored, 1)
        # The refused runs left nothing: an object for each run that went through, no upload.
        client = s3_client()
        listed = client.list_objects_v2(Bucket=S3["BUCKET"], Prefix=self.prefix).get("Contents", [])
        self.assertEqual(len(listed), stored, listed)
        uploads = client.list_multipart_uploads(Bucket=S3["BUCKET"], Prefix=self.prefix).get("Uploads", [])
        self.assertEqual(uploads, [])


if __name__ == "__main__":
    skip_without_s3()
    sys.exit(clitest.main(sys.argv, S3Tests))
