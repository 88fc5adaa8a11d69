"""The payload sizes of issue 3, round-tripped through the built binary on
the local store and on radosgw: empty, 1 byte, threshold-1 (these three pass
through unchanged), threshold (offloaded), 1 MiB text, 5 MiB random and
200 MiB. Usage: test_sizes.py CLAIMCHECK local|s3 (s3 exits 77 without the
CLAIMCHECK_TEST_S3_* variables unless CLAIMCHECK_TEST_REQUIRE_S3=1)."""
import hashlib
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CliTestCase, compressible  # noqa: E402
from claimcheck_test import S3, skip_without_s3  # noqa: E402

THRESHOLD = 51200  # the default, as the Go runner's
MODE = sys.argv.pop(2) if len(sys.argv) > 2 else "local"

SIZES = [
    ("empty", b"", False),
    ("1 byte", b"x", False),
    ("threshold-1", compressible(THRESHOLD - 1), False),
    ("threshold", compressible(THRESHOLD), True),
    ("1 MiB text", compressible(1 << 20), True),
    ("5 MiB random", os.urandom(5 << 20), True),
]


class SizeRoundTrips(CliTestCase):
    def setUp(self):
        super().setUp()
        self.store_args = []
        if MODE == "s3":
            self.env.update(AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"],
                            AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
            self.store_args = ["--store", f"s3://{S3['BUCKET']}/sizes-{uuid.uuid4().hex[:12]}/",
                               "--endpoint", S3["ENDPOINT"], "--region", S3["REGION"] or "us-east-1"]

    def round_trip(self, payload, offloaded):
        r = self.ok(*self.store_args, "offload", stdin=payload)
        if not offloaded:
            self.assertEqual(r.out, payload, "below the threshold: passed through unchanged")
        else:
            ref = json.loads(r.out)
            self.assertEqual(ref["size_bytes"], len(payload))
            self.assertEqual(ref["sha256"], hashlib.sha256(payload).hexdigest())
        back = self.ok(*self.store_args, "retrieve", stdin=r.out)
        self.assertEqual(back.out, payload)

    def test_sizes(self):
        for name, payload, offloaded in SIZES:
            with self.subTest(name):
                self.round_trip(payload, offloaded)

    def test_200_mib_through_files(self):
        payload = compressible(200 << 20)
        source = self.write("in.bin", payload)
        del payload
        ref_path, out_path = self.path("ref.json"), self.path("out.bin")
        self.ok(*self.store_args, "offload", source, "-o", ref_path)
        self.ok(*self.store_args, "retrieve", ref_path, "-o", out_path)
        with open(source, "rb") as a, open(out_path, "rb") as b:
            while True:
                x, y = a.read(1 << 20), b.read(1 << 20)
                self.assertEqual(x, y)
                if not x:
                    break


if __name__ == "__main__":
    if MODE == "s3":
        skip_without_s3()
    sys.exit(clitest.main(sys.argv, SizeRoundTrips))
