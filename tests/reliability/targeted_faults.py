#!/usr/bin/python3
"""One fault at a time, aimed at one S3 operation: every request of that
operation meets the fault once (tests/tools/fault_proxy.py --only REGEX
--fault-rate 1 --max-faults-per-request 1), then goes through. Each scenario
must still succeed with the exact bytes, and the proxy must have injected the
fault (so the scenario really exercised the retry path it names).

Covers what random faults reach only by luck: a lost answer to
CompleteMultipartUpload (the server completed it), to the metadata copy, to
CreateMultipartUpload, a part; a truncated or reset GET (resumed with a
Range); a skewed Date on every answer; gc and stats listings and DeleteObjects.

usage: targeted_faults.py CLAIMCHECK_EXE
"""

import os
import sys
import tempfile
from dataclasses import dataclass

from claimcheck_test import (Claimcheck, FaultProxy, Failures, keys_under, s3_env,
                        s3_settings_or_skip, sha256, unique_prefix)

MIB = 1 << 20
# "METHOD target" patterns of the S3 operations (path-style).
CREATE_MULTIPART = r"^POST \S*\?uploads(=|&|$)"
UPLOAD_PART = r"^PUT \S*[?&]partNumber="
COMPLETE_MULTIPART = r"^POST \S*\?uploadId="
PLAIN_PUT = r"^PUT [^?]*$"          # PutObject, or the metadata copy after a multipart upload
GET_OBJECT = r"^GET /[^?]+/[^?]+$"  # a key, not a listing
HEAD_OBJECT = r"^HEAD "
LIST_OBJECTS = r"^GET \S*[?&]list-type=2"
DELETE_OBJECTS = r"^POST \S*\?delete"
EVERYTHING = r"."


@dataclass
class Scenario:
    name: str
    fault: str
    only: str
    size: int           # payload bytes (> 8 MiB goes multipart)
    action: str = "round-trip"  # or "inspect", "gc", "stats"


SCENARIOS = [
    Scenario("CreateMultipartUpload answer lost", "reset-response", CREATE_MULTIPART, 20 * MIB),
    Scenario("CreateMultipartUpload 503", "503", CREATE_MULTIPART, 20 * MIB),
    Scenario("UploadPart reset mid-request", "reset-request", UPLOAD_PART, 20 * MIB),
    Scenario("UploadPart answer lost", "reset-response", UPLOAD_PART, 20 * MIB),
    Scenario("CompleteMultipartUpload answer lost", "reset-response", COMPLETE_MULTIPART, 20 * MIB),
    Scenario("CompleteMultipartUpload answer truncated", "truncate", COMPLETE_MULTIPART, 20 * MIB),
    Scenario("CompleteMultipartUpload 500", "500", COMPLETE_MULTIPART, 20 * MIB),
    Scenario("CompleteMultipartUpload 200 with an error body", "error-200", COMPLETE_MULTIPART,
             20 * MIB),
    Scenario("metadata copy 200 with an error body", "error-200", PLAIN_PUT, 20 * MIB),
    Scenario("metadata copy answer lost", "reset-response", PLAIN_PUT, 20 * MIB),
    Scenario("PutObject reset mid-request", "reset-request", PLAIN_PUT, 3 * MIB),
    Scenario("PutObject answer lost", "reset-response", PLAIN_PUT, 3 * MIB),
    Scenario("GetObject truncated (resume)", "truncate", GET_OBJECT, 20 * MIB),
    Scenario("GetObject reset mid-body (resume)", "reset-response", GET_OBJECT, 20 * MIB),
    Scenario("GetObject 503", "503", GET_OBJECT, 3 * MIB),
    Scenario("Date skewed on every answer", "skew", EVERYTHING, 20 * MIB),
    Scenario("every request slow once", "slow", EVERYTHING, 3 * MIB),
    Scenario("inspect --verify: HEAD answer lost", "reset-response", HEAD_OBJECT, 3 * MIB, "inspect"),
    Scenario("inspect --verify: GET truncated", "truncate", GET_OBJECT, 3 * MIB, "inspect"),
    Scenario("stats: listing truncated", "truncate", LIST_OBJECTS, 1 * MIB, "stats"),
    Scenario("gc: listing answer lost", "reset-response", LIST_OBJECTS, 1 * MIB, "gc"),
    Scenario("gc: DeleteObjects answer lost", "reset-response", DELETE_OBJECTS, 1 * MIB, "gc"),
]


