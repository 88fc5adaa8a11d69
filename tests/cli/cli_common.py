"""What every end-to-end CLI test helper needs (offload_retrieve/clitest.py,
inspect/inspecttest.py, gc_stats/gc_cli.py): a private HOME so the local
default store and journal are the test's own, the result of one run, the
test S3 server's settings, and a payload that gzips well."""
import json
import os
import unittest

S3 = {name: os.environ.get("CLAIMCHECK_TEST_S3_" + name)
      for name in ("ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "BUCKET", "REGION")}


def s3_configured():
    return all(S3[n] for n in ("ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "BUCKET"))


def skip_without_s3():
    """meson's "skipped" is exit 77; with CLAIMCHECK_TEST_REQUIRE_S3=1 it is a failure."""
    if s3_configured():
        return
    if os.environ.get("CLAIMCHECK_TEST_REQUIRE_S3") == "1":
        print("CLAIMCHECK_TEST_REQUIRE_S3=1 but CLAIMCHECK_TEST_S3_* are not set")
        raise SystemExit(1)
    print("skipped: CLAIMCHECK_TEST_S3_* not set")
    raise SystemExit(77)


def s3_client():
    """botocore on the test server: checks what is really stored, not through claimcheck."""
    import botocore.session
    return botocore.session.get_session().create_client(
        "s3", endpoint_url=S3["ENDPOINT"], region_name=S3["REGION"] or "us-east-1",
        aws_access_key_id=S3["ACCESS_KEY"], aws_secret_access_key=S3["SECRET_KEY"])


def private_env(tmp, strip=("CLAIMCHECK_", "AWS_", "R2_")):
    """The caller's environment without claimcheck/AWS settings, with HOME and
    the XDG folders (and TMPDIR) created under `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    for name, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"),
                      ("XDG_CONFIG_HOME", "config"), ("TMPDIR", "tmp")):
        path = os.path.join(tmp, sub)
        os.makedirs(path)
        env[name] = path
    return env


class Result:
    """One finished run; `out` stays bytes unless `text` (payload tests compare bytes)."""

    def __init__(self, proc, text=False):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace") if text else proc.stdout
        self.err = proc.stderr.decode("utf-8", "replace")

    def err_lines(self):
        return [line for line in self.err.split("\n") if line]

    def json(self):
        return json.loads(self.out)


def compressible(size):
    line = b'{"event":"photo fetched","camera":"north gate","ok":true}\n'
    return (line * (size // len(line) + 1))[:size]


def run_suite(tests):
    """Exit status of running every test of the TestCase class `tests`."""
    suite = unittest.TestLoader().loadTestsFromTestCase(tests)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1
