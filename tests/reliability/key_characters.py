#!/usr/bin/python3
"""Key prefixes full of characters that S3 signing, URL encoding, XML
listings or file paths get wrong (spaces, + = & ? # %, XML specials, quotes,
unicode, a backslash): offload, retrieve (exact), inspect (present) and gc
(finds and deletes exactly what it stored) all work end to end through the
CLI, on radosgw and on the local store. A control character in the prefix
is refused as a bad --prefix (2), and so is a backslash, by every store
alike and before anything is stored (the key rules are one, and a backslash
could mean another path on some system).

usage: key_characters.py CLAIMCHECK_EXE local|s3
"""

import json
import os
import sys
import tempfile

from claimcheck_test import (Claimcheck, Failures, keys_under, s3_env,
                        s3_settings_or_skip, sha256, unique_prefix)

BACKSLASH = "back\\slash/"
PREFIXES = [
    "a b+c=d&e?f#g%h~i!j*k(l)m/",
    "ünïcödé/日本/",
    "x<y>&\"z'/",
    "semi;colon,comma:$@[]{}/",
    BACKSLASH,
    "%2F%41 already-encoded/",
]


def one_prefix(failures, claimcheck, base, prefix, payload_path, data, settings):
    full = base + prefix
    label = repr(prefix)
    offload = claimcheck.run(["offload", "--force", "--prefix", full, payload_path])
    if not failures.check(offload.returncode == 0, "{}: offload: {}".format(label, offload.describe())):
        return
    key = json.loads(offload.stdout)["key"]
    failures.check(key.startswith(full), "{}: key {!r} does not start with the prefix".format(label, key))
    back = claimcheck.run(["retrieve"], stdin_bytes=offload.stdout)
    failures.check(back.returncode == 0 and sha256(back.stdout) == sha256(data),
                   "{}: retrieve: {}".format(label, back.describe()))
    inspect = claimcheck.run(["inspect", "--verify", "-"], stdin_bytes=offload.stdout)
    failures.check(inspect.returncode == 0, "{}: inspect: {}".format(label, inspect.describe()))
    dry = claimcheck.run(["gc", "--dry-run", "--as-of", "+400d", "--prefix", full])
    failures.check(dry.returncode == 0 and key.encode() in dry.stdout,
                   "{}: gc --dry-run does not list {!r}: {}".format(label, key, dry.describe()))
    gc = claimcheck.run(["gc", "--as-of", "+400d", "--prefix", full])
    failures.check(gc.returncode == 0, "{}: gc: {}".format(label, gc.describe()))
    gone = claimcheck.run(["retrieve"], stdin_bytes=offload.stdout)
    failures.check(gone.returncode == 4, "{}: after gc, retrieve should be 4: {}".format(
        label, gone.describe()))
    if settings is not None:
        failures.check(keys_under(settings, full) == [], "{}: objects left after gc".format(label))
    print("{:40s} ok".format(label) if inspect.returncode == 0 and gone.returncode == 4 else
          "{:40s} FAIL".format(label), flush=True)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("local", "s3"):
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("key_characters s3") if sys.argv[2] == "s3" else None
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-keys-") as root:
        base = unique_prefix("keys")
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root,
                                s3_env(settings, prefix=base) if settings else {})
        data = os.urandom(80 * 1024)
        payload_path = os.path.join(root, "payload")
        with open(payload_path, "wb") as f:
            f.write(data)
        refused = ["tab\there/", BACKSLASH]
        for prefix in PREFIXES:
            if prefix not in refused:
                one_prefix(failures, claimcheck, base, prefix, payload_path, data, settings)
        for prefix in refused:
            run = claimcheck.run(["offload", "--force", "--prefix", base + prefix, payload_path])
            failures.check(run.returncode == 2 and len(run.stderr_lines()) == 1 and "--prefix" in run.stderr_text,
                           "{!r} in the prefix: want exit 2 naming --prefix: {}".format(prefix, run.describe()))
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
