"""End-to-end: what `offload --level N` stores is one standard gzip member at
every level, read by `gzip -t`, `gunzip` and Go's compress/gzip (the Go
runner's reader), and levels 1-3 are ISA-L's deflate while 4-9 are zlib's,
as `--version` says.

Usage: test_gzip_levels.py CLAIMCHECK GO_GUNZIP_SOURCE HAVE_ISAL(true|false)
"""
import json
import os
import re
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import compressible  # noqa: E402

HAVE_ISAL = None
GZIP_HEADER, GZIP_TRAILER = 10, 8


class GzipLevelTests(clitest.GoProgramTestCase):
    """go_target, set from argv: a gunzip written with Go's own compress/gzip."""

    def stored(self, payload, level):
        source = self.write("payload.txt", payload)
        ref = json.loads(self.ok("offload", "--compress", "always", "--level", str(level), source).out)
        self.assertTrue(ref["compressed"])
        return ref, self.object_path(ref["key"])

    def test_version_names_the_engine_of_each_level(self):
        line = self.ok("--version").out.decode().splitlines()[1]
        if HAVE_ISAL:
            self.assertRegex(line, r"^gzip: levels 1-3 ISA-L \d+\.\d+\.\d+, levels 4-9 zlib [\d.]+; "
                                   r"gunzip ISA-L \d+\.\d+\.\d+$")
        else:
            self.assertRegex(line, r"^gzip: levels 1-9 zlib [\d.]+; gunzip zlib [\d.]+$")

    def test_every_level_is_one_gzip_member_that_gzip_gunzip_and_go_read(self):
        # 200 KB is deflated by one thread, 1 MiB in two blocks in memory,
        # 6 MiB by the streaming parallel encoder.
        for size in (200_000, 1 << 20, 6 << 20):
            payload = compressible(size)
            for level in range(1, 10):
                with self.subTest(size=size, level=level):
                    ref, path = self.stored(payload, level)
                    self.assertEqual(subprocess.run(["gzip", "-t", path]).returncode, 0)
                    gunzipped = subprocess.run(["gunzip", "-c", path], capture_output=True, check=True).stdout
                    self.assertEqual(gunzipped, payload)
                    with open(path, "rb") as stored:
                        go = subprocess.run([self.go_program], stdin=stored, capture_output=True)
                    self.assertEqual(go.returncode, 0, go.stderr)
                    self.assertEqual(go.stdout, payload)
                    self.assertEqual(self.ok("retrieve", stdin=json.dumps(ref).encode()).out, payload)

    def test_go_reader_refuses_what_is_not_one_member(self):
        # The Go check is not vacuous: two members, or a cut member, fail it.
        payload = compressible(100_000)
        _, path = self.stored(payload, 1)
        member = self.read(path)
        for bad in (member + member, member[:-3]):
            go = subprocess.run([self.go_program], input=bad, capture_output=True)
            self.assertEqual(go.returncode, 1)

    def test_levels_1_to_3_are_isal_and_4_to_9_are_zlib(self):
        # One thread deflates 200 KB, so zlib's stream at the same level is
        # byte-identical when zlib did the work, and never when ISA-L did.
        payload = compressible(150_000) + os.urandom(2_000) + compressible(50_000)
        for level in range(1, 10):
            with self.subTest(level=level):
                _, path = self.stored(payload, level)
                stored = self.read(path)
                body = stored[GZIP_HEADER:-GZIP_TRAILER]
                deflater = zlib.compressobj(level, zlib.DEFLATED, -15, 8)
                zlib_body = deflater.compress(payload) + deflater.flush()
                if HAVE_ISAL and level <= 3:
                    self.assertNotEqual(body, zlib_body)
                else:
                    self.assertEqual(body, zlib_body)
                self.assertEqual(zlib.decompress(body, -15), payload)


if __name__ == "__main__":
    clitest.BINARY = sys.argv[1]
    GzipLevelTests.go_target = sys.argv[2]
    HAVE_ISAL = sys.argv[3] == "true"
    sys.exit(clitest.run_suite(GzipLevelTests))
