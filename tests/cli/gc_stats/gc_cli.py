"""Shared helpers for the end-to-end tests of `claimcheck gc` and `stats`:
run the built binary against a local directory store or a real S3 server,
write claimcheck objects (through `claimcheck offload`) and foreign ones
(bare UUID keys, as the Go runner writes them), and read the store directly
to check what is really there."""
import datetime
import json
import os
import re
import shutil
import subprocess
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
from claimcheck_test import S3, Result, TempHomeTestCase, s3_client, skip_without_s3  # noqa: F401

BINARY = None  # set by each test script from argv[1]
PROXY = os.path.join(HERE, "..", "..", "tools", "counting_proxy.py")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def rfc3339(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def layout_key(prefix, expires):
    """claimcheck's key layout: `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`, the expiry."""
    e = expires.astimezone(datetime.timezone.utc)
    return f"{prefix}{e:%Y-%m-%d}/{e:%H%M%S}Z-{uuid.uuid4()}"


class LocalBackend:
    """The directory store: `<dir>/<key>` is the object, `<key>.meta.json` its sidecar."""

    def __init__(self, root):
        self.dir = os.path.join(root, "store")
        os.makedirs(self.dir)
        self.global_args = ["--store", "file://" + self.dir]
        self.env = {}

    def put_foreign(self, key, data, age=datetime.timedelta(0)):
        path = os.path.join(self.dir, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        when = (utc_now() - age).timestamp()
        os.utime(path, (when, when))

    def set_age(self, key, age):
        when = (utc_now() - age).timestamp()
        os.utime(os.path.join(self.dir, key), (when, when))

    def keys(self, prefix):
        found = set()
        for base, _, files in os.walk(self.dir):
            for name in files:
                key = os.path.relpath(os.path.join(base, name), self.dir)
                if key.startswith(prefix) and not key.endswith(".meta.json"):
                    found.add(key)
        return found

    def all_files(self):
        return {os.path.relpath(os.path.join(b, n), self.dir)
                for b, _, files in os.walk(self.dir) for n in files}


class S3Backend:
    """A bucket on the test server, seen through botocore (not through claimcheck)."""

    def __init__(self, bucket=None):
        self.bucket = bucket or S3["BUCKET"]
        self.region = S3["REGION"] or "us-east-1"
        self.client = s3_client()
        self.global_args = self.args_for(S3["ENDPOINT"])
        self.env = {"AWS_ACCESS_KEY_ID": S3["ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY": S3["SECRET_KEY"]}

    def args_for(self, endpoint):
        return ["--store", "s3://" + self.bucket, "--endpoint", endpoint, "--region", self.region]

    def put_foreign(self, key, data, age=datetime.timedelta(0)):
        assert age == datetime.timedelta(0), "S3 sets LastModified itself"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def put_many(self, keys, data=b"x", threads=16):
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda k: self.client.put_object(Bucket=self.bucket, Key=k, Body=data), keys))

    def delete_all(self, prefix):
        keys = sorted(self.keys(prefix))
        for i in range(0, len(keys), 1000):
            self.client.delete_objects(Bucket=self.bucket,
                                       Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})

    def keys(self, prefix):
        found, token = set(), None
        while True:
            args = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                args["ContinuationToken"] = token
            page = self.client.list_objects_v2(**args)
            found.update(o["Key"] for o in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return found
            token = page["NextContinuationToken"]


class GcTestCase(TempHomeTestCase):
    """Fresh HOME/XDG directories and journal per test; `self.backend` is set by subclasses."""

    tmp_prefix = "cc-gc-"

    def setUp(self):
        super().setUp()
        self.journal_dir = os.path.join(self.tmp, "journal")
        self.env["CLAIMCHECK_JOURNAL_DIR"] = self.journal_dir
        self.prefix = f"gc-test-{uuid.uuid4().hex[:12]}/"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run_cc(self, *args, stdin=b"", global_args=None):
        env = dict(self.env, **self.backend.env)
        argv = [BINARY, *(self.backend.global_args if global_args is None else global_args), *args]
        return Result(subprocess.run(argv, input=stdin, capture_output=True, env=env, timeout=600),
                      text=True)

    def ok(self, *args, **kw):
        r = self.run_cc(*args, **kw)
        self.assertEqual(r.code, 0, f"claimcheck {' '.join(args)} failed: {r.err}")
        return r

    def fails(self, code, *args, **kw):
        r = self.run_cc(*args, **kw)
        self.assertEqual(r.code, code, f"expected exit {code}: {r.out} {r.err}")
        lines = [line for line in r.err.split("\n") if line]
        self.assertEqual(len(lines), 1, f"expected one error line: {r.err!r}")
        self.assertTrue(lines[0].startswith("claimcheck: "))
        return lines[0]

    def offload(self, payload, ttl):
        """A claimcheck object through the real command; returns its reference."""
        r = self.ok("offload", "--force", "--ttl", ttl, "--prefix", self.prefix, stdin=payload)
        return json.loads(r.out)

    def retrieve(self, ref):
        return self.ok("retrieve", stdin=json.dumps(ref).encode()).out.encode()

    def gc(self, *args, expect=0, global_args=None):
        r = self.run_cc("gc", "--prefix", self.prefix, *args, global_args=global_args)
        self.assertEqual(r.code, expect, f"gc {args}: {r.out} {r.err}")
        return r


# The Prometheus text exposition format (0.0.4), checked from its rules.
METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*,?)?\})? '
                    r'([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)( -?\d+)?')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_prometheus(text):
    """Returns ({series: value}, {family: type}); raises AssertionError on a format violation."""
    assert text.endswith("\n"), "exposition must end with a newline"
    samples, types, described, done, current = {}, {}, set(), set(), None
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                assert METRIC.fullmatch(parts[2]), f"bad metric name: {line}"
                if parts[1] == "TYPE":
                    assert len(parts) == 4 and parts[3] in TYPES, f"bad TYPE: {line}"
                    assert parts[2] not in types, f"second TYPE: {line}"
                    assert parts[2] not in done and parts[2] != current, f"TYPE after samples: {line}"
                    types[parts[2]] = parts[3]
                described.add(parts[2])
            continue
        m = SAMPLE.fullmatch(line)
        assert m, f"bad sample line: {line}"
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        family = name
        for suffix in ("_sum", "_count", "_bucket"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and types.get(base) in ("summary", "histogram"):
                family = base
        assert family in described, f"sample before HELP/TYPE: {line}"
        assert family == current or family not in done, f"family split: {line}"
        if family != current:
            done.add(current)
            current = family
        if types.get(family) == "summary" and name == family:
            assert 'quantile="' in labels, f"summary sample without quantile: {line}"
        assert name + labels not in samples, f"duplicate series: {line}"
        samples[name + labels] = float(value.replace("Inf", "inf"))
    return samples, types
