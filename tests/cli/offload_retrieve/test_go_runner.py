"""Go runner -> claimcheck, from what the Go runner's own package wrote.

go_runner/ holds data written by stigmer's Go package pkg/claimcheck
(workflow-runner, commit b070f18a) in an earlier run (test_go_package.py
runs the package itself, from go_package/): references, the objects its filesystem and R2 stores wrote, and
workflow state documents it slimmed with MaybeOffloadStateData, with its
compression on (gzip objects) and off (raw objects). manifest.json lists them
with the sha256 and size of each original payload.

claimcheck must read all of them byte for byte: `retrieve`, `inspect
--verify`, and `retrieve --json-fields` on the state documents. Run against
the local store (mode local: the objects laid out as the Go runner's
filesystem store lays them out, bare UUID files at the root) and against S3
(mode s3: the objects put at the bucket's root with no metadata, as the Go
runner's R2 store puts them).
usage: test_go_runner.py CLAIMCHECK local|s3"""
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CliTestCase  # noqa: E402
from claimcheck_test import S3, s3_client, skip_without_s3  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go_runner")
MODE = None  # "local" or "s3", from argv


def load_manifest():
    with open(os.path.join(DATA, "manifest.json")) as f:
        return json.load(f)


def data_file(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


class GoRunnerData(CliTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = load_manifest()
        self.keys = sorted(os.listdir(os.path.join(DATA, "objects")))
        if MODE == "s3":
            self.s3 = s3_client()
            for key in self.keys:  # bare UUIDs at the bucket's root, no metadata: as Go's R2 store
                self.s3.put_object(Bucket=S3["BUCKET"], Key=key, Body=data_file(os.path.join("objects", key)))
            self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
            self.store = ["--store", "s3://" + S3["BUCKET"], "--endpoint", S3["ENDPOINT"],
                          "--region", S3["REGION"] or "us-east-1"]
        else:  # the Go runner's filesystem store: <base>/<key>
            shutil.copytree(os.path.join(DATA, "objects"), self.path("go-store"))
            self.store = ["--store", "file://" + self.path("go-store")]

    def tearDown(self):
        if MODE == "s3":
            self.s3.delete_objects(Bucket=S3["BUCKET"], Delete={"Objects": [{"Key": k} for k in self.keys]})
        super().tearDown()

    def cases(self, kind):
        return [c for c in self.manifest if kind in c]

    def test_the_data_covers_both_stores_and_both_compression_settings(self):
        refs = {(c["store"], c["compression_enabled"]) for c in self.cases("reference")}
        states = {(c["store"], c["compression_enabled"]) for c in self.cases("state_out")}
        every = {(s, z) for s in ("filesystem", "r2") for z in (True, False)}
        self.assertEqual((refs, states), (every, every))

    def test_every_reference_is_retrieved_byte_for_byte(self):
        for case in self.cases("reference"):
            with self.subTest(case["name"]):
                ref = data_file(case["reference"])
                self.assertEqual(json.loads(ref)["compressed"], case["compression_enabled"])
                r = self.run_cc(*self.store, "retrieve", stdin=ref)
                self.assertEqual(r.code, 0, r.err)
                self.assertEqual((len(r.out), hashlib.sha256(r.out).hexdigest()), (case["size"], case["sha256"]))
                self.assertIn("verified by size only", r.err)  # Go writes no sha256

    def test_inspect_verify_finds_every_reference_ok(self):
        for case in self.cases("reference"):
            with self.subTest(case["name"]):
                r = self.run_cc(*self.store, "inspect", "--verify", "--json", os.path.join(DATA, case["reference"]))
                self.assertEqual(r.code, 0, r.err)
                finding = json.loads(r.out)["findings"][0]
                self.assertEqual((finding["format"], finding["status"], finding["verified"]),
                                 ("go-runner", "ok", "size"))

    def test_state_documents_are_restored_field_for_field(self):
        for case in self.cases("state_out"):
            with self.subTest(case["name"]):
                original = json.loads(data_file(case["state_in"]))
                slim_path = os.path.join(DATA, case["state_out"])
                slim = json.loads(data_file(case["state_out"]))
                offloaded = [(s, k) for s in ("data", "context") for k, v in slim[s].items()
                             if isinstance(v, dict) and v.get("_type") == "claim_check_ref"]
                self.assertEqual(len(offloaded), len(case["keys"]))
                r = self.run_cc(*self.store, "retrieve", "--json-fields", slim_path)
                self.assertEqual(r.code, 0, r.err)
                restored = json.loads(r.out)
                self.assertEqual((restored["data"], restored["context"]), (original["data"], original["context"]))
                # Each field comes back as exactly the JSON bytes the Go runner stored.
                check = self.run_cc(*self.store, "retrieve", stdin=json.dumps(slim[offloaded[0][0]][offloaded[0][1]]).encode())
                self.assertEqual(check.code, 0, check.err)
                self.assertIn(check.out, r.out)
                v = self.run_cc(*self.store, "inspect", "--verify", "--json", slim_path)
                self.assertEqual(v.code, 0, v.err)
                self.assertEqual({f["status"] for f in json.loads(v.out)["findings"]}, {"ok"})


if __name__ == "__main__":
    MODE = sys.argv.pop(2)
    if MODE == "s3":
        skip_without_s3()
    sys.exit(clitest.main(sys.argv, GoRunnerData))
