"""Shared helpers for the end-to-end tests of `claimcheck offload/retrieve`:
run the built binary in a private HOME (so the local default store is used
with no configuration) and check output, exit code and stderr."""
import json
import os
import shutil
import subprocess
import tempfile

from claimcheck_test import (SPARE_UID, Result, TempHomeTestCase, compressible, expired_in_local_store,  # noqa: F401
                             is_sanitized, open_to_all, run_suite, with_thread_limit)

BINARY = None  # set by the test script from argv[1]

class CliTestCase(TempHomeTestCase):
    """Each test gets fresh HOME/XDG directories: the local store lives in
    $XDG_DATA_HOME/claimcheck, the journal in $XDG_STATE_HOME/claimcheck."""

    tmp_prefix = "cc-cli-"

    def setUp(self):
        super().setUp()
        self.store_dir = os.path.join(self.tmp, "data", "claimcheck")

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def run_cc(self, *args, stdin=b"", env=None):
        proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True,
                              env=env or self.env, timeout=600)
        return Result(proc)

    def reader_leaves_early(self, *args, stdin_path, keep=5):
        """Runs claimcheck with stdout to a pipe whose reader takes `keep`
        bytes and closes it (as `| head -c 5`); returns (exit code, stderr)."""
        with open(stdin_path, "rb") as stdin:
            proc = subprocess.Popen([BINARY, *args], stdin=stdin, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=self.env)
            self.assertEqual(len(proc.stdout.read(keep)), keep)
            proc.stdout.close()
            err = proc.stderr.read().decode("utf-8", "replace")
            return proc.wait(timeout=600), err

    def ok(self, *args, stdin=b"", env=None):
        r = self.run_cc(*args, stdin=stdin, env=env)
        self.assertEqual(r.code, 0, f"claimcheck {' '.join(args)} failed: {r.err}")
        return r

    def fails(self, code, *args, stdin=b"", env=None):
        """Exit `code`, exactly one stderr line `claimcheck: ...`, nothing on stdout."""
        r = self.run_cc(*args, stdin=stdin, env=env)
        self.assertEqual(r.code, code, f"stderr: {r.err}")
        lines = r.err_lines()
        self.assertEqual(len(lines), 1, f"expected one stderr line, got: {r.err!r}")
        self.assertTrue(lines[0].startswith("claimcheck: "), lines[0])
        self.assertEqual(r.out, b"")
        return lines[0]

    def offload(self, payload, *args, env=None):
        r = self.ok("offload", *args, stdin=payload, env=env)
        self.assertTrue(r.out.endswith(b"\n"))
        self.assertEqual(r.out.count(b"\n"), 1, "the reference is one line")
        ref = json.loads(r.out)
        self.assertEqual(ref["_type"], "claim_check_ref")
        return ref

    def object_path(self, key):
        return os.path.join(self.store_dir, key)


class GoProgramTestCase(CliTestCase):
    """CLI tests that run a Go program beside claimcheck: `go_target` (a .go
    file, or a package under `go_path`) is built once per class with Debian's
    Go, in GOPATH mode with Debian's Go libraries (/usr/share/gocode) and
    nothing downloaded, into `go_program`."""

    go_target = None
    go_path = ""
    go_program = None
    _go_dir = None

    @classmethod
    def setUpClass(cls):
        cls._go_dir = tempfile.mkdtemp(prefix="cc-go-")
        cls.go_program = os.path.join(cls._go_dir, os.path.basename(cls.go_target).removesuffix(".go"))
        env = dict(os.environ, GO111MODULE="off", GOFLAGS="", GOPROXY="off",
                   GOPATH=":".join(p for p in (cls.go_path, "/usr/share/gocode") if p),
                   GOCACHE=os.path.join(cls._go_dir, "cache"))
        subprocess.run(["go", "build", "-o", cls.go_program, cls.go_target], env=env, check=True, timeout=600)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls._go_dir, ignore_errors=True)


def sanitized_build():
    """True for an AddressSanitizer build: its quarantine and shadow memory
    make peak RSS meaningless, so memory bounds are checked only without it."""
    return is_sanitized(BINARY)


def main(argv, tests):
    global BINARY
    BINARY = os.path.abspath(argv[1])
    return run_suite(tests)
