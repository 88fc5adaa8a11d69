#!/usr/bin/python3
"""64 parallel offloads, then 64 parallel retrieves (`xargs -P 16`) of distinct
payloads, all on one store and one journal directory (CLAIMCHECK_JOURNAL_DIR):
every round trip is exact, the journal holds exactly 128 valid records (64
offload, 64 retrieve) and `claimcheck stats --json` counts them exactly
(OffloadCount 64, RetrievalCount 64).

usage: concurrency.py CLAIMCHECK_EXE local|s3
"""

import json
import os
import random
import subprocess
import sys
import tempfile

from claimcheck_test import (Claimcheck, Failures, s3_env, s3_settings_or_skip,
                        sha256, unique_prefix)

COUNT = 64
PARALLEL = 16
KIB = 1 << 10

# Each job records its exit code beside its output: xargs alone would only
# say that some job failed.
OFFLOAD_JOB = '"$0" offload "$1/in.$2" >"$1/ref.$2" 2>"$1/err-offload.$2"; echo $? >"$1/rc-offload.$2"'
RETRIEVE_JOB = ('"$0" retrieve -o "$1/out.$2" "$1/ref.$2" 2>"$1/err-retrieve.$2"; '
                'echo $? >"$1/rc-retrieve.$2"')


def write_payloads(workdir):
    rng = random.Random(64)
    payloads = []
    for index in range(COUNT):
        size = rng.randrange(60 * KIB, 400 * KIB)
        if index % 2:
            data = rng.randbytes(size)
        else:
            data = ("payload {} ".format(index) * (size // 10 + 1)).encode()[:size]
        with open(os.path.join(workdir, "in.{}".format(index)), "wb") as f:
            f.write(data)
        payloads.append(data)
    return payloads


def run_parallel(claimcheck, workdir, job):
    indices = "".join("{}\n".format(i) for i in range(COUNT))
    subprocess.run(["xargs", "-P", str(PARALLEL), "-I{}", "sh", "-c", job, claimcheck.exe,
                    workdir, "{}"], input=indices.encode(), env=claimcheck.env, timeout=600)


def job_result(workdir, kind, index):
    def read(name):
        path = os.path.join(workdir, "{}-{}.{}".format(name, kind, index))
        with open(path, "rb") as f:
            return f.read()
    return read("rc").decode().strip(), read("err").decode("utf-8", "replace").strip()


def check_jobs(failures, workdir, kind):
    ok = 0
    for index in range(COUNT):
        code, err = job_result(workdir, kind, index)
        ok += failures.check(code == "0", "{} {} exited {}: {}".format(kind, index, code, err[:300]))
    return ok


def check_round_trips(failures, workdir, payloads):
    exact = 0
    for index, data in enumerate(payloads):
        path = os.path.join(workdir, "out.{}".format(index))
        got = open(path, "rb").read() if os.path.exists(path) else None
        exact += failures.check(got is not None and sha256(got) == sha256(data),
                                "round trip {} not exact".format(index))
    return exact


def journal_records(failures, journal_dir):
    records, bad = [], 0
    for name in sorted(os.listdir(journal_dir)):
        path = os.path.join(journal_dir, name)
        if not os.path.isfile(path) or name.endswith(".lock"):
            continue
        with open(path, "rb") as f:
            for line in f.read().split(b"\n"):
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except ValueError:
                    bad += 1
    failures.check(bad == 0, "{} journal line(s) are not valid JSON".format(bad))
    return records


def find_number(document, name):
    """The value of `name` wherever it sits in the stats JSON."""
    if isinstance(document, dict):
        if name in document:
            return document[name]
        values = (find_number(v, name) for v in document.values())
    elif isinstance(document, list):
        values = (find_number(v, name) for v in document)
    else:
        return None
    return next((v for v in values if v is not None), None)


def check_journal_and_stats(failures, claimcheck, journal_dir):
    records = journal_records(failures, journal_dir)
    ops = [r.get("op") for r in records]
    failures.check(len(records) == 2 * COUNT, "journal holds {} records, want {}".format(
        len(records), 2 * COUNT))
    failures.check(ops.count("offload") == COUNT, "journal: {} offload records".format(ops.count("offload")))
    failures.check(ops.count("retrieve") == COUNT, "journal: {} retrieve records".format(ops.count("retrieve")))
    failures.check(all(r.get("exit_code", 0) == 0 for r in records), "journal records a failure")
    run = claimcheck.run(["stats", "--json"])
    if not failures.check(run.returncode == 0, "stats --json failed: " + run.describe()):
        return
    try:
        stats = json.loads(run.stdout)
    except ValueError:
        failures.check(False, "stats --json is not JSON: {!r}".format(run.stdout[:200]))
        return
    for name in ("OffloadCount", "RetrievalCount"):
        value = find_number(stats, name)
        failures.check(value == COUNT, "stats --json {} = {}, want {}".format(name, value, COUNT))
    print("journal: {} records ({} offload, {} retrieve); stats OffloadCount {} RetrievalCount {}"
          .format(len(records), ops.count("offload"), ops.count("retrieve"),
                  find_number(stats, "OffloadCount"), find_number(stats, "RetrievalCount")))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("local", "s3"):
        print(__doc__)
        return 2
    mode = sys.argv[2]
    extra = {}
    if mode == "s3":
        settings = s3_settings_or_skip("concurrency s3")
        extra = s3_env(settings, prefix=unique_prefix("concurrency"))
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-concurrency-") as root:
        journal_dir = os.path.join(root, "journal")
        extra["CLAIMCHECK_JOURNAL_DIR"] = journal_dir
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root, extra)
        workdir = os.path.join(root, "work")
        os.makedirs(workdir)
        payloads = write_payloads(workdir)
        run_parallel(claimcheck, workdir, OFFLOAD_JOB)
        offloaded = check_jobs(failures, workdir, "offload")
        run_parallel(claimcheck, workdir, RETRIEVE_JOB)
        retrieved = check_jobs(failures, workdir, "retrieve")
        exact = check_round_trips(failures, workdir, payloads)
        check_journal_and_stats(failures, claimcheck, journal_dir)
    failures.finish("{}: {} offloads ok, {} retrieves ok, {} exact round trips of {}".format(
        mode, offloaded, retrieved, exact, COUNT))


if __name__ == "__main__":
    sys.exit(main())
