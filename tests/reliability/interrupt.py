#!/usr/bin/python3
"""Ctrl-C (SIGINT) or SIGTERM in the middle of an offload leaves nothing
behind: the command exits non-zero (128+N), no -o file nor its hidden temp file stays
in the output directory, no temp file or object stays in the local store, and
(on S3) no multipart upload stays open.

The signal is sent once the transfer is observably under way (the store's temp
file exists; the proxy has seen the first UploadPart), never after a sleep.

usage: interrupt.py CLAIMCHECK_EXE local|s3
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

from claimcheck_test import (Claimcheck, FaultProxy, Failures, s3_client, keys_under,
                        open_multipart_uploads, s3_env, s3_settings_or_skip, unique_prefix)

MIB = 1 << 20
WAIT_SECONDS = 30
UPLOAD_PART = r"^PUT \S*[?&]partNumber="


def wait_until(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for " + what)
        time.sleep(0.02)


def files_under(folder):
    found = []
    for parent, _, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(parent, n), folder) for n in names]
    return sorted(found)


def start_offload(claimcheck, out_path, env=None):
    full_env = dict(claimcheck.env)
    full_env.update(env or {})
    return subprocess.Popen([claimcheck.exe, "offload", "--force", "-o", out_path],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=full_env, cwd=claimcheck.root)


def finish(process, signal_number):
    """Signals the process with its input still open (so it cannot just end
    normally) and waits for it; returns its exit status and stderr."""
    process.send_signal(signal_number)
    try:
        process.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:
        process.stdin.close()
    except BrokenPipeError:
        pass
    return process.returncode, process.stderr.read().decode("utf-8", "replace").strip()


def local_interrupt(failures, claimcheck, signal_number):
    label = "local, " + signal.Signals(signal_number).name
    out_dir = tempfile.mkdtemp(dir=claimcheck.root)
    store = claimcheck.local_store_dir
    before = set(files_under(store)) if os.path.isdir(store) else set()
    process = start_offload(claimcheck, os.path.join(out_dir, "ref.json"))
    process.stdin.write(os.urandom(3 * MIB))
    process.stdin.flush()
    wait_until(lambda: os.path.isdir(store) and set(files_under(store)) - before,
               "the offload to start writing into the store")
    code, err = finish(process, signal_number)
    left_store = sorted(set(files_under(store)) - before)
    print("{}: exit {}, stderr {!r}, store leftovers {}, -o leftovers {}".format(
        label, code, err[:120], left_store, files_under(out_dir)), flush=True)
    failures.check(code == 128 + signal_number, "{}: exit {}, want {}".format(
        label, code, 128 + signal_number))
    failures.check(files_under(out_dir) == [], "{}: left in the -o directory: {}".format(
        label, files_under(out_dir)))
    failures.check(left_store == [], "{}: left in the local store: {}".format(label, left_store))


def s3_interrupt(failures, claimcheck, settings, signal_number):
    label = "s3 multipart, " + signal.Signals(signal_number).name
    prefix = unique_prefix("interrupt")
    out_dir = tempfile.mkdtemp(dir=claimcheck.root)
    # Parts wait 2 s at the proxy: the upload is open while they do.
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow", "--only",
                    UPLOAD_PART, "--slow-seconds", "2-2") as proxy:
        process = start_offload(claimcheck, os.path.join(out_dir, "ref.json"),
                                s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        process.stdin.write(os.urandom(17 * MIB))
        process.stdin.flush()
        wait_until(lambda: proxy.stats()["faults"]["slow"] >= 1, "the first UploadPart")
        code, err = finish(process, signal_number)
    uploads = open_multipart_uploads(settings, prefix)
    print("{}: exit {}, stderr {!r}, open uploads {}".format(label, code, err[:120], len(uploads)),
          flush=True)
    failures.check(code == 128 + signal_number, "{}: exit {}, want {}".format(
        label, code, 128 + signal_number))
    failures.check(uploads == [], "{}: {} multipart upload(s) left open".format(label, len(uploads)))
    failures.check(keys_under(settings, prefix) == [], "{}: objects left".format(label))
    failures.check(files_under(out_dir) == [], "{}: left in the -o directory: {}".format(
        label, files_under(out_dir)))
    abort_leftovers(settings, uploads)


def abort_leftovers(settings, uploads):
    """Whatever the outcome, do not leave open uploads in the shared bucket."""
    client = s3_client(settings)
    for key, upload_id in uploads:
        client.abort_multipart_upload(Bucket=settings.bucket, Key=key, UploadId=upload_id)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("local", "s3"):
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("interrupt s3") if sys.argv[2] == "s3" else None
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-interrupt-") as root:
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root)
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            if settings is None:
                local_interrupt(failures, claimcheck, signal_number)
            else:
                s3_interrupt(failures, claimcheck, settings, signal_number)
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
