#!/usr/bin/python3
"""300 offload + retrieve round trips through tests/tools/fault_proxy.py with
20% of the S3 requests faulted (every fault kind), 4 at a time: each must come
back byte for byte (sha256). Sizes are mixed: most 50 KiB..2 MiB, text-like
and random; a few 20 MiB random ones go multipart (8 MiB parts).

The proxy faults one METHOD+target at most 3 times in a row, so a client that
retries (5 attempts) always gets through: a failure here is a client bug, not
bad luck. Prints the proxy's counters (faults injected by kind) and the number
of round trips that passed.

usage: fault_roundtrips.py CLAIMCHECK_EXE [ROUND_TRIPS]
"""

import concurrent.futures
import json
import os
import random
import sys
import tempfile
import threading
import time

from claimcheck_test import (Claimcheck, FaultProxy, Failures, s3_env,
                        s3_settings_or_skip, sha256, unique_prefix)

SEED = 20261129
KIB, MIB = 1 << 10, 1 << 20
LARGE_EVERY = 60          # one 20 MiB payload in 60 (5 of 300)
PARALLEL = 4
# 8 MiB parts, 4 in flight, plus the next one being read: about 40 MiB of
# buffers. Retries must not make a process hold a whole payload.
MAX_RSS_MIB = 160
WORDS = ("claim check payload workflow activity result temporal history offload retrieve "
         "radosgw bucket reference gzip stream sha256 digest journal expiry").split()


def payload_plan(count, rng):
    """(index, size, kind) for each round trip."""
    plan = []
    for index in range(count):
        if index % LARGE_EVERY == LARGE_EVERY - 1:
            plan.append((index, 20 * MIB + rng.randrange(MIB), "random"))
        else:
            plan.append((index, rng.randrange(50 * KIB, 2 * MIB + 1),
                         "text" if index % 2 == 0 else "random"))
    return plan


def make_payload(index, size, kind):
    rng = random.Random(SEED * 1000 + index)
    header = "round trip {} of kind {}\n".format(index, kind).encode()
    if kind == "random":
        return (header + rng.randbytes(size))[:size]
    lines = []
    length = len(header)
    line_number = 0
    while length < size:
        line = "{:07d} {} {} {}\n".format(line_number, rng.choice(WORDS), rng.choice(WORDS),
                                           rng.randrange(10 ** 6)).encode()
        lines.append(line)
        length += len(line)
        line_number += 1
    return (header + b"".join(lines))[:size]


class RoundTrips:
    def __init__(self, claimcheck, env, workdir, failures):
        self.claimcheck = claimcheck
        self.env = env
        self.workdir = workdir
        self.failures = failures
        self.lock = threading.Lock()
        self.passed = 0
        self.multipart_passed = 0
        self.peak_rss_kib = 0

    def note_memory(self, label, run):
        with self.lock:
            self.peak_rss_kib = max(self.peak_rss_kib, run.max_rss_kib)
        if not self.claimcheck.sanitized:  # quarantine makes a sanitizer's peak meaningless
            self.failures.check(run.max_rss_kib <= MAX_RSS_MIB * 1024,
                                "{}: peak memory {} MiB > {} MiB".format(
                                    label, run.max_rss_kib // 1024, MAX_RSS_MIB))

    def one(self, item):
        index, size, kind = item
        data = make_payload(index, size, kind)
        source = os.path.join(self.workdir, "in.{}".format(index))
        target = os.path.join(self.workdir, "out.{}".format(index))
        with open(source, "wb") as f:
            f.write(data)
        try:
            if self.round_trip(index, source, target, data):
                with self.lock:
                    self.passed += 1
                    self.multipart_passed += size >= 8 * MIB
        finally:
            for path in (source, target):
                if os.path.exists(path):
                    os.unlink(path)

    def round_trip(self, index, source, target, data):
        label = "round trip {} ({} bytes)".format(index, len(data))
        offload = self.claimcheck.run(["offload", "--force", source], env=self.env, timeout=300)
        self.note_memory(label + " offload", offload)
        if not self.failures.check(offload.returncode == 0,
                                   "{}: offload failed: {}".format(label, offload.describe())):
            return False
        try:
            reference = json.loads(offload.stdout)
        except ValueError:
            reference = None
        if not self.failures.check(isinstance(reference, dict) and
                                   reference.get("_type") == "claim_check_ref",
                                   "{}: offload printed no reference: {!r}".format(
                                       label, offload.stdout[:200])):
            return False
        # Half the retrieves write with -o (staged file), half to stdout (spooled).
        to_file = index % 2 == 0
        retrieve = self.claimcheck.run(["retrieve", "-o", target] if to_file else ["retrieve"],
                                       stdin_bytes=offload.stdout, env=self.env, timeout=300)
        self.note_memory(label + " retrieve", retrieve)
        if not self.failures.check(retrieve.returncode == 0,
                                   "{}: retrieve failed: {}".format(label, retrieve.describe())):
            return False
        if to_file:
            with open(target, "rb") as f:
                got = f.read()
        else:
            got = retrieve.stdout
        return self.failures.check(sha256(got) == sha256(data),
                                   "{}: retrieved {} bytes that differ from the original".format(
                                       label, len(got)))


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 300
    settings = s3_settings_or_skip("fault_roundtrips")
    failures = Failures()
    plan = payload_plan(count, random.Random(SEED))
    with tempfile.TemporaryDirectory(prefix="cc-faults-") as root, \
            FaultProxy(settings.endpoint, "--fault-rate", "0.2", "--seed", str(SEED),
                       "--faults", "reset-request,reset-response,500,503,slow,truncate,skew",
                       "--max-faults-per-request", "3", "--slow-seconds", "1-2") as proxy:
        env = s3_env(settings, endpoint=proxy.url(), prefix=unique_prefix("faults"))
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root, env)
        trips = RoundTrips(claimcheck, env, root, failures)
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(trips.one, plan))
        elapsed = time.monotonic() - started
        stats = proxy.stats()
    kinds_hit = [kind for kind, n in stats["faults"].items() if n > 0]
    print("proxy: {} requests, {} forwarded, {} faults injected: {}".format(
        stats["requests"], stats["forwarded"], stats["faults_total"],
        json.dumps(stats["faults"], sort_keys=True)))
    failures.check(stats["faults_total"] > 0, "the proxy injected no fault")
    failures.check(len(kinds_hit) == 7, "not every fault kind was injected: " + ", ".join(kinds_hit))
    failures.check(trips.passed == count, "{} of {} round trips failed".format(
        count - trips.passed, count))
    large = sum(1 for _, size, _ in plan if size >= 8 * MIB)
    failures.finish("round trips passed: {}/{} ({} of {} multipart) in {:.0f}s; faults injected: {};"
                    " peak memory of a claimcheck run {} MiB"
                    .format(trips.passed, count, trips.multipart_passed, large, elapsed,
                            stats["faults_total"], trips.peak_rss_kib // 1024))


if __name__ == "__main__":
    sys.exit(main())
