"""What every end-to-end test of the built binary needs, for tests/cli/* and
tests/reliability/* alike (meson puts this folder on PYTHONPATH):

- a sealed environment: HOME, the XDG folders and TMPDIR under a temp dir,
  no inherited AWS, R2, claimcheck or TLS settings;
- one finished run as a unittest test reads it (Result), or measured under
  GNU time with limits for the reliability scripts (Run, Claimcheck);
- the test S3 server (radosgw) from CLAIMCHECK_TEST_S3_*, the skip (77)
  without it unless CLAIMCHECK_TEST_REQUIRE_S3=1, and a botocore client that
  checks what is really stored, not through claimcheck;
- the fault proxy (tests/tools/fault_proxy.py) and failure bookkeeping.
"""

import hashlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
from dataclasses import dataclass

SKIP = 77

# The signals the tests send reach claimcheck as they would from a terminal.
# One ignored by whatever started the suite (nohup's SIGHUP, SIGINT in a
# script's `&` job) would stay ignored in claimcheck, as it rightly does.
for _number in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
    if signal.getsignal(_number) == signal.SIG_IGN:
        signal.signal(_number, signal.default_int_handler if _number == signal.SIGINT else signal.SIG_DFL)
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools")
FAULT_PROXY = os.path.join(TOOLS, "fault_proxy.py")
PYTHON = "/usr/bin/python3"
TIME = "/usr/bin/time"

# Variables that would make a run depend on the developer's machine.
_INHERITED_PREFIXES = ("AWS_", "R2_", "CLAIMCHECK_", "XDG_", "SSL_CERT", "CURL_CA")
# Safety nets only: the real memory bound is checked per run from its rusage.
_ADDRESS_SPACE_LIMIT = 8 << 30
_FILE_SIZE_LIMIT = 256 << 20


# ---------------------------------------------------------------- environment

def sealed_env(root, also_strip=()):
    """The caller's environment without the variables above (and `also_strip`),
    with HOME, the XDG folders and TMPDIR created under `root`."""
    strip = _INHERITED_PREFIXES + tuple(also_strip)
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    for name, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"),
                      ("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_CACHE_HOME", "cache"), ("TMPDIR", "tmp")):
        path = os.path.join(root, sub)
        os.makedirs(path, exist_ok=True)
        env[name] = path
    return env


def is_sanitized(exe):
    """True for a build with AddressSanitizer: it reserves terabytes of
    address space (no RLIMIT_AS then), keeps freed memory in quarantine (peak
    memory says nothing) and runs several times slower."""
    marker = b"__asan_init"
    with open(exe, "rb") as f:
        tail = b""
        while True:
            block = f.read(1 << 20)
            if not block:
                return False
            if marker in tail + block:
                return True
            tail = block[-len(marker):]


def with_faketime(shift, argv, env):
    """argv run with the binary's clock moved by `shift` ("+2h", as faketime takes it) and its
    environment. The monotonic clock stays real (timeouts and retries keep their length). In the
    sanitizer build, ASan's allocator reads the clock when it first maps a size class; at start-up
    that call entered libfaketime's first-use set-up, whose dlsym allocated again and waited on
    the allocator's own lock for ever (seen with gdb, before main). Without the allocator's
    release-to-OS interval it does not read the clock."""
    env = dict(env, FAKETIME_DONT_FAKE_MONOTONIC="1")
    if is_sanitized(argv[0]):
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""),
                                                      "allocator_release_to_os_interval_ms=-1"]))
    return ["faketime", "-f", shift, *argv], env


# A user id no process runs as: a limit on its processes counts only the command's.
SPARE_UID = 61999


def with_thread_limit(limit, argv):
    """(argv, preexec_fn): argv run as a user with no other process, whose processes and threads
    may number at most `limit` (as under `ulimit -u` or a container's pids.max). Changing user
    needs root; the files argv uses must be open to that user."""
    def limit_threads():
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
    return ["setpriv", "--reuid", str(SPARE_UID), "--regid", str(SPARE_UID), "--clear-groups", *argv], limit_threads


