"""Interop with Temporal's own TypeScript S3 External Storage driver (npm
@temporalio/external-storage-s3, versions pinned in npm_interop/package.json
and package-lock.json) pointed at radosgw: the objects and references it
writes are found, verified and retrieved byte-exact by claimcheck, in each
payload form; the object tampered with after writing fails --verify (5).

The npm packages are installed here (npm ci, into a cache folder keyed by
the lock file, reused by later runs). Exit 77 (skipped) only when the npm
registry cannot be reached and nothing is cached; without an S3 server as
the other S3 tests do."""
import base64
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid

import extstore_common as common
from extstore_common import CliTestCase, forms_of, history, sha256
from claimcheck_test import S3, s3_client, skip_without_s3

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.join(HERE, "npm_interop")
NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH",
                  "network request", "request to http")


def install_packages():
    """node_modules for package-lock.json, in a cache folder reused across runs."""
    with open(os.path.join(PACKAGE_DIR, "package-lock.json"), "rb") as f:
        lock_hash = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    target = os.path.join(cache, "claimcheck-tests", "npm-interop-" + lock_hash)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(target, "node_modules", ".complete")):
            return target
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(PACKAGE_DIR, name), target)
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"],
                              cwd=target, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            output = proc.stdout + proc.stderr
            shutil.rmtree(target, ignore_errors=True)
            if any(marker in output for marker in NETWORK_ERRORS):
                print("skipped: the npm registry cannot be reached:\n" + output[-2000:])
                raise SystemExit(77)
            print("npm ci failed:\n" + output[-4000:])
            raise SystemExit(1)
        open(os.path.join(target, "node_modules", ".complete"), "w").close()
    return target


class NpmDriverInterop(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.packages = install_packages()
        cls.s3 = s3_client()
        cls.bucket = "npm-interop-" + uuid.uuid4().hex[:10]
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.out = os.path.join(cls.packages, "out-" + uuid.uuid4().hex[:8])
        os.makedirs(cls.out)
        env = dict(os.environ, S3_ENDPOINT=S3["ENDPOINT"], S3_ACCESS_KEY=S3["ACCESS_KEY"],
                   S3_SECRET_KEY=S3["SECRET_KEY"], S3_REGION=S3["REGION"] or "us-east-1",
                   BUCKET=cls.bucket, OUT=cls.out, NODE_PATH=os.path.join(cls.packages, "node_modules"))
        script = os.path.join(cls.packages, "write_objects.js")
        shutil.copy(os.path.join(PACKAGE_DIR, "write_objects.js"), script)  # resolves modules beside it
        proc = subprocess.run(["node", script], env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise AssertionError("the TypeScript driver failed:\n" + proc.stdout + proc.stderr)
        with open(os.path.join(cls.out, "result.json")) as f:
            cls.result = json.load(f)
        print("driver versions:", json.dumps(cls.result["versions"]), file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        self.store = ["--store", "s3://" + self.bucket, "--endpoint", S3["ENDPOINT"],
                      "--region", S3["REGION"] or "us-east-1"]

    def payloads(self, **want):
        return [p for p in self.result["payloads"] if all(p[k] == v for k, v in want.items())]

    def original(self, p):
        with open(p["data_file"], "rb") as f:
            return f.read()

    def test_driver_version_and_reference_shape(self):
        self.assertEqual(self.result["versions"]["@temporalio/external-storage-s3"], "1.22.0")
        for p in self.payloads(inline=False):
            data = json.loads(base64.b64decode(p["reference"]["data"]))
            self.assertEqual(data["driverName"], "aws.s3driver")
            self.assertEqual(data["claimData"]["bucket"], self.bucket)
            self.assertIn("hashValue", data["claimData"])  # 1.22.0's spelling
            self.assertTrue(data["claimData"]["key"].startswith("v0/ns/default/wt/NpmInteropWorkflow/wi/npm%20interop%2F1/ri/"))
        self.assertEqual([p["name"] for p in self.payloads(inline=True)], ["small"])

    def test_inspect_finds_and_verifies_the_history(self):
        path = self.write("history.json", {"events": self.result["history"]})
        report = json.loads(self.expect(0, *self.store, "inspect", "--json", path).out)
        self.assertEqual(report["summary"]["found"], 4)  # the inline payload is no reference
        self.assertEqual(report["summary"]["ok"], 4)
        for f in report["findings"]:
            self.assertEqual(f["format"], "temporal-external-storage")
            self.assertEqual(f["temporal"]["workflow_type"], "NpmInteropWorkflow")
            self.assertEqual(f["temporal"]["workflow_id"], "npm interop/1")
            self.assertEqual(f["size_bytes"], f["stored_bytes"])
        r = self.expect(5, *self.store, "inspect", "--verify", "--json", path)
        statuses = {f["key"]: (f["status"], f["verified"]) for f in json.loads(r.out)["findings"]}
        tampered_key = json.loads(base64.b64decode(self.payloads(tampered=True)[0]["reference"]["data"]))["claimData"]["key"]
        self.assertEqual(statuses.pop(tampered_key)[0], "corrupt")
        self.assertEqual(set(statuses.values()), {("ok", "sha256")})
        self.assertEqual(r.err_lines(), ["claimcheck: inspect: 1 corrupt of 4 references"])

    def test_retrieve_gives_the_original_bytes_in_every_form(self):
        for p in self.payloads(inline=False, tampered=False):
            for form, value in forms_of(p["reference"]).items():
                with self.subTest(name=p["name"], form=form):
                    out = self.expect(0, *self.store, "retrieve", self.write("ref.json", value)).out
                    self.assertEqual(sha256(out), sha256(self.original(p)))
                    self.assertEqual(len(out), len(self.original(p)))

    def test_tampered_object_fails_retrieve(self):
        [p] = self.payloads(tampered=True)
        self.expect_one_line(5, "sha256 of the stored object is", *self.store, "retrieve",
                             self.write("ref.json", p["reference"]))

    def test_json_fields_restores_the_history_written_by_the_sdk(self):
        good = [p for p in self.result["payloads"] if not p["tampered"]]
        doc = history({"payloads": [p["reference"] for p in good]})
        path = self.write("history.json", doc)
        restored = json.loads(self.expect(0, *self.store, "retrieve", "--json-fields", path).out)
        payloads = restored["events"][1]["activityTaskCompletedEventAttributes"]["result"]["payloads"]
        for p, restored_payload in zip(good, payloads):
            with self.subTest(p["name"]):
                if p["inline"]:
                    self.assertEqual(restored_payload, p["reference"])
                    continue
                self.assertEqual(base64.b64decode(restored_payload["metadata"]["encoding"]).decode(),
                                 p["stored_encoding"])
                if p["stored_encoding"] != "binary/zlib":
                    self.assertEqual(base64.b64decode(restored_payload["data"]), self.original(p))


if __name__ == "__main__":
    skip_without_s3()
    sys.exit(common.main(sys.argv, NpmDriverInterop))
