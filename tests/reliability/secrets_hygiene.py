#!/usr/bin/python3
"""Secrets never leave claimcheck: with -vv (config origins and the S3 request
trace on stderr), no command prints the secret key, the session token or a
full signature (64 hex digits after `Signature=` or `X-Amz-Signature=`) on
stdout or stderr, nor writes them into the journal or the store.

  s3       every command (offload, retrieve, inspect, gc --dry-run, stats)
           against radosgw with credentials from the environment, plus a
           wrong secret (SignatureDoesNotMatch). No session token here:
           radosgw would reject an unknown one.
  offline  every command against an unreachable endpoint with a recognisable
           fake AWS_SESSION_TOKEN set (no radosgw needed); the same with the
           credentials in ~/.aws/credentials (AWS_PROFILE) and in claimcheck's
           config file.

usage: secrets_hygiene.py CLAIMCHECK_EXE s3|offline
"""

import os
import secrets
import sys
import tempfile

from claimcheck_test import (Claimcheck, Failures, leaked_signatures, s3_env,
                        s3_settings_or_skip, unique_prefix)

UNREACHABLE = "http://127.0.0.1:1"
KIB = 1 << 10


def check_clean(failures, label, run, secret_values):
    output = run.stdout.decode("utf-8", "replace") + "\n" + run.stderr_text
    for name, value in secret_values.items():
        failures.check(value not in output, "{}: the {} appears in the output".format(label, name))
    signatures = leaked_signatures(output)
    failures.check(not signatures, "{}: {} full signature(s) in the output".format(
        label, len(signatures)))


def check_files_clean(failures, root, secret_values):
    """The journal, the local store, temp files: nothing on disk holds a secret."""
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.isfile(path) or os.path.getsize(path) > (64 << 20):
                continue
            with open(path, "rb") as f:
                content = f.read()
            for label, value in secret_values.items():
                failures.check(value.encode() not in content,
                               "the {} was written to {}".format(label, path))


def verbose_runs(failures, claimcheck, payload_path, secret_values, expect_code):
    """Runs every command with -vv; returns the runs by label."""
    runs = {}
    offload = claimcheck.run(["-vv", "offload", "--force", payload_path], timeout=120)
    runs["offload"] = offload
    reference = offload.stdout if offload.returncode == 0 else (
        b'{"_type":"claim_check_ref","key":"claimcheck/2026-12-01/000000Z-x","size_bytes":3,'
        b'"compressed":false,"stored_at":"2026-11-01T00:00:00Z"}')
    runs["retrieve"] = claimcheck.run(["-vv", "retrieve"], stdin_bytes=reference, timeout=120)
    runs["inspect"] = claimcheck.run(["-vv", "inspect", "--verify", "-"], stdin_bytes=reference,
                                     timeout=120)
    runs["gc --dry-run"] = claimcheck.run(["-vv", "gc", "--dry-run"], timeout=120)
    runs["stats"] = claimcheck.run(["-vv", "stats"], timeout=120)
    for label, run in runs.items():
        print("{:14s} exit {} stderr lines {}".format(label, run.returncode,
                                                      len(run.stderr_lines())), flush=True)
        failures.check(run.returncode == expect_code, "{}: want exit {}: {}".format(
            label, expect_code, run.describe()))
        failures.check(run.stderr_lines() != [], "{}: -vv printed nothing on stderr".format(label))
        check_clean(failures, label, run, secret_values)
    return runs


def write_payload(root):
    path = os.path.join(root, "payload.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(300 * KIB))
    return path


def against_radosgw(failures, exe, root):
    settings = s3_settings_or_skip("secrets s3")
    env = s3_env(settings, prefix=unique_prefix("secrets"))
    claimcheck = Claimcheck(exe, root, env)
    secret_values = {"secret key": settings.secret_key}
    runs = verbose_runs(failures, claimcheck, write_payload(root), secret_values, 0)
    failures.check(b"claim_check_ref" in runs["offload"].stdout, "offload printed no reference")
    # The point of -vv here is the request trace: make sure it is really there.
    failures.check(" PUT " in runs["offload"].stderr_text or "PUT /" in runs["offload"].stderr_text,
                   "offload -vv shows no request trace: " + runs["offload"].describe())
    wrong_secret = "wrong-" + secrets.token_hex(16)
    wrong = claimcheck.run(["-vv", "offload", "--force", write_payload(root)],
                           env={"AWS_SECRET_ACCESS_KEY": wrong_secret})
    failures.check(wrong.returncode == 6, "wrong secret: want exit 6: " + wrong.describe())
    check_clean(failures, "wrong secret", wrong, {"wrong secret key": wrong_secret})
    check_files_clean(failures, root, dict(secret_values, wrong=wrong_secret))


def fake_credentials():
    return ("FAKE-SESSION-TOKEN-" + secrets.token_hex(24), "fake-secret-" + secrets.token_hex(20))


def against_unreachable(failures, exe, root, source):
    """Credentials from the environment, an AWS profile or the config file."""
    token, secret = fake_credentials()
    env = {"CLAIMCHECK_STORE": "s3://bucket", "AWS_ENDPOINT_URL_S3": UNREACHABLE,
           "AWS_REGION": "us-east-1"}
    folder = os.path.join(root, source)
    os.makedirs(folder)
    claimcheck = Claimcheck(exe, folder, env)
    if source == "env":
        claimcheck.env.update({"AWS_ACCESS_KEY_ID": "AKIDFAKEFAKEFAKE",
                               "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token})
    elif source == "profile":
        aws = os.path.join(claimcheck.env["HOME"], ".aws")
        os.makedirs(aws)
        with open(os.path.join(aws, "credentials"), "w") as f:
            f.write("[hygiene]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {}\n"
                    "aws_session_token = {}\n".format(secret, token))
        claimcheck.env["AWS_PROFILE"] = "hygiene"
    else:
        config = os.path.join(claimcheck.env["XDG_CONFIG_HOME"], "claimcheck")
        os.makedirs(config)
        with open(os.path.join(config, "config"), "w") as f:
            f.write("access_key_id = AKIDCONFIG\nsecret_access_key = {}\nsession_token = {}\n"
                    .format(secret, token))
    print("credentials from {}:".format(source))
    secret_values = {"session token": token, "secret key": secret}
    verbose_runs(failures, claimcheck, write_payload(folder), secret_values, 6)
    # The files that hold the credentials on purpose are not a leak.
    check_files_clean(failures, claimcheck.env["XDG_STATE_HOME"], secret_values)
    check_files_clean(failures, claimcheck.env["TMPDIR"], secret_values)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("s3", "offline"):
        print(__doc__)
        return 2
    failures = Failures()
    exe = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="cc-secrets-") as root:
        if sys.argv[2] == "s3":
            against_radosgw(failures, exe, root)
        else:
            for source in ("env", "profile", "config file"):
                against_unreachable(failures, exe, root, source)
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