def open_to_all(tmp, name):
    """A directory `name` under the test's `tmp` that any user may write in (for with_thread_limit)."""
    os.chmod(tmp, 0o755)
    shared = os.path.join(tmp, name)
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    return shared


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def compressible(size):
    """`size` bytes of JSON lines: a payload that gzips well."""
    line = b'{"event":"photo fetched","camera":"north gate","ok":true}\n'
    return (line * (size // len(line) + 1))[:size]


def expired_in_local_store(store_dir, ref, day="2020-01-01"):
    """`ref` as if offloaded to expire at the start of `day`: its object and
    sidecar moved under a key that says so (gc goes by the key, not by what a
    reference claims), expires_at to match. Returns the new reference."""
    key = re.sub(r"/\d{4}-\d\d-\d\d/\d{6}Z-", "/%s/000000Z-" % day, ref["key"])
    os.makedirs(os.path.dirname(os.path.join(store_dir, key)), exist_ok=True)
    for suffix in ("", ".meta.json"):
        os.rename(os.path.join(store_dir, ref["key"] + suffix), os.path.join(store_dir, key + suffix))
    return dict(ref, key=key, expires_at=day + "T00:00:00Z")


def nonempty_lines(text):
    return [line for line in text.split("\n") if line]


# ---------------------------------------------------------------- unittest runs

class Result:
    """One finished run; `out` stays bytes unless `text` (payload tests compare bytes)."""

    def __init__(self, proc, text=False):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace") if text else proc.stdout
        self.err = proc.stderr.decode("utf-8", "replace")

    def err_lines(self):
        return nonempty_lines(self.err)

    def json(self):
        return json.loads(self.out)


class TempHomeTestCase(unittest.TestCase):
    """Each test gets a fresh temp dir with its own sealed environment."""

    tmp_prefix = "cc-test-"
    also_strip = ()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=self.tmp_prefix)
        self.env = sealed_env(self.tmp, self.also_strip)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)


def run_suite(tests):
    """Exit status of running every test of the TestCase class `tests`."""
    suite = unittest.TestLoader().loadTestsFromTestCase(tests)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


# ---------------------------------------------------------------- radosgw

