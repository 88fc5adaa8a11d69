#!/usr/bin/python3
"""Ctrl-C (SIGINT) or SIGTERM in the middle of an offload leaves nothing
behind: the command exits non-zero (128+N), no -o file nor its hidden temp file stays
in the output directory, no temp file or object stays in the local store, and
(on S3) no multipart upload stays open.

The signal is sent once the transfer is observably under way (the store's temp
file exists; the proxy has seen the first UploadPart; the server holds the
upload whose id the proxy is still holding back), never after a sleep. It is
also sent once every object is stored but the reference cannot yet leave
(stdout is a pipe that is already full): those objects are removed too.

usage: interrupt.py CLAIMCHECK_EXE local|s3
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from claimcheck_test import (Claimcheck, FaultProxy, Failures, s3_client, keys_under,
                        open_multipart_uploads, s3_env, s3_settings_or_skip, send_signal_and_wait_taken,
                        unique_prefix)

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


def local_hangup_ignored_at_start(failures, claimcheck):
    """`nohup claimcheck offload ... &`: a SIGHUP ignored when claimcheck started stays ignored.
    claimcheck blocked it for its signal thread, so the kernel kept it instead of discarding it,
    and the hang-up of the terminal interrupted the offload (forty-seventh audit's reading)."""
    label = "local, SIGHUP ignored at start"
    out_path = os.path.join(tempfile.mkdtemp(dir=claimcheck.root), "ref.json")
    payload = os.urandom(3 * MIB)
    process = subprocess.Popen([claimcheck.exe, "offload", "--force", "-o", out_path],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=claimcheck.env, cwd=claimcheck.root,
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    process.stdin.write(payload[:MIB])
    process.stdin.flush()
    send_signal_and_wait_taken(process, signal.SIGHUP)
    process.stdin.write(payload[MIB:])
    process.stdin.close()
    process.wait(timeout=WAIT_SECONDS)
    err = process.stderr.read().decode("utf-8", "replace").strip()
    print("{}: exit {}, stderr {!r}".format(label, process.returncode, err[:120]), flush=True)
    failures.check(process.returncode == 0 and err == "", "{}: exit {}: {}".format(label, process.returncode, err))
    if process.returncode == 0:
        back = subprocess.run([claimcheck.exe, "retrieve", out_path], capture_output=True, env=claimcheck.env,
                              cwd=claimcheck.root, timeout=WAIT_SECONDS)
        failures.check(back.stdout == payload, "{}: the reference does not give the payload back".format(label))


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
    uploads = check_exit_and_uploads(failures, label, settings, prefix, code, err, signal_number)
    failures.check(keys_under(settings, prefix) == [], "{}: objects left".format(label))
    failures.check(files_under(out_dir) == [], "{}: left in the -o directory: {}".format(
        label, files_under(out_dir)))
    abort_leftovers(settings, uploads)


def check_exit_and_uploads(failures, label, settings, prefix, code, err, signal_number):
    """Exit 128+N and no multipart upload left open under `prefix`; returns those left."""
    uploads = open_multipart_uploads(settings, prefix)
    print("{}: exit {}, stderr {!r}, open uploads {}".format(label, code, err[:120], len(uploads)),
          flush=True)
    failures.check(code == 128 + signal_number, "{}: exit {}, want {}".format(
        label, code, 128 + signal_number))
    failures.check(uploads == [], "{}: {} multipart upload(s) left open".format(label, len(uploads)))
    return uploads


def full_pipe():
    """A pipe nobody reads that is already full: the next write to it waits."""
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    try:
        while True:
            os.write(writer, bytes(65536))
    except BlockingIOError:
        pass
    os.set_blocking(writer, True)
    return reader, writer


def interrupt_while_delivering(failures, claimcheck, label, args, payload, all_stored,
                               env=None, signal_number=signal.SIGTERM):
    """Offloads `payload` (a file) with stdout a full pipe; once `all_stored()`
    says every object is in the store, signals. Returns nothing; checks the exit
    status and the message, the caller checks the store."""
    source = os.path.join(claimcheck.root, "payload-" + label.replace(" ", "-").replace(",", ""))
    with open(source, "wb") as f:
        f.write(payload)
    full_env = dict(claimcheck.env)
    full_env.update(env or {})
    reader, writer = full_pipe()
    process = subprocess.Popen([claimcheck.exe, "offload", *args, source], stdin=subprocess.DEVNULL,
                               stdout=writer, stderr=subprocess.PIPE, env=full_env, cwd=claimcheck.root)
    os.close(writer)
    try:
        wait_until(lambda: process.poll() is not None or all_stored(), "every object to be stored")
        process.send_signal(signal_number)
        process.wait(timeout=WAIT_SECONDS)
    finally:
        os.close(reader)
        if process.poll() is None:
            process.kill()
            process.wait()
    err = process.stderr.read().decode("utf-8", "replace").strip()
    want = 128 + signal_number
    print("{} (reference not yet out): exit {}, stderr {!r}".format(label, process.returncode, err[:120]),
          flush=True)
    failures.check(process.returncode == want, "{}: exit {}, want {}: {}".format(
        label, process.returncode, want, err))
    failures.check(err.endswith("nothing kept"), "{}: stderr {!r}".format(label, err))


def document_with_fields(count, size):
    return json.dumps({"data": {"field%d" % i: "%d" % i * size for i in range(count)}}).encode()


def local_interrupt_while_delivering(failures, claimcheck):
    store = claimcheck.local_store_dir
    before = set(files_under(store)) if os.path.isdir(store) else set()

    def stored(objects):
        def check():
            new = set(files_under(store)) - before if os.path.isdir(store) else set()
            sidecars = [f for f in new if f.endswith(".meta.json")]
            temps = [f for f in new if os.path.basename(f).startswith(".")]
            return len(sidecars) == objects and len(new) == 2 * objects and not temps
        return check

    interrupt_while_delivering(failures, claimcheck, "local", ["--force"], os.urandom(MIB), stored(1))
    interrupt_while_delivering(failures, claimcheck, "local --json-fields", ["--json-fields"],
                               document_with_fields(12, 60_000), stored(12))
    left = sorted(set(files_under(store)) - before)
    failures.check(left == [], "local, reference not yet out: left in the store: {}".format(left))


def s3_interrupt_while_delivering(failures, claimcheck, settings):
    prefix = unique_prefix("undelivered")
    env = s3_env(settings, prefix=prefix)
    interrupt_while_delivering(failures, claimcheck, "s3 --json-fields", ["--json-fields"],
                               document_with_fields(12, 60_000),
                               lambda: len(keys_under(settings, prefix)) == 12, env)
    left = keys_under(settings, prefix)
    failures.check(left == [], "s3, reference not yet out: {} objects left".format(len(left)))


def s3_interrupt_while_upload_is_created(failures, claimcheck, settings, signal_number):
    """The server has created the multipart upload; its id is still held back
    by the proxy when the signal comes."""
    label = "s3 CreateMultipartUpload, " + signal.Signals(signal_number).name
    prefix = unique_prefix("interrupt-create")
    out_dir = tempfile.mkdtemp(dir=claimcheck.root)
    source = os.path.join(claimcheck.root, "payload-17m")
    with open(source, "wb") as f:
        f.write(os.urandom(17 * MIB))
    env = dict(claimcheck.env)
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow-answer", "--only",
                    r"^POST \S*[?&]uploads", "--slow-seconds", "10-10") as proxy:
        env.update(s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        # From a file, not a pipe: a writer to its stdin would wait for the whole input to
        # be read, which happens only after the upload's id has arrived.
        process = subprocess.Popen([claimcheck.exe, "offload", "--force", "-o",
                                    os.path.join(out_dir, "ref.json"), source],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env, cwd=claimcheck.root)
        wait_until(lambda: open_multipart_uploads(settings, prefix), "the upload to exist")
        process.send_signal(signal_number)
        process.wait(timeout=WAIT_SECONDS)
        code, err = process.returncode, process.stderr.read().decode("utf-8", "replace").strip()
    uploads = check_exit_and_uploads(failures, label, settings, prefix, code, err, signal_number)
    abort_leftovers(settings, uploads)


def s3_interrupt_while_put_is_on_its_way(failures, claimcheck, settings, signal_number):
    """The single PUT's body has all left claimcheck, but the proxy holds it
    before the server: the signal's DELETE must not overtake it. It did (204,
    then the PUT stored the object: an orphan after "nothing kept")."""
    label = "s3 PUT on its way, " + signal.Signals(signal_number).name
    prefix = unique_prefix("interrupt-put")
    out_dir = tempfile.mkdtemp(dir=claimcheck.root)
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow", "--only",
                    r"^PUT /[^?]*$", "--slow-seconds", "2-2") as proxy:
        process = start_offload(claimcheck, os.path.join(out_dir, "ref.json"),
                                s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        process.stdin.write(os.urandom(200_000))  # one PUT, small enough for the socket buffers
        process.stdin.close()
        wait_until(lambda: proxy.stats()["faults"]["slow"] >= 1, "the PUT to reach the proxy")
        process.send_signal(signal_number)
        process.wait(timeout=WAIT_SECONDS)
        code, err = process.returncode, process.stderr.read().decode("utf-8", "replace").strip()
        # Both the PUT and the DELETE have been answered by the server, in
        # whatever order they reached it.
        wait_until(lambda: proxy.stats()["forwarded"] >= 2, "the PUT and the DELETE to be answered")
    left = keys_under(settings, prefix)
    print("{}: exit {}, stderr {!r}, objects left {}".format(label, code, err[:120], len(left)), flush=True)
    failures.check(code == 128 + signal_number, "{}: exit {}, want {}".format(label, code, 128 + signal_number))
    failures.check(err.endswith("nothing kept"), "{}: stderr {!r}".format(label, err))
    failures.check(left == [], "{}: objects left: {}".format(label, left))
    failures.check(files_under(out_dir) == [], "{}: left in the -o directory: {}".format(
        label, files_under(out_dir)))


def s3_interrupt_while_the_cleanup_runs(failures, claimcheck, settings):
    """`offload --json-fields` would go on to its next field while the cleanup removes what it
    stored (the proxy holds each DELETE's answer back 1 s): that field's upload must not start.
    It did, when the signal came between two uploads (here most of the time: level 9 makes
    compressing each field take longer than its PUT), and its object was stored after "nothing
    kept" (sixteenth audit: 10 of 35 runs)."""
    label = "s3 --json-fields, uploads during the cleanup"
    prefix = unique_prefix("interrupt-cleanup")
    out_dir = tempfile.mkdtemp(dir=claimcheck.root)
    source = os.path.join(claimcheck.root, "payload-many-fields")
    with open(source, "wb") as f:
        f.write(json.dumps({"data": {"field%d" % i: os.urandom(75_000).hex() for i in range(100)}}).encode())
    env = dict(claimcheck.env)
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow-answer", "--only",
                    r"^DELETE ", "--slow-seconds", "1-1") as proxy:
        env.update(s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        process = subprocess.Popen([claimcheck.exe, "offload", "--json-fields", "--level", "9", "-o",
                                    os.path.join(out_dir, "slim.json"), source],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env, cwd=claimcheck.root)
        wait_until(lambda: process.poll() is not None or len(keys_under(settings, prefix)) >= 2,
                   "two objects to be stored")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=4 * WAIT_SECONDS)  # a DELETE a second, for every object stored
        code, err = process.returncode, process.stderr.read().decode("utf-8", "replace").strip()
    left = keys_under(settings, prefix)
    print("{}: exit {}, stderr {!r}, objects left {}".format(label, code, err[:120], len(left)), flush=True)
    failures.check(code == 128 + signal.SIGTERM, "{}: exit {}: {}".format(label, code, err))
    failures.check(err.endswith("nothing kept"), "{}: stderr {!r}".format(label, err))
    failures.check(left == [], "{}: objects left: {}".format(label, left))
    failures.check(files_under(out_dir) == [], "{}: left in the -o directory: {}".format(
        label, files_under(out_dir)))


def payload_17m(claimcheck):
    """A file of 17 MiB of random bytes: a multipart upload of 3 parts (8, 8 and 1 MiB)."""
    source = os.path.join(claimcheck.root, "payload-17m")
    with open(source, "wb") as f:
        f.write(os.urandom(17 * MIB))
    return source


def wait_or_kill(process):
    """Its stdout and stderr (text) once it has ended, killed if still running after WAIT_SECONDS."""
    try:
        process.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    out, err = process.communicate()
    return out, err.decode("utf-8", "replace").strip()


def s3_interrupt_with_a_silent_store(failures, claimcheck, settings, second_signal):
    """The store stops answering (the proxy holds every request for 600 s): the cleanup waits
    5 s for the upload's creation, then 5 s for its listing, sends nothing after that went
    unanswered, and the line says what may be left. Ctrl-C took 300 s here: ten requests' retries and read timeouts
    (forty-seventh audit). A second signal during that cleanup ends the process at once."""
    label = "s3 silent store, " + ("a second SIGINT" if second_signal else "SIGINT")
    prefix = unique_prefix("interrupt-silent")
    source = payload_17m(claimcheck)
    env = dict(claimcheck.env)
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow", "--slow-seconds", "600-600",
                    max_seconds=120) as proxy:
        env.update(s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        process = subprocess.Popen([claimcheck.exe, "offload", "--force", source], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=claimcheck.root)
        wait_until(lambda: proxy.stats()["faults"]["slow"] >= 1, "the upload's first request")
        send_signal_and_wait_taken(process, signal.SIGINT)
        if second_signal:
            # Taken or still pending as the cleanup begins, it ends the process then.
            process.send_signal(signal.SIGINT)
        out, err = wait_or_kill(process)
        requests = proxy.stats()["requests"]
    print("{}: exit {}, stderr {!r}".format(label, process.returncode, err[:160]), flush=True)
    failures.check(out == b"", "{}: printed {!r}".format(label, out[:80]))
    if second_signal:
        # Its default action: the shell's 130, and no line.
        failures.check(process.returncode == -signal.SIGINT and err == "",
                       "{}: exit {}, stderr {!r}".format(label, process.returncode, err))
    else:
        failures.check(process.returncode == 128 + signal.SIGINT, "{}: exit {}".format(label, process.returncode))
        failures.check(re.fullmatch(r"claimcheck: interrupted: INT, cleanup incomplete: put s3://\S+: no answer "
                                    r"within 5 s: its upload or the object may be left; gc removes anything left", err),
                       "{}: stderr {!r}".format(label, err))
        # The upload's creation, waited for in vain, then the cleanup's listing, unanswered:
        # the removal was not sent.
        failures.check(requests == 2, "{}: {} requests".format(label, requests))


def s3_interrupt_with_a_slow_store(failures, claimcheck, settings, stage):
    """Every request waits 2 s at the proxy, and is answered: interrupted while a part is on its
    way, or the upload's completion, the cleanup waits for the upload's requests under way, lets
    no other start, aborts the upload or removes the object, and says "nothing kept". The upload
    went on during the cleanup: the listing and the abort shared one 5 s bound (the abort timed
    out), and a CompleteMultipartUpload sent after the signal stored the object after its removal
    (forty-eighth audit, 6 of 7 runs)."""
    label = "s3 slow store, interrupted at the " + stage
    prefix = unique_prefix("interrupt-slow")
    source = payload_17m(claimcheck)
    env = dict(claimcheck.env)
    with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", "slow", "--slow-seconds", "2-2") as proxy:
        env.update(s3_env(settings, endpoint=proxy.url(), prefix=prefix))
        process = subprocess.Popen([claimcheck.exe, "offload", "--force", source], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=claimcheck.root)
        # POST: the upload's creation, then its completion.
        sent = {"part": ("PUT", 1), "completion": ("POST", 2)}[stage]
        wait_until(lambda: proxy.stats()["by_method"].get(sent[0], 0) >= sent[1], "the " + stage)
        send_signal_and_wait_taken(process, signal.SIGINT)
        out, err = wait_or_kill(process)
        # The requests the cleanup did not wait for (parts on their way) have been answered.
        wait_until(lambda: proxy.stats()["forwarded"] >= proxy.stats()["requests"], "every request to be answered")
        puts = proxy.stats()["by_method"].get("PUT", 0)
    left = keys_under(settings, prefix)
    uploads = check_exit_and_uploads(failures, label, settings, prefix, process.returncode, err, signal.SIGINT)
    failures.check(out == b"" and err == "claimcheck: interrupted: INT, nothing kept",
                   "{}: stdout {!r}, stderr {!r}".format(label, out[:80], err))
    failures.check(left == [], "{}: objects left: {}".format(label, left))
    if stage == "completion":
        # The 3 parts (8, 8 and 1 MiB), and not the copy onto itself that sets the sha256: begun
        # after the signal, it raced the cleanup's removal and stored the object anew (forty-ninth
        # audit, 4 of 74 runs).
        failures.check(puts == 3, "{}: {} PUT requests".format(label, puts))
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
        if settings is None:
            local_interrupt_while_delivering(failures, claimcheck)
            local_hangup_ignored_at_start(failures, claimcheck)
        else:
            for second_signal in (False, True):
                s3_interrupt_with_a_silent_store(failures, claimcheck, settings, second_signal)
            for stage in ("part", "completion"):
                s3_interrupt_with_a_slow_store(failures, claimcheck, settings, stage)
            s3_interrupt_while_upload_is_created(failures, claimcheck, settings, signal.SIGTERM)
            s3_interrupt_while_put_is_on_its_way(failures, claimcheck, settings, signal.SIGTERM)
            s3_interrupt_while_delivering(failures, claimcheck, settings)
            s3_interrupt_while_the_cleanup_runs(failures, claimcheck, settings)
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
