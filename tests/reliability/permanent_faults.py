#!/usr/bin/python3
"""With the store permanently failing (tests/tools/fault_proxy.py --permanent:
every request gets 503 SlowDown or a connection reset), every command gives up
after its retries with exit 6 and exactly one stderr line `claimcheck: ...`,
prints no reference, and leaves no -o file (nor its temp file) behind.

Then the parts of a 20 MiB multipart offload fail permanently while
CreateMultipartUpload and AbortMultipartUpload still get through: the offload
fails with exit 6 and no multipart upload stays open on radosgw
(ListMultipartUploads, asked of radosgw directly, is empty).

Last, the store acts and then says it failed (fault_proxy.py acted-500: the
request is forwarded, the answer replaced by 500 InternalError), for a single
PUT and for CompleteMultipartUpload: the offload fails with exit 6 and no
object stays under its prefix: the object the store did keep is deleted.

usage: permanent_faults.py CLAIMCHECK_EXE
"""

import json
import os
import sys
import tempfile

from claimcheck_test import (Claimcheck, FaultProxy, Failures, keys_under,
                        open_multipart_uploads, s3_env, s3_settings_or_skip, unique_prefix)

STORE_ERROR = 6
MIB = 1 << 20
REFERENCE_MARK = b"claim_check_ref"
# CreateMultipartUpload is POST ?uploads, AbortMultipartUpload DELETE ?uploadId=
CREATE_AND_ABORT = r"^(POST \S*\?uploads(=|&|$)|DELETE \S*[?&]uploadId=)"
PLAIN_PUT = r"^PUT [^?]*$"
COMPLETE_MULTIPART = r"^POST \S*\?uploadId="


def check_failed_run(failures, label, run, out_dir=None):
    where = "{}: {}".format(label, run.describe())
    failures.check(run.returncode == STORE_ERROR, "want exit 6: " + where)
    lines = run.stderr_lines()
    failures.check(len(lines) == 1 and lines[0].startswith("claimcheck: "),
                   "want exactly one 'claimcheck: ' stderr line: " + where)
    failures.check(REFERENCE_MARK not in run.stdout, "a reference was printed: " + where)
    if out_dir is not None:
        left = sorted(os.listdir(out_dir))
        failures.check(left == [], "{}: files left in the -o directory: {}".format(label, left))


def seed_object(claimcheck, env, root):
    """An object that exists on radosgw (written without the proxy), and its reference."""
    run = claimcheck.run(["offload", "--force"], stdin_bytes=b"existing object\n" * 10000, env=env)
    if run.returncode != 0:
        raise SystemExit("could not create the object to retrieve: " + run.describe())
    path = os.path.join(root, "existing.ref")
    with open(path, "wb") as f:
        f.write(run.stdout)
    return run.stdout


def every_command_fails(failures, claimcheck, env, root, reference):
    big = os.path.join(root, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(20 * MIB))
    out_dir = os.path.join(root, "out")
    os.makedirs(out_dir)
    cases = [
        ("offload 20 MiB -o", ["offload", "--force", big, "-o", os.path.join(out_dir, "ref.json")],
         None, out_dir),
        ("offload 20 MiB to stdout", ["offload", "--force", big], None, None),
        ("offload 200 KiB", ["offload"], os.urandom(200 * 1024), None),
        ("retrieve -o of an existing object", ["retrieve", "-o", os.path.join(out_dir, "payload")],
         reference, out_dir),
        ("retrieve to stdout", ["retrieve"], reference, None),
        ("inspect", ["inspect", "-"], reference, None),
        ("gc", ["gc"], None, None),
        ("stats", ["stats"], None, None),
    ]
    for label, args, stdin, out in cases:
        run = claimcheck.run(args, stdin_bytes=stdin, env=env, timeout=300)
        check_failed_run(failures, label, run, out)
        failures.check(run.stdout == b"" or label in ("inspect", "gc", "stats"),
                       "{}: printed on stdout: {!r}".format(label, run.stdout[:200]))
        print("{:40s} exit {} ({:.1f}s): {}".format(label, run.returncode, run.seconds,
                                                    run.stderr_text.strip()[:160]), flush=True)


def failed_multipart_is_aborted(failures, claimcheck, settings, prefix, root):
    big = os.path.join(root, "multipart.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(20 * MIB))
    with FaultProxy(settings.endpoint, "--permanent", "--seed", "7",
                    "--pass-through", CREATE_AND_ABORT) as proxy:
        env = s3_env(settings, endpoint=proxy.url(), prefix=prefix)
        run = claimcheck.run(["offload", "--force", big], env=env, timeout=300)
        stats = proxy.stats()
    check_failed_run(failures, "offload 20 MiB, parts failing", run)
    print("multipart with failing parts: exit {}, proxy {}".format(
        run.returncode, json.dumps(stats["by_method"])), flush=True)
    failures.check(stats["by_method"].get("POST", 0) >= 1,
                   "the offload never created a multipart upload (POST count 0)")
    uploads = open_multipart_uploads(settings, prefix)
    failures.check(uploads == [], "multipart uploads left open: {}".format(uploads))
    failures.check(keys_under(settings, prefix) == [],
                   "objects left under the prefix after failed offloads: {}".format(
                       keys_under(settings, prefix)))


def stored_but_failed_is_removed(failures, claimcheck, settings, root):
    """The store keeps the object, then answers 500 to every attempt."""
    big = os.path.join(root, "acted.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(20 * MIB))
    for label, only, args in (("single PUT", PLAIN_PUT, ["offload", "--force"]),
                              ("CompleteMultipartUpload", COMPLETE_MULTIPART, ["offload", "--force", big])):
        prefix = unique_prefix("permanent-acted")
        with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "acted-500",
                        "--only", only, "--seed", "5") as proxy:
            env = s3_env(settings, endpoint=proxy.url(), prefix=prefix)
            run = claimcheck.run(args, stdin_bytes=os.urandom(200 * 1024), env=env, timeout=300)
            stats = proxy.stats()
        check_failed_run(failures, "store acted, then 500: " + label, run)
        print("store acted, then 500 ({}): exit {}, faults {}".format(
            label, run.returncode, stats["faults"]["acted-500"]), flush=True)
        failures.check(stats["faults"]["acted-500"] >= 1, label + ": the fault was never injected")
        failures.check(keys_under(settings, prefix) == [],
                       "{}: the object the store kept was left: {}".format(label, keys_under(settings, prefix)))
        failures.check(open_multipart_uploads(settings, prefix) == [], label + ": a multipart upload left open")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("permanent_faults")
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-permanent-") as root:
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root)
        existing_prefix = unique_prefix("permanent-existing")
        reference = seed_object(claimcheck, s3_env(settings, prefix=existing_prefix), root)
        failing_prefix = unique_prefix("permanent")
        with FaultProxy(settings.endpoint, "--permanent", "--seed", "3") as proxy:
            env = s3_env(settings, endpoint=proxy.url(), prefix=failing_prefix)
            every_command_fails(failures, claimcheck, env, root, reference)
            stats = proxy.stats()
        failures.check(stats["forwarded"] == 0, "the permanent proxy forwarded requests")
        print("permanent proxy: {} requests, faults {}".format(stats["requests"],
                                                             json.dumps(stats["faults"])))
        failures.check(open_multipart_uploads(settings, failing_prefix) == [],
                       "multipart uploads open after permanent failures")
        failed_multipart_is_aborted(failures, claimcheck, settings,
                                    unique_prefix("permanent-multipart"), root)
        stored_but_failed_is_removed(failures, claimcheck, settings, root)
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