S3 = {name: os.environ.get("CLAIMCHECK_TEST_S3_" + name)
      for name in ("ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "BUCKET", "REGION")}
_S3_REQUIRED = ("ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "BUCKET")


def s3_configured():
    return all(S3[n] for n in _S3_REQUIRED)


def skip_without_s3(test_name="this test"):
    """Returns when the test S3 server is configured; otherwise exits 77
    (meson's "skipped"), or 1 with CLAIMCHECK_TEST_REQUIRE_S3=1."""
    if s3_configured():
        return
    missing = ", ".join("CLAIMCHECK_TEST_S3_" + n for n in _S3_REQUIRED if not S3[n])
    if os.environ.get("CLAIMCHECK_TEST_REQUIRE_S3") == "1":
        print("{}: radosgw required but not configured ({} unset)".format(test_name, missing))
        sys.exit(1)
    print("{}: skipped, no radosgw ({} unset)".format(test_name, missing))
    sys.exit(SKIP)


@dataclass
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str


def s3_settings():
    """S3 as S3Settings (region us-east-1 unless set); None when not configured."""
    if not s3_configured():
        return None
    return S3Settings(S3["ENDPOINT"], S3["ACCESS_KEY"], S3["SECRET_KEY"], S3["BUCKET"],
                      S3["REGION"] or "us-east-1")


def s3_settings_or_skip(test_name):
    skip_without_s3(test_name)
    return s3_settings()


def unique_prefix(test_name):
    return "reliability/{}-{}-{}/".format(test_name, int(time.time()), secrets.token_hex(4))


def s3_env(settings, endpoint=None, prefix=None):
    """Environment that points claimcheck at the S3 store `settings` (through
    `endpoint` when given, e.g. the fault proxy)."""
    env = {
        "CLAIMCHECK_STORE": "s3://" + settings.bucket,
        "AWS_ENDPOINT_URL_S3": endpoint or settings.endpoint,
        "AWS_ACCESS_KEY_ID": settings.access_key,
        "AWS_SECRET_ACCESS_KEY": settings.secret_key,
        "AWS_REGION": settings.region,
    }
    if prefix:
        env["CLAIMCHECK_PREFIX"] = prefix
    return env


def s3_client(settings=None):
    """A botocore S3 client talking to the test server directly (not through
    claimcheck): `settings`, or the configured one."""
    import botocore.session
    from botocore.config import Config
    settings = settings or s3_settings()
    session = botocore.session.get_session()
    return session.create_client(
        "s3", endpoint_url=settings.endpoint, region_name=settings.region,
        aws_access_key_id=settings.access_key, aws_secret_access_key=settings.secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))


def open_multipart_uploads(settings, prefix):
    client = s3_client(settings)
    answer = client.list_multipart_uploads(Bucket=settings.bucket, Prefix=prefix)
    return [(u["Key"], u["UploadId"]) for u in answer.get("Uploads", [])]


def keys_under(settings, prefix):
    client = s3_client(settings)
    keys, token = [], None
    while True:
        kwargs = {"Bucket": settings.bucket, "Prefix": prefix}
        if token:
            kwargs["ContinuationToken"] = token
        page = client.list_objects_v2(**kwargs)
        keys += [o["Key"] for o in page.get("Contents", [])]
        token = page.get("NextContinuationToken")
        if not token:
            return keys


# ---------------------------------------------------------------- measured runs

@dataclass
class Run:
    args: list
    returncode: int
    stdout: bytes
    stderr: bytes
    max_rss_kib: int
    seconds: float
    timed_out: bool = False

    @property
    def stderr_text(self):
        return self.stderr.decode("utf-8", "replace")

    def stderr_lines(self):
        return nonempty_lines(self.stderr_text)

    def describe(self):
        shown = self.stderr_text.strip().replace("\n", " | ")
        return "exit {} in {:.2f}s, {} MiB, stderr: {}".format(
            self.returncode, self.seconds, self.max_rss_kib // 1024, shown[:400])


def _limit_child(address_space_limit=True):
    os.setsid()  # its own process group, so a timeout can end the whole run
    if address_space_limit:
        resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE_LIMIT, _ADDRESS_SPACE_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_FILE_SIZE_LIMIT, _FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_sanitized_child():
    _limit_child(address_space_limit=False)


def _parse_time_report(path):
    """GNU time's -o file: '%M %x' on the last line, preceded by a line
    'Command terminated by signal N' when the command was killed."""
    with open(path) as f:
        lines = [line.strip() for line in f if line.strip()]
    signal_number = None
    for line in lines:
        match = re.match(r"Command terminated by signal (\d+)", line)
        if match:
            signal_number = int(match.group(1))
    max_rss, status = lines[-1].split()
    return int(max_rss), (-signal_number if signal_number else int(status))


def run_measured(args, env, stdin_bytes=None, stdin_path=None, timeout=120, cwd=None,
                 stdout_path=None, sanitized=False):
    """Runs a command under GNU time (/usr/bin/time -f '%M %x'), with files for
    stdin/stdout/stderr. A child forked straight from this Python process
    would count our own memory in its peak; time's child starts small."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".time") as report:
        if stdin_path is not None:
            stdin = open(stdin_path, "rb")
        else:
            stdin = tempfile.TemporaryFile()
            stdin.write(stdin_bytes or b"")
            stdin.seek(0)
        started = time.monotonic()
        stdout = open(stdout_path, "wb") if stdout_path else out
        with stdin:
            process = subprocess.Popen([TIME, "-f", "%M %x", "-o", report.name] + list(args),
                                       stdin=stdin, stdout=stdout, stderr=err, env=env, cwd=cwd,
                                       preexec_fn=_limit_sanitized_child if sanitized else _limit_child)
        if stdout_path:
            stdout.close()
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        seconds = time.monotonic() - started
        try:
            max_rss, returncode = _parse_time_report(report.name)
        except (OSError, ValueError, IndexError):
            max_rss, returncode = 0, process.returncode  # time itself was killed
        out.seek(0)
        err.seek(0)
        return Run(list(args), returncode, out.read(), err.read(), max_rss, seconds,
                   bool(timed_out))


class Claimcheck:
    """The built binary, run in a sealed environment rooted at a temp dir."""

    def __init__(self, exe, root, extra_env=None):
        self.exe = exe
        self.root = root
        self.sanitized = is_sanitized(exe)
        # Time bounds stretch under sanitizers; memory bounds are not checked.
        self.time_factor = 5 if self.sanitized else 1
        self.env = sealed_env(root)
        self.env.update(extra_env or {})

    @property
    def local_store_dir(self):
        return os.path.join(self.env["XDG_DATA_HOME"], "claimcheck")

    def run(self, args, stdin_bytes=None, stdin_path=None, env=None, timeout=120,
            stdout_path=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        return run_measured([self.exe] + list(args), full_env, stdin_bytes, stdin_path,
                            timeout * self.time_factor, cwd=self.root, stdout_path=stdout_path,
                            sanitized=self.sanitized)


class Failures:
    """Collects failed checks so one run reports all of them."""

    def __init__(self):
        self.messages = []

    def check(self, condition, message):
        if not condition:
            self.messages.append(message)
            print("FAIL: " + message, flush=True)
        return condition

    def finish(self, summary=""):
        if summary:
            print(summary, flush=True)
        if self.messages:
            print("{} check(s) failed".format(len(self.messages)), flush=True)
            sys.exit(1)
        print("all checks passed", flush=True)
        sys.exit(0)


# ---------------------------------------------------------------- fault proxy

class FaultProxy:
    """tests/tools/fault_proxy.py as a context manager."""

    def __init__(self, upstream, *options, max_seconds=1800):
        self.stats_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        args = [PYTHON, FAULT_PROXY, "--upstream", upstream, "--port", "0",
                "--stats", self.stats_file, "--max-seconds", str(max_seconds)] + list(options)
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError("fault proxy did not start (first line {!r})".format(line))
        self.port = int(line)

    def url(self, scheme="http"):
        return "{}://127.0.0.1:{}".format(scheme, self.port)

    def stats(self):
        with urllib.request.urlopen(self.url() + "/__proxy_stats", timeout=10) as answer:
            return json.load(answer)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()
        try:
            with open(self.stats_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
        finally:
            os.unlink(self.stats_file)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


SIGNATURE_PATTERN = re.compile(r"(?:X-Amz-Signature=|Signature=)([0-9a-fA-F]{64})")


def leaked_signatures(text):
    return SIGNATURE_PATTERN.findall(text)


# ---------------------------------------------------------------- signals

def _signal_pending(pid, signal_number):
    """Whether `signal_number` sent to the process (not one thread) still
    waits to be taken: its bit in /proc/PID/status's ShdPnd mask."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("ShdPnd:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal_number - 1)))
    except FileNotFoundError:
        pass
    return False


def send_signal_and_wait_taken(process, signal_number, timeout=30):
    """Sends the signal and returns once the process has taken it (or ended).
    Two signals sent back to back may otherwise merge into one."""
    process.send_signal(signal_number)
    deadline = time.monotonic() + timeout
    while _signal_pending(process.pid, signal_number):
        if time.monotonic() > deadline:
            raise AssertionError(f"signal {signal_number} still pending after {timeout} s")
        time.sleep(0.01)
