#!/usr/bin/python3
"""Hostile input, one table row each: every row must end with its documented
exit code (2 usage, 3 invalid input, 4 not found, 5 integrity, 6 store),
exactly one stderr line starting `claimcheck: `, no crash (no signal, no
sanitizer report), bounded time and bounded peak memory (measured per run).

Runs on the local store (HOME and XDG dirs in a temp dir); the S3 rows use an
unreachable endpoint, so no radosgw is needed.

Rows that fail because of a bug already reported carry `bug=` (owner and
what): they run only with --known-bugs (registered in meson as should_fail),
so the main table stays green while they stay visible.

usage: bad_input.py CLAIMCHECK_EXE [--known-bugs]
"""

import gzip
import json
import os
import sys
import tempfile
import zlib
from dataclasses import dataclass, field

from claimcheck_test import Claimcheck, Failures, sha256

USAGE, INVALID, NOT_FOUND, INTEGRITY, STORE = 2, 3, 4, 5, 6
MIB = 1 << 20
STORED_AT = "2026-01-09T13:24:00Z"
UNREACHABLE = "http://127.0.0.1:1"
MAX_LINE_BYTES = 4096         # an error line a terminal or a log can take
HUGE = "A" * 100000          # a value far past any line: once crashed the error printer
SANITIZER_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                     "LeakSanitizer", "terminate called", "Segmentation fault")


# Rows that fail today because of a bug reported to its owner (row name ->
# "owner: what"). They run only with --known-bugs; remove a line once fixed.
KNOWN_BUGS = {
}


@dataclass
class Row:
    name: str
    args: list
    expected: tuple            # acceptable exit codes (most rows: exactly one)
    stdin: bytes = b""
    env: dict = field(default_factory=dict)
    max_rss_mib: int = 96
    max_seconds: float = 20.0
    one_line: bool = True      # exactly one `claimcheck: ` line on stderr
    no_stdout: bool = True     # a failure prints nothing on stdout
    forbidden: tuple = ()      # strings that must not appear in the output (credentials)
    stdout_path: str = None    # e.g. /dev/full: output that cannot be written
    bug: str = None            # a reported bug makes this row fail today


def reference(key, size_bytes=100, compressed=False, **extra):
    ref = {"_type": "claim_check_ref", "key": key, "size_bytes": size_bytes,
           "compressed": compressed, "stored_at": STORED_AT}
    ref.update(extra)
    return json.dumps(ref).encode()


def raw_reference(text):
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text


def deep_nesting(levels, inner=b"1"):
    return b"[" * levels + inner + b"]" * levels


def deep_object_nesting(levels, inner):
    return b'{"a":' * levels + inner + b"}" * levels


def history_with_payload(encoding_b64, data_b64):
    event = {
        "eventId": "5", "eventType": "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
        "activityTaskCompletedEventAttributes": {
            "scheduledEventId": "4",
            "result": {"payloads": [{"metadata": {"encoding": encoding_b64}, "data": data_b64}]},
        },
    }
    return json.dumps({"events": [event]}).encode()