def offload_and_retrieve(failures, claimcheck, env, label, data, path):
    offload = claimcheck.run(["offload", "--force", path], env=env, timeout=300)
    if not failures.check(offload.returncode == 0 and b"claim_check_ref" in offload.stdout,
                          "{}: offload: {}".format(label, offload.describe())):
        return None
    back = claimcheck.run(["retrieve"], stdin_bytes=offload.stdout, env=env, timeout=300)
    failures.check(back.returncode == 0 and sha256(back.stdout) == sha256(data),
                   "{}: retrieve not exact: {}".format(label, back.describe()))
    return offload.stdout


def run_action(failures, claimcheck, settings, scenario, proxy_env, direct_env, data, path):
    """Does the scenario's work through the proxy; the setup (objects to
    inspect, list or delete) goes straight to radosgw."""
    label = scenario.name
    if scenario.action == "round-trip":
        offload_and_retrieve(failures, claimcheck, proxy_env, label, data, path)
        return
    seeded = claimcheck.run(["offload", "--force", path], env=direct_env)
    if not failures.check(seeded.returncode == 0, "{}: seeding: {}".format(label, seeded.describe())):
        return
    if scenario.action == "inspect":
        run = claimcheck.run(["inspect", "--verify", "-"], stdin_bytes=seeded.stdout, env=proxy_env)
        failures.check(run.returncode == 0, "{}: {}".format(label, run.describe()))
    elif scenario.action == "stats":
        run = claimcheck.run(["stats", "--storage", "--json"], env=proxy_env)
        failures.check(run.returncode == 0, "{}: {}".format(label, run.describe()))
    elif scenario.action == "gc":
        prefix = proxy_env["CLAIMCHECK_PREFIX"]
        run = claimcheck.run(["gc", "--as-of", "+400d"], env=proxy_env)
        failures.check(run.returncode == 0, "{}: {}".format(label, run.describe()))
        left = keys_under(settings, prefix)
        failures.check(left == [], "{}: gc left {} object(s) under {}".format(label, len(left), prefix))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("targeted_faults")
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-targeted-") as root:
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root)
        payloads = {}
        for number, scenario in enumerate(SCENARIOS, 1):
            if scenario.size not in payloads:
                path = os.path.join(root, "payload-{}".format(scenario.size))
                payloads[scenario.size] = (os.urandom(scenario.size), path)
                with open(path, "wb") as f:
                    f.write(payloads[scenario.size][0])
            data, path = payloads[scenario.size]
            prefix = unique_prefix("targeted-{}".format(number))
            with FaultProxy(settings.endpoint, "--fault-rate", "1", "--faults", scenario.fault,
                            "--only", scenario.only, "--max-faults-per-request", "1",
                            "--slow-seconds", "0.5-1", "--seed", str(number)) as proxy:
                before = len(failures.messages)
                run_action(failures, claimcheck, settings, scenario,
                           s3_env(settings, endpoint=proxy.url(), prefix=prefix),
                           s3_env(settings, prefix=prefix), data, path)
                injected = proxy.stats()["faults"][scenario.fault]
            failures.check(injected > 0, "{}: no {} fault was injected".format(
                scenario.name, scenario.fault))
            print("{:2d} {} {:45s} {} x{}".format(
                number, "ok  " if len(failures.messages) == before and injected else "FAIL",
                scenario.name, scenario.fault, injected), flush=True)
    failures.finish("targeted faults: {} scenarios".format(len(SCENARIOS)))


if __name__ == "__main__":
    sys.exit(main())
