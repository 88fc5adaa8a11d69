"""claimcheck <-> the Go runner's own claimcheck package, both directions.

go_package/src/stigmer/claimcheck is stigmer's Go package pkg/claimcheck
(workflow-runner, commit b070f18a, Apache-2.0; one line changed, see
go_package/README.md). It is built here with Debian's Go and Go libraries
into ccdriver, which calls it as the runner does. Both sides share one
environment, the runner's (CLAIMCHECK_THRESHOLD_BYTES,
CLAIMCHECK_COMPRESSION_ENABLED, and R2_* on S3), as they do when a team moves
off the Go runner: claimcheck reads those variables too.

- claimcheck -> Go: what claimcheck offloads (text, random bytes, the
  fields of a state document) the package retrieves byte for byte, with
  compression on and off on both sides (README's rule: the same
  CLAIMCHECK_COMPRESSION_ENABLED); and what breaking the rule does.
- Go -> claimcheck: what the package offloads claimcheck retrieves,
  inspects and restores in state documents.
usage: test_go_package.py CLAIMCHECK local|s3"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import compressible  # noqa: E402
from claimcheck_test import s3_client, s3_settings, skip_without_s3  # noqa: E402

GOPATH_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go_package")
THRESHOLD = 51200  # the runner's default
MODE = None  # "local" or "s3", from argv

PAYLOADS = {  # name -> bytes over the threshold
    "text": compressible(120_000),
    "random": os.urandom(80_000),
}


def state_document():
    """A workflow state document as the runner passes between steps: three large
    fields to offload in data and context, small ones that stay."""
    return {
        "workflow_id": "wf-1",
        "data": {"transcript": "step output " * 9000, "count": 3,
                 "rows": [{"n": i, "text": "row %d" % i} for i in range(4000)]},
        "context": {"agent_context": "tokens " * 12000, "step": "summarise"},
    }


def large_fields(doc):
    return sorted(f"{s}.{k}" for s in ("data", "context") for k, v in doc[s].items()
                  if isinstance(v, dict) and v.get("_type") == "claim_check_ref")


class GoPackage(clitest.GoProgramTestCase):
    # The package and the Temporal stand-in from go_package/src; the AWS SDK
    # and uuid from Debian.
    go_target, go_path = "ccdriver", GOPATH_SRC

    def setUp(self):
        super().setUp()
        self.created = []  # keys to remove from the bucket afterwards
        self.runner_env = {"CLAIMCHECK_THRESHOLD_BYTES": str(THRESHOLD)}
        if MODE == "s3":
            s3 = s3_settings()
            self.bucket, self.s3 = s3.bucket, s3_client()
            self.runner_env.update(R2_BUCKET=s3.bucket, R2_ENDPOINT=s3.endpoint, R2_REGION=s3.region,
                                   R2_ACCESS_KEY_ID=s3.access_key, R2_SECRET_ACCESS_KEY=s3.secret_key)
            self.store_args, self.driver_args = [], []
        else:  # one directory: claimcheck's local store and the package's filesystem store
            store = self.path("store")
            self.store_args, self.driver_args = ["--store", store], ["-filesystem", store]

    def tearDown(self):
        if MODE == "s3" and self.created:
            self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in self.created]})
        super().tearDown()

    def settings(self, compression):
        return dict(self.runner_env, CLAIMCHECK_COMPRESSION_ENABLED="true" if compression else "false")

    def cc(self, compression, *args, stdin=b""):
        r = self.run_cc(*self.store_args, *args, stdin=stdin, env=dict(self.env, **self.settings(compression)))
        self.assertEqual(r.code, 0, f"claimcheck {' '.join(args)}: {r.err}")
        return r.out

    def go(self, compression, command, data):
        """Runs the package through ccdriver on `data`; returns its output bytes."""
        source, target = self.write("go-in", data), self.path("go-out")
        env = dict(PATH=os.environ["PATH"], HOME=self.tmp, **self.settings(compression))
        proc = subprocess.run([self.go_program, *self.driver_args, command, source, target], env=env,
                              capture_output=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        return self.read(target)

    def remember(self, reference):
        self.created.append(json.loads(reference)["key"])
        return reference

    def remember_fields(self, document):
        for field in large_fields(document):
            section, name = field.split(".")
            self.created.append(document[section][name]["key"])

    # ------------------------------------------------------ claimcheck -> Go

    def test_go_retrieves_every_claimcheck_offload_under_the_same_compression_setting(self):
        for compression in (True, False):
            for name, payload in PAYLOADS.items():
                with self.subTest(compression=compression, payload=name):
                    ref = self.remember(self.cc(compression, "offload", stdin=payload))
                    compressed = json.loads(ref)["compressed"]
                    # auto compresses text only; with compression off nothing is.
                    self.assertEqual(compressed, compression and name == "text")
                    self.assertEqual(self.go(compression, "retrieve", ref), payload)

    def test_a_go_runner_with_compression_on_reads_even_forced_compression(self):
        payload = PAYLOADS["random"]
        ref = self.remember(self.cc(True, "offload", "--compress", "always", stdin=payload))
        self.assertTrue(json.loads(ref)["compressed"])
        self.assertEqual(self.go(True, "retrieve", ref), payload)

    def test_breaking_the_rule_hands_a_go_runner_the_gzip_bytes(self):
        # Why README says to use the same CLAIMCHECK_COMPRESSION_ENABLED: a
        # runner with compression off ignores `compressed` and returns what
        # is stored, with no error.
        payload = PAYLOADS["text"]
        ref = self.remember(self.cc(True, "offload", stdin=payload))
        self.assertTrue(json.loads(ref)["compressed"])
        got = self.go(False, "retrieve", ref)
        self.assertNotEqual(got, payload)
        self.assertEqual(got[:2], b"\x1f\x8b")

    def test_go_restores_the_fields_claimcheck_offloaded_from_a_state_document(self):
        original = state_document()
        for compression in (True, False):
            with self.subTest(compression=compression):
                slim = json.loads(self.cc(compression, "offload", "--json-fields",
                                          stdin=json.dumps(original).encode()))
                self.remember_fields(slim)
                self.assertEqual(large_fields(slim), ["context.agent_context", "data.rows", "data.transcript"])
                restored = json.loads(self.go(compression, "retrieve-state", json.dumps(slim).encode()))
                self.assertEqual(restored, original)

    # ------------------------------------------------------ Go -> claimcheck

    def test_claimcheck_retrieves_and_verifies_every_go_offload(self):
        for compression in (True, False):
            for name, payload in PAYLOADS.items():
                with self.subTest(compression=compression, payload=name):
                    ref = self.remember(self.go(compression, "offload", payload))
                    self.assertEqual(json.loads(ref)["compressed"], compression)  # Go gzips everything
                    self.assertEqual(self.cc(compression, "retrieve", stdin=ref), payload)
                    # claimcheck's own setting does not matter when reading.
                    self.assertEqual(self.cc(not compression, "retrieve", stdin=ref), payload)
                    finding = json.loads(self.cc(compression, "inspect", "--verify", "--json", ref.decode()))["findings"][0]
                    self.assertEqual((finding["format"], finding["status"], finding["verified"]),
                                     ("go-runner", "ok", "size"))

    def test_claimcheck_restores_a_state_document_the_go_runner_slimmed(self):
        original = state_document()
        for compression in (True, False):
            with self.subTest(compression=compression):
                slim = json.loads(self.go(compression, "offload-state", json.dumps(original).encode()))
                self.remember_fields(slim)
                self.assertEqual(large_fields(slim), ["context.agent_context", "data.rows", "data.transcript"])
                restored = json.loads(self.cc(compression, "retrieve", "--json-fields",
                                              stdin=json.dumps(slim).encode()))
                self.assertEqual(restored, original)

    def test_below_the_threshold_both_sides_pass_the_payload_through(self):
        small = b'{"answer": 42}'
        self.assertEqual(self.go(True, "offload", small), small)
        self.assertEqual(self.cc(True, "offload", stdin=small), small)


if __name__ == "__main__":
    MODE = sys.argv.pop(2)
    if MODE == "s3":
        skip_without_s3()
    sys.exit(clitest.main(sys.argv, GoPackage))