class StoreFixture:
    """Objects written straight into the local store directory, as the Go
    runner's filesystem store would (no sidecar), with references to them."""

    def __init__(self, store_dir):
        self.dir = store_dir
        self.bomb = None
        os.makedirs(store_dir, exist_ok=True)

    def put(self, key, data):
        path = os.path.join(self.dir, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def tampered(self):
        original = b"payload line\n" * 8000
        stored = bytearray(original)
        stored[5000] ^= 0x01
        self.put("hostile/tampered", bytes(stored))
        return reference("hostile/tampered", len(original), False, sha256=sha256(original))

    def misflagged_raw(self):
        original = b"raw bytes, not gzip\n" * 5000
        self.put("hostile/misflagged-raw", original)
        return reference("hostile/misflagged-raw", len(original), True, sha256=sha256(original))

    def misflagged_gzip(self):
        original = b"gzip bytes, flagged raw\n" * 5000
        self.put("hostile/misflagged-gzip", gzip.compress(original))
        return reference("hostile/misflagged-gzip", len(original), False, sha256=sha256(original))

    def wrong_size(self):
        original = b"short object\n" * 4000
        self.put("hostile/wrong-size", original)
        return reference("hostile/wrong-size", len(original) + 1, False, sha256=sha256(original))

    def truncated_gzip(self):
        original = os.urandom(64 * 1024).hex().encode()
        packed = gzip.compress(original)
        self.put("hostile/truncated-gzip", packed[: len(packed) // 2])
        return reference("hostile/truncated-gzip", len(original), True, sha256=sha256(original))

    def bad_crc(self):
        original = b"gzip with a wrong CRC-32 trailer\n" * 3000
        packed = bytearray(gzip.compress(original))
        packed[-8] ^= 0xFF  # the trailer is CRC-32 then ISIZE
        self.put("hostile/bad-crc", bytes(packed))
        return reference("hostile/bad-crc", len(original), True, sha256=sha256(original))

    def gzip_bomb(self):
        """About 1 MB of gzip that inflates to 1 GiB of zeros; the reference
        claims 1000 bytes."""
        if self.bomb is None:
            self.bomb = self.write_bomb()
        return self.bomb

    def write_bomb(self):
        encoder = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(MIB)
        chunks = [encoder.compress(zeros) for _ in range(1024)]
        chunks.append(encoder.flush())
        self.put("hostile/gzip-bomb", b"".join(chunks))
        return reference("hostile/gzip-bomb", 1000, True, sha256=sha256(bytes(1000)))

    def intact(self):
        original = b"an intact object\n" * 4000
        self.put("hostile/intact", original)
        return reference("hostile/intact", len(original), False, sha256=sha256(original))


def reference_rows():
    """A reference on stdin to `retrieve --strict`: each malformed field is 3."""
    strict = ["retrieve", "--strict"]
    good = dict(_type="claim_check_ref", key="hostile/x", size_bytes=10, compressed=False,
                stored_at=STORED_AT)

    def with_field(name, value):
        ref = dict(good)
        if value is DELETE:
            del ref[name]
        else:
            ref[name] = value
        return json.dumps(ref).encode()

    rows = [
        Row("truncated reference JSON", strict, (INVALID,), stdin=reference("hostile/x")[:-9]),
        Row("empty input", strict, (INVALID,), stdin=b""),
        Row("JSON that is not a reference", strict, (INVALID,), stdin=b'{"hello":"world"}'),
        Row("two references back to back", strict, (INVALID,),
            stdin=reference("hostile/x") + reference("hostile/y")),
        Row("_type of the wrong type", strict, (INVALID,), stdin=with_field("_type", 7)),
        Row("key is a number", strict, (INVALID,), stdin=with_field("key", 12345)),
        Row("key is null", strict, (INVALID,), stdin=with_field("key", None)),
        Row("key missing", strict, (INVALID,), stdin=with_field("key", DELETE)),
        Row("key empty", strict, (INVALID,), stdin=with_field("key", "")),
        Row("size_bytes is a string", strict, (INVALID,), stdin=with_field("size_bytes", "10")),
        Row("size_bytes negative", strict, (INVALID,), stdin=with_field("size_bytes", -5)),
        Row("size_bytes 1e30", strict, (INVALID,),
            stdin=with_field("size_bytes", 0).replace(b'"size_bytes": 0', b'"size_bytes": 1e30')),
        Row("size_bytes 2^64", strict, (INVALID,),
            stdin=with_field("size_bytes", 18446744073709551616)),
        Row("size_bytes fractional", strict, (INVALID,), stdin=with_field("size_bytes", 1.5)),
        Row("size_bytes missing", strict, (INVALID,), stdin=with_field("size_bytes", DELETE)),
        Row("compressed is a string", strict, (INVALID,), stdin=with_field("compressed", "true")),
        Row("stored_at is a number", strict, (INVALID,), stdin=with_field("stored_at", 1700000000)),
        Row("stored_at is not a date", strict, (INVALID,), stdin=with_field("stored_at", "yesterday")),
        Row("sha256 not hex", strict, (INVALID,), stdin=with_field("sha256", "z" * 64)),
        Row("sha256 too short", strict, (INVALID,), stdin=with_field("sha256", "ab" * 10)),
        Row("sha256 is a number", strict, (INVALID,), stdin=with_field("sha256", 42)),
        Row("key with ../ escaping the store", ["retrieve"], (INVALID,),
            stdin=reference("../../../etc/passwd")),
        Row("key with a/../../ inside", ["retrieve"], (INVALID,), stdin=reference("a/../../x")),
        Row("absolute key", ["retrieve"], (INVALID,), stdin=reference("/etc/passwd")),
        Row("key with NUL (\\u0000)", ["retrieve"], (INVALID,), stdin=reference("a\u0000b")),
        Row("key of 2 KB", ["retrieve"], (INVALID,), stdin=reference("k" * 2048)),
        Row("key with control character", ["retrieve"], (INVALID,), stdin=reference("a\u0007b")),
        Row("key with escape sequence", ["retrieve"], (INVALID,),
            stdin=reference("a\u001b[31mred")),
        Row("invalid UTF-8 in the key", strict, (INVALID,),
            stdin=reference("placeholder").replace(b"placeholder", b"bad\xff\xfekey")),
        Row("reference to another store (S3 bucket)", ["retrieve"], (INVALID,),
            stdin=reference("hostile/intact", 10, store="s3://somebody-elses-bucket")),
        Row("reference to another local store", ["retrieve"], (INVALID,),
            stdin=reference("hostile/intact", 10, store="file:///somewhere/else")),
        Row("TypeScript reference with ../ key", ["retrieve"], (INVALID,),
            stdin=b'{"key":"../../outside","size":10,"compressed":false}'),
        Row("TypeScript reference with size 1e30", strict, (INVALID,),
            stdin=b'{"key":"claimcheck/x","size":1e30,"compressed":false}'),
    ]
    return rows


DELETE = object()


def store_rows(fixture):
    return [
        Row("missing object", ["retrieve"], (NOT_FOUND,),
            stdin=reference("hostile/never-written", 10, sha256="0" * 64)),
        Row("tampered object", ["retrieve"], (INTEGRITY,), stdin=fixture.tampered()),
        Row("object flagged compressed but raw", ["retrieve"], (INTEGRITY,),
            stdin=fixture.misflagged_raw()),
        Row("object flagged raw but gzip", ["retrieve"], (INTEGRITY,),
            stdin=fixture.misflagged_gzip()),
        Row("size_bytes does not match the object", ["retrieve"], (INTEGRITY,),
            stdin=fixture.wrong_size()),
        Row("truncated gzip object", ["retrieve"], (INTEGRITY,), stdin=fixture.truncated_gzip()),
        Row("gzip object with a wrong CRC-32", ["retrieve"], (INTEGRITY,), stdin=fixture.bad_crc()),
        Row("gzip bomb (1 MB -> 1 GiB) claiming 1000 bytes", ["retrieve"], (INTEGRITY,),
            stdin=fixture.gzip_bomb(), max_seconds=10.0),
        Row("gzip bomb with -o", ["retrieve", "-o", "bomb.out"], (INTEGRITY,),
            stdin=fixture.gzip_bomb(), max_seconds=10.0),
    ]


def document_rows(root):
    big_path = os.path.join(root, "big.json")
    huge_key = b'{"_type":"claim_check_ref","key":"' + b"k" * (50 * MIB) + \
        b'","size_bytes":5,"compressed":false,"stored_at":"' + STORED_AT.encode() + b'"}'
    with open(big_path, "wb") as f:
        f.write(huge_key)
    bad_ref = b'{"_type":"claim_check_ref","key":"k","size_bytes":-1,"compressed":false}'
    deep_ref = reference("hostile/deep", 10)
    # base64 of "binary/claimcheck" (the TypeScript runner's encoding)
    ts_encoding = "YmluYXJ5L2NsYWltY2hlY2s="
    return [
        # An input that is not JSON is a finding of the report (unreadable, invalid).
        Row("inspect: not JSON", ["inspect", "-"], (INVALID,), stdin=b"this is not json {", no_stdout=False),
        Row("inspect: truncated JSON", ["inspect", "-"], (INVALID,),
            stdin=b'{"data":{"a":' + reference("x")[:20], no_stdout=False),
        Row("inspect: invalid UTF-8", ["inspect", "-"], (INVALID,),
            stdin=b'{"data":"\xff\xfe\xfd"}', no_stdout=False),
        Row("inspect: malformed claim_check_ref inside a document", ["inspect", "--offline", "-"],
            (INVALID,), stdin=b'{"data":{"photos":' + bad_ref + b"}}", no_stdout=False),
        Row("inspect: base64 garbage in a history payload", ["inspect", "--offline", "-"],
            (INVALID,), stdin=history_with_payload(ts_encoding, "%%%not*base64!!!"), no_stdout=False),
        Row("inspect: base64 data that decodes to garbage", ["inspect", "--offline", "-"],
            (INVALID,), stdin=history_with_payload(ts_encoding, "////+++/AAECAwQF"), no_stdout=False),
        Row("inspect: 10,000 nested arrays", ["inspect", "--offline", "-"], (0, INVALID),
            stdin=deep_nesting(10000), no_stdout=False),
        Row("inspect: reference under 10,000 nested objects", ["inspect", "--offline", "-"],
            (0, INVALID), stdin=deep_object_nesting(10000, deep_ref), no_stdout=False),
        Row("retrieve --json-fields: 10,000 nested arrays", ["retrieve", "--json-fields"],
            (0, INVALID), stdin=deep_nesting(10000), no_stdout=False),
        Row("offload --json-fields: 10,000 nested objects", ["offload", "--json-fields"],
            (0, INVALID), stdin=deep_object_nesting(10000, b"1"), no_stdout=False),
        Row("offload --json-fields: not JSON", ["offload", "--json-fields"], (INVALID,),
            stdin=b"[1,2,"),
        Row("retrieve --json-fields: not JSON", ["retrieve", "--json-fields"], (INVALID,),
            stdin=b"{{{"),
        Row("inspect: 50 MB single-line reference (key too long)", ["inspect", "--offline", big_path],
            (INVALID,), max_rss_mib=512, max_seconds=60.0, no_stdout=False),
        Row("retrieve --strict: 50 MB single-line JSON", ["retrieve", "--strict", big_path],
            (INVALID,), max_seconds=30.0),
        Row("retrieve: 50 MB single-line reference", ["retrieve", big_path],
            (0, INVALID), max_seconds=30.0, no_stdout=False, one_line=False),
    ]


def full_disk_rows(fixture):
    """stdout on a full disk: the output is lost, so the command must fail
    (1: an unexpected system failure), never report success."""
    intact = fixture.intact()
    rows = [
        ("offload (reference lost)", ["offload", "--force"], b"payload " * 20000),
        ("offload pass-through", ["offload"], b"small"),
        ("retrieve", ["retrieve"], intact),
        ("inspect", ["inspect", "--offline", "-"], intact),
        ("gc --dry-run", ["gc", "--dry-run", "--as-of", "+400d"], b""),
        ("stats", ["stats"], b""),
    ]
    return [Row("stdout full: " + name, args, (1,), stdin=stdin, stdout_path="/dev/full")
            for name, args, stdin in rows]


def flag_rows():
    return [
        Row("unknown option", ["offload", "--bogus"], (USAGE,)),
        Row("unknown command", ["frobnicate"], (USAGE,)),
        Row("--threshold xyz", ["offload", "--threshold", "xyz"], (USAGE,), stdin=b"x"),
        Row("--threshold negative", ["offload", "--threshold=-1"], (USAGE,), stdin=b"x"),
        Row("--threshold overflowing", ["offload", "--threshold", "99999999999999999999999"],
            (USAGE,), stdin=b"x"),
        Row("--level 42", ["offload", "--level", "42"], (USAGE,), stdin=b"x"),
        Row("--level abc", ["offload", "--level", "abc"], (USAGE,), stdin=b"x"),
        Row("--compress maybe", ["offload", "--compress", "maybe"], (USAGE,), stdin=b"x"),
        Row("--ttl -5d", ["offload", "--ttl=-5d"], (USAGE,), stdin=b"x"),
        Row("--ttl banana", ["offload", "--ttl", "banana"], (USAGE,), stdin=b"x"),
        # Past ~2262 a nanosecond clock overflows: the expiry would wrap into the past.
        Row("--ttl 3000000d (beyond the clock)", ["offload", "--force", "--ttl", "3000000d"], (USAGE,),
            stdin=b"x"),
        Row("--ttl 300000w (wraps into the past)", ["offload", "--force", "--ttl", "300000w"],
            (USAGE,), stdin=b"x"),
        Row("--prefix with ../", ["offload", "--force", "--prefix", "../escape/"], (USAGE, INVALID),
            stdin=b"x"),
        Row("--prefix absolute", ["offload", "--force", "--prefix", "/abs/"], (USAGE, INVALID),
            stdin=b"x"),
        Row("--prefix of 1100 bytes", ["offload", "--force", "--prefix", "p" * 1100 + "/"],
            (USAGE, INVALID), stdin=b"x"),
        Row("gc --limit -1", ["gc", "--limit=-1"], (USAGE,)),
        Row("--depth without --json-fields", ["offload", "--depth", "2"], (USAGE,), stdin=b"x"),
        Row("retrieve -j 0", ["retrieve", "--json-fields", "-j", "0"], (USAGE,), stdin=b"{}"),
        Row("option missing its value", ["offload", "--threshold"], (USAGE,), stdin=b"x"),
        Row("gc --as-of garbage", ["gc", "--as-of", "garbage"], (USAGE,)),
        Row("stats --since banana", ["stats", "--since", "banana"], (USAGE,)),
        Row("offload: input is a directory", ["offload", "/"], (USAGE, INVALID)),
        Row("offload: input file missing", ["offload", "/nonexistent/input"], (USAGE, INVALID)),
        Row("offload -o into a missing directory", ["offload", "-o", "/nonexistent/dir/ref.json"],
            (USAGE, INVALID), stdin=b"x" * 100000),
        Row("retrieve -o into a missing directory", ["retrieve", "-o", "/nonexistent/dir/out"],
            (USAGE, INVALID), stdin=b"not a reference"),
        Row("unknown --store scheme", ["--store", "ftp://example/x", "offload", "--force"],
            (USAGE,), stdin=b"payload"),
        Row("--store of 100,000 bytes", ["--store", "s3://" + HUGE, "retrieve"], (USAGE,),
            stdin=b"x"),
        Row("--prefix of 100,000 bytes", ["offload", "--force", "--prefix", HUGE], (USAGE, INVALID),
            stdin=b"x"),
    ]


def s3_with(**changes):
    """An S3 configuration with credentials, pointing nowhere, changed by `changes`."""
    env = {"CLAIMCHECK_STORE": "s3://bucket", "AWS_ENDPOINT_URL_S3": UNREACHABLE,
           "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-for-bad-input",
           "AWS_REGION": "us-east-1"}
    env.update(changes)
    return env


def environment_rows(root):
    bad_key = os.path.join(root, "config-unknown-key")
    with open(bad_key, "w") as f:
        f.write("# a config with a typo\nthreshhold = 10\n")
    bad_value = os.path.join(root, "config-bad-value")
    with open(bad_value, "w") as f:
        f.write("threshold = 12xyz\n")
    s3_no_credentials = {"CLAIMCHECK_STORE": "s3://bucket", "AWS_ENDPOINT_URL_S3": UNREACHABLE}
    return [
        Row("CLAIMCHECK_THRESHOLD_BYTES=12xyz", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_THRESHOLD_BYTES": "12xyz"}),
        Row("CLAIMCHECK_THRESHOLD_BYTES=-3", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_THRESHOLD_BYTES": "-3"}),
        Row("CLAIMCHECK_THRESHOLD_BYTES of 100,000 bytes", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_THRESHOLD_BYTES": HUGE}),
        Row("CLAIMCHECK_TTL_DAYS=abc", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_TTL_DAYS": "abc"}),
        Row("CLAIMCHECK_TTL_DAYS=3000000", ["offload", "--force"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_TTL_DAYS": "3000000"}),
        Row("CLAIMCHECK_ENABLED=maybe", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_ENABLED": "maybe"}),
        Row("CLAIMCHECK_COMPRESSION_ENABLED=perhaps", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_COMPRESSION_ENABLED": "perhaps"}),
        Row("CLAIMCHECK_CONFIG names a missing file", ["offload"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_CONFIG": os.path.join(root, "no-such-config")}),
        Row("config file with an unknown key", ["--config", bad_key, "offload"], (USAGE,),
            stdin=b"x"),
        Row("config file with a bad value", ["--config", bad_value, "offload"], (USAGE,),
            stdin=b"x"),
        Row("CLAIMCHECK_STORE=ftp://x", ["offload", "--force"], (USAGE,), stdin=b"x",
            env={"CLAIMCHECK_STORE": "ftp://x"}),
        Row("S3 store without credentials", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_no_credentials),
        Row("endpoint with user:password", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http://AKID:TOPSECRETPW@127.0.0.1:1"),
            forbidden=("TOPSECRETPW",)),
        # A password holding '@' is all redacted (its tail after the first '@'
        # was shown), and so is one in a value that is no URL.
        Row("endpoint with a password holding '@'", ["-vv", "offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http://AKID:TOP@SECRETTAIL@127.0.0.1:1"),
            forbidden=("SECRETTAIL", "TOP@"), one_line=False),
        Row("endpoint http:/ with user:password", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http:/AKID:TOPSECRETPW@127.0.0.1:1"), forbidden=("TOPSECRETPW",)),
        Row("endpoint without scheme, with user:password", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="AKID:TOPSECRETPW@127.0.0.1:1"), forbidden=("TOPSECRETPW",)),
        Row("endpoint with a password holding '/'", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="https://AKID:TOPSECRET/PWTAIL@127.0.0.1"),
            forbidden=("TOPSECRET", "PWTAIL")),
        Row("container credentials URI with a password holding '@'", ["-vv", "offload", "--force"], (USAGE,),
            stdin=b"x", env={"CLAIMCHECK_STORE": "s3://bucket", "AWS_ENDPOINT_URL_S3": UNREACHABLE,
                             "AWS_REGION": "us-east-1",
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://u:TOP@SECRETTAIL@127.0.0.1:1/c"},
            forbidden=("SECRETTAIL", "TOP@"), one_line=False),
        Row("endpoint without host", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http://")),
        Row("endpoint with a path", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http://127.0.0.1:1/some/path")),
        Row("endpoint port out of range", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="http://127.0.0.1:99999")),
        Row("endpoint not a URL", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_ENDPOINT_URL_S3="not a url")),
        Row("region with a space", ["offload", "--force"], (USAGE,), stdin=b"x",
            env=s3_with(AWS_REGION="us east 1")),
        Row("region with a newline (header injection)", ["offload", "--force"], (USAGE,),
            stdin=b"x", env=s3_with(AWS_REGION="us-east-1\nX-Injected: 1")),
    ]


def unreachable_rows():
    env = {"CLAIMCHECK_STORE": "s3://bucket", "AWS_ENDPOINT_URL_S3": UNREACHABLE,
           "AWS_ACCESS_KEY_ID": "AKIDUNREACHABLE", "AWS_SECRET_ACCESS_KEY": "unreachable-secret",
           "AWS_REGION": "us-east-1"}
    ref = reference("claimcheck/unreachable", 10, sha256="0" * 64, store="s3://bucket")
    other_bucket = reference("claimcheck/x", 10, sha256="0" * 64, store="s3://other-bucket")
    return [
        Row("reference to another bucket (S3 store)", ["retrieve"], (INVALID,), stdin=other_bucket,
            env=env),
        Row("unreachable endpoint: offload", ["offload", "--force"], (STORE,), stdin=b"payload",
            env=env, max_seconds=60.0),
        Row("unreachable endpoint: retrieve", ["retrieve"], (STORE,), stdin=ref, env=env,
            max_seconds=60.0),
        Row("unreachable endpoint: inspect", ["inspect", "-"], (STORE,), stdin=ref, env=env,
            max_seconds=60.0, no_stdout=False),
        Row("unreachable endpoint: gc", ["gc"], (STORE,), env=env, max_seconds=60.0,
            no_stdout=False),
        Row("unreachable endpoint: stats", ["stats", "--storage"], (STORE,), env=env,
            max_seconds=60.0, no_stdout=False),
    ]


def claimcheck_lines(run):
    return [line for line in run.stderr_lines() if line.startswith("claimcheck: ")]


def check_row(failures, row, run, claimcheck):
    where = "[{}] {}".format(row.name, run.describe())
    passed = True
    passed &= failures.check(not run.timed_out, "timed out: " + where)
    passed &= failures.check(run.returncode >= 0, "killed by signal {}: {}".format(-run.returncode, where))
    passed &= failures.check(run.returncode in row.expected,
                             "exit {} expected {}: {}".format(run.returncode, row.expected, where))
    passed &= failures.check(not any(m in run.stderr_text for m in SANITIZER_MARKERS),
                             "crash report on stderr: " + where)
    passed &= failures.check(claimcheck.sanitized or run.max_rss_kib <= row.max_rss_mib * 1024,
                             "peak memory {} MiB > {} MiB: {}".format(
                                 run.max_rss_kib // 1024, row.max_rss_mib, where))
    max_seconds = row.max_seconds * claimcheck.time_factor
    passed &= failures.check(run.seconds <= max_seconds,
                             "took {:.1f}s > {}s: {}".format(run.seconds, max_seconds, where))
    if run.returncode != 0 and row.one_line:
        lines = run.stderr_lines()
        passed &= failures.check(len(lines) == 1 and lines[0].startswith("claimcheck: "),
                                 "want exactly one 'claimcheck: ' stderr line: " + where)
    passed &= failures.check(all(len(line) <= MAX_LINE_BYTES for line in run.stderr.split(b"\n")),
                             "a stderr line over {} bytes: {}".format(MAX_LINE_BYTES, where))
    output = run.stdout + run.stderr
    for secret in row.forbidden:
        passed &= failures.check(secret.encode() not in output,
                                 "{!r} appears in the output: {}".format(secret, where))
    if run.returncode != 0 and row.no_stdout:
        passed &= failures.check(run.stdout == b"", "failure printed on stdout: " + where)
    return passed


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--known-bugs"]):
        print(__doc__)
        return 2
    known_bugs = sys.argv[2:] == ["--known-bugs"]
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-bad-input-") as root:
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root)
        fixture = StoreFixture(claimcheck.local_store_dir)
        rows = (reference_rows() + store_rows(fixture) + full_disk_rows(fixture)
                + document_rows(root) + flag_rows()
                + environment_rows(root) + unreachable_rows())
        for row in rows:
            row.bug = row.bug or KNOWN_BUGS.get(row.name)
        skipped = [row for row in rows if (row.bug is not None) != known_bugs]
        rows = [row for row in rows if (row.bug is not None) == known_bugs]
        passed = 0
        if claimcheck.sanitized:
            print("sanitizer build: time bounds x{}, peak memory not checked".format(
                claimcheck.time_factor))
        for number, row in enumerate(rows, 1):
            run = claimcheck.run(row.args, stdin_bytes=row.stdin, env=row.env,
                                 timeout=max(row.max_seconds * 3, 30), stdout_path=row.stdout_path)
            ok = check_row(failures, row, run, claimcheck)
            passed += ok
            print("{:3d} {} {:55s} exit {} ({} MiB, {:.2f}s){}".format(
                number, "ok  " if ok else "FAIL", row.name[:55], run.returncode,
                run.max_rss_kib // 1024, run.seconds, "  [bug: {}]".format(row.bug) if row.bug else ""),
                flush=True)
        leftover = os.path.join(root, "bomb.out")
        failures.check(not os.path.exists(leftover), "a failed retrieve -o left its output file")
        failures.finish("bad-input table{}: {} rows, {} passed ({} rows {})".format(
            " (known bugs)" if known_bugs else "", len(rows), passed, len(skipped),
            "without a known bug not run" if known_bugs else "with a known bug run separately"))


if __name__ == "__main__":
    sys.exit(main())
