#!/usr/bin/python3
"""--json-fields under faults: a workflow-state document with 40 large fields
(objects, arrays and strings of 60..250 KB) and small ones is offloaded field
by field, then restored with 16 fetches at a time, both through
tests/tools/fault_proxy.py with 20% of requests faulted. The restored document
equals the original, every large field became a reference on the way, and
the small fields were left as they were.

usage: json_fields_faults.py CLAIMCHECK_EXE
"""

import json
import os
import random
import sys
import tempfile

from claimcheck_test import (Claimcheck, FaultProxy, Failures, s3_env,
                        s3_settings_or_skip, unique_prefix)

LARGE_FIELDS = 40
KB = 1000


def large_value(rng, index):
    size = rng.randrange(60 * KB, 250 * KB)
    kind = index % 3
    if kind == 0:
        return {"photos": [{"id": i, "url": "https://example.com/{}/{}".format(index, i),
                            "w": rng.randrange(4000)} for i in range(size // 50)]}
    if kind == 1:
        return [rng.random() for _ in range(size // 20)]
    return rng.randbytes(size // 2).hex()


def workflow_state(rng):
    data = {"step{}".format(i): large_value(rng, i) for i in range(LARGE_FIELDS)}
    data.update({"small{}".format(i): {"n": i, "ok": True} for i in range(10)})
    return {"workflow": "reliability", "data": data, "context": {"attempt": 1, "note": "é ✓"}}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("json_fields_faults")
    failures = Failures()
    document = workflow_state(random.Random(40))
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    with tempfile.TemporaryDirectory(prefix="cc-json-fields-") as root, \
            FaultProxy(settings.endpoint, "--fault-rate", "0.2", "--seed", "40",
                       "--max-faults-per-request", "3", "--slow-seconds", "0.5-1") as proxy:
        env = s3_env(settings, endpoint=proxy.url(), prefix=unique_prefix("json-fields"))
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root, env)
        offload = claimcheck.run(["offload", "--json-fields"], stdin_bytes=text, timeout=300)
        if not failures.check(offload.returncode == 0, "offload --json-fields: " + offload.describe()):
            failures.finish()
        offloaded = json.loads(offload.stdout)
        references = [k for k, v in offloaded["data"].items()
                      if isinstance(v, dict) and v.get("_type") == "claim_check_ref"]
        failures.check(len(references) == LARGE_FIELDS, "{} fields offloaded, want {}".format(
            len(references), LARGE_FIELDS))
        failures.check(all(offloaded["data"]["small{}".format(i)] == document["data"]["small{}".format(i)]
                           for i in range(10)), "a small field changed")
        failures.check(len(offload.stdout) < len(text) // 20, "the offloaded document is not small")
        back = claimcheck.run(["retrieve", "--json-fields", "-j", "16"], stdin_bytes=offload.stdout,
                              timeout=300)
        failures.check(back.returncode == 0, "retrieve --json-fields: " + back.describe())
        if back.returncode == 0:
            failures.check(json.loads(back.stdout) == document, "the restored document differs")
            print("restored byte-identical: {}".format(back.stdout.rstrip(b"\n") == text))
        stats = proxy.stats()
    print("proxy: {} requests, {} faults injected {}".format(
        stats["requests"], stats["faults_total"], json.dumps(stats["faults"], sort_keys=True)))
    failures.check(stats["faults_total"] > 0, "no fault injected")
    failures.finish("json-fields under faults: {} references".format(len(references)))


if __name__ == "__main__":
    sys.exit(main())
