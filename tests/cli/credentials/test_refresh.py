#!/usr/bin/python3
"""Temporary credentials refreshed in the middle of long operations.

Each set comes from radosgw's real STS (credential_server.py --mint-sts runs
AssumeRole per fetch and hands the result out as container credentials), the
first claimed to expire 5 min 1 s after it is handed out (rounded up to the
second): it falls inside the 5-minute refresh margin 1 to 2 s later. What
makes the operations outlast that is the fault proxy in front of radosgw, not
a sleep in the test:
  - the issue's 200 MiB multipart offload (25 parts of 8 MiB, 4 in flight),
    request bodies throttled to 40 MiB/s in total: it lasts at least 5 s, so
    most parts start after the refresh is due (CLAIMCHECK_TEST_REFRESH_MIB
    changes the size);
  - a gc whose listing the proxy answers 3 s late, so its delete finds the
    refresh due, and is signed with the first set while the refresh runs.
The offload completes and retrieves intact, claimcheck's -vv trace shows
exactly one refresh, the agent was asked twice, and the proxy saw the early
requests signed with the first set and the later ones with the second.
And serve, whose credential_process hands out a set inside the margin: a
refresh that fails is a warning at the default verbosity, and one that hangs
holds no request.

usage: test_refresh.py CLAIMCHECK_EXE
"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

import credtest
from credtest import S3, CredentialTestCase, run_suite, skip_without_s3

MIB = 1 << 20
SIZE = int(os.environ.get("CLAIMCHECK_TEST_REFRESH_MIB", "200")) * MIB
THROTTLE = 40 * MIB  # bytes per second through the proxy
FIRST_LIFETIME = 5 * 60 + 1  # inside the margin 1 to 2 s after it is handed out


class Refresh(CredentialTestCase):
    def setUp(self):
        super().setUp()
        if not (credtest.STS_ENDPOINT and credtest.ROLE_ARN):
            self.fail("CLAIMCHECK_TEST_S3_STS_ENDPOINT / _ROLE_ARN are not set")
        self.agent = self.server("--mint-sts", credtest.STS_ENDPOINT, "--mint-role-arn", credtest.ROLE_ARN,
                                 "--access-key", S3["ACCESS_KEY"], "--secret-key", S3["SECRET_KEY"],
                                 "--container-token", "agent-token",
                                 "--expires-in", "{},3600".format(FIRST_LIFETIME))
        self.env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.agent.url + "/container/credentials",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "agent-token"})

    def trace_counts(self, result):
        fetched = [line for line in result.err_lines() if line.startswith("claimcheck: credentials: fetched from")]
        refreshed = [line for line in result.err_lines() if line.startswith("claimcheck: credentials: refreshed from")]
        return len(fetched), len(refreshed)

    def keys_in_order(self, proxy):
        """The access keys the proxy saw, in the order first seen."""
        return [key for key, _count in proxy.stats()["access_keys"]]

    def test_a_multipart_offload_outliving_its_credentials_refreshes_once(self):
        proxy = self.proxy(credtest.STS_ENDPOINT, "--throttle", str(THROTTLE))
        self.env["AWS_ENDPOINT_URL_S3"] = proxy.url
        payload = self.write("payload.bin", os.urandom(MIB) * (SIZE // MIB))
        offload = self.run_cc("-vv", "offload", "--force", "--compress", "never", "-o", self.path("ref.json"),
                              payload)
        self.assertEqual(offload.code, 0, offload.err[-3000:])
        self.assertEqual(self.trace_counts(offload), (1, 1), offload.err[-3000:])
        self.assertEqual(self.agent.served("container"), 2)
        keys = self.keys_in_order(proxy)
        self.assertEqual(len(keys), 2, proxy.stats())
        parts = [line for line in offload.err_lines() if "partNumber=" in line and " -> 200" in line]
        self.assertEqual(len(parts), SIZE // (8 * MIB))
        refresh_at = next(i for i, line in enumerate(offload.err_lines()) if "credentials: refreshed" in line)
        before = [line for line in offload.err_lines()[:refresh_at] if "partNumber=" in line]
        after = [line for line in offload.err_lines()[refresh_at:] if "partNumber=" in line]
        self.assertTrue(before and after, "the refresh did not fall between parts")
        self.assertNotIn(" -> 403", offload.err)

        self.env["AWS_ENDPOINT_URL_S3"] = credtest.STS_ENDPOINT  # straight back, unthrottled
        digest = hashlib.sha256()
        with open(self.path("ref.json"), "rb") as reference:
            retrieve = self.run_cc("retrieve", "-o", self.path("back.bin"), stdin=reference.read())
        self.assertEqual(retrieve.code, 0, retrieve.err)
        with open(payload, "rb") as original, open(self.path("back.bin"), "rb") as back:
            for block in iter(lambda: back.read(MIB), b""):
                digest.update(block)
            self.assertEqual(digest.hexdigest(), hashlib.sha256(original.read()).hexdigest())

    def test_credentials_refused_mid_upload_name_the_upload_they_could_not_abort(self):
        """The first set (the user's keys) says it expires 2 s after it is handed out; the next
        one is refused by the store. The parts after the 2 s fail, and so does the abort: the line
        names the upload left open and what removes it, and that upload is the one open."""
        script = self.write("creds.py", """#!/usr/bin/python3
import datetime, json, os, sys
count = sys.argv[1]
first = not os.path.exists(count)
open(count, "a").write("x")
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2 if first else 3600)
print(json.dumps({"Version": 1, "AccessKeyId": %r if first else "AKIDREFUSED",
                  "SecretAccessKey": %r if first else "refused-secret",
                  "Expiration": expires.strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")}))
""" % (S3["ACCESS_KEY"], S3["SECRET_KEY"]), mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {} {}\n".format(script, self.path("count")))
        proxy = self.proxy(credtest.STS_ENDPOINT, "--throttle", str(THROTTLE))
        self.env["AWS_ENDPOINT_URL_S3"] = proxy.url
        payload = self.write("payload.bin", os.urandom(MIB) * 160)  # 4 s at the throttle: parts after the 2 s
        offload = self.run_cc("offload", "--force", "--compress", "never", "--prefix", "refused-mid-upload/",
                              payload)
        self.assertEqual(offload.code, 6, offload.err)
        self.assertEqual(offload.out, "")
        line = offload.err_lines()[-1]
        self.assertRegex(line, r"; its multipart upload \S+ could not be aborted \(\w+\): gc aborts it once older "
                               r"than --uploads-older-than$")
        upload_id = line.split("; its multipart upload ")[1].split(" ")[0]
        client = credtest.s3_client()
        open_uploads = client.list_multipart_uploads(Bucket=S3["BUCKET"], Prefix="refused-mid-upload/")
        self.assertEqual([u["UploadId"] for u in open_uploads.get("Uploads", [])], [upload_id])
        upload = open_uploads["Uploads"][0]
        client.abort_multipart_upload(Bucket=S3["BUCKET"], Key=upload["Key"], UploadId=upload_id)

    def test_a_command_that_has_its_result_does_not_wait_for_a_refresh_that_hangs(self):
        """gc's delete finds the refresh due (the set says it expires in 5 min 1 s) and the
        command's second run hangs: gc exited 52-59 s after its result, when the 60 s bound
        ended the command, and warned that it would try again in 10 s."""
        count = self.path("runs")
        script = self.write("creds.py", """#!/usr/bin/python3
import datetime, json, os, sys, time
first = not os.path.exists(%(count)r)
open(%(count)r, "a").write("x")
if not first:
    time.sleep(55)
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=%(lifetime)d)
print(json.dumps({"Version": 1, "AccessKeyId": %(key)r, "SecretAccessKey": %(secret)r,
                  "Expiration": expires.strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")}))
""" % {"count": count, "key": S3["ACCESS_KEY"], "secret": S3["SECRET_KEY"], "lifetime": FIRST_LIFETIME},
                            mode=0o700)
        keys = dict(self.env, AWS_ENDPOINT_URL_S3=credtest.STS_ENDPOINT, AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"],
                    AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        stored = self.run_cc("offload", "--force", "--ttl", "1s", stdin=b"old " * 20000, env=keys)
        self.assertEqual(stored.code, 0, stored.err)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        proxy = self.proxy(credtest.STS_ENDPOINT, "--faults", "slow", "--fault-rate", "1", "--slow-seconds", "3",
                           "--only", "^GET .*list-type=2")
        self.env["AWS_ENDPOINT_URL_S3"] = proxy.url
        started = time.monotonic()
        gc = self.run_cc("gc", "--json", "--as-of", "2200-01-01T00:00:00Z", timeout=120)
        took = time.monotonic() - started
        self.assertEqual(gc.code, 0, gc.err)
        self.assertEqual(gc.json()["deleted"], 1)
        self.assertEqual(len(open(count).read()), 2)  # the refresh started, and hung
        self.assertLess(took, 30, gc.err)
        self.assertEqual(gc.err, "")

    def test_serve_warns_of_a_failed_refresh_and_holds_no_request_for_one(self):
        """The set expires in 4 minutes, inside the margin: serve refreshes every 10 s. The
        second run of the command fails, the third hangs (the request that started it had waited
        for it: 60 s, then a 503 with 50 s of valid credentials left)."""
        count = self.path("runs")
        script = self.write("creds.py", """#!/usr/bin/python3
import datetime, json, os, sys, time
runs = len(open(%(count)r).read()) if os.path.exists(%(count)r) else 0
open(%(count)r, "a").write("x")
if runs == 1:
    sys.exit("creds.py: down for the test")
if runs >= 2:
    time.sleep(55)
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=4)
print(json.dumps({"Version": 1, "AccessKeyId": %(key)r, "SecretAccessKey": %(secret)r,
                  "Expiration": expires.strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")}))
""" % {"count": count, "key": S3["ACCESS_KEY"], "secret": S3["SECRET_KEY"]}, mode=0o700)
        self.env["AWS_ENDPOINT_URL_S3"] = credtest.STS_ENDPOINT
        keys = dict(self.env, AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        stored = self.run_cc("offload", "--force", stdin=b"a payload behind a reference " * 2000, env=keys)
        self.assertEqual(stored.code, 0, stored.err)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        serve = subprocess.Popen([credtest.BINARY, "serve", "--listen", "127.0.0.1:0", "--cache-size", "0"],
                                 env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        lines = []
        listening = threading.Event()

        def read_log():
            for line in serve.stderr:
                lines.append(line.rstrip("\n"))
                if "listening on" in line:
                    listening.set()
            listening.set()
        reader = threading.Thread(target=read_log, daemon=True)
        reader.start()
        try:
            self.assertTrue(listening.wait(30), lines)
            port = int(re.search(r"listening on http://\S+:(\d+) ", "\n".join(lines)).group(1))
            body = json.dumps({"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                                             "data": base64.b64encode(stored.out.encode()).decode()}]}).encode()

            def decode():
                request = urllib.request.Request("http://127.0.0.1:%d/decode" % port, data=body,
                                                 headers={"Content-Type": "application/json"})
                started = time.monotonic()
                with urllib.request.urlopen(request, timeout=30) as response:
                    self.assertEqual(response.status, 200)
                    response.read()
                return time.monotonic() - started

            def runs():
                return len(open(count).read()) if os.path.exists(count) else 0
            # Requests until the command has run a third time (its first refresh fails,
            # its second hangs): each answered 200, none held by either.
            slowest = 0.0
            deadline = time.monotonic() + 60
            while runs() < 3 and time.monotonic() < deadline:
                slowest = max(slowest, decode())
                time.sleep(0.2)  # the load's pace, not a wait for an event
            self.assertEqual(runs(), 3, lines)
            slowest = max(slowest, decode())
            self.assertLess(slowest, 10, lines)
            warnings = [line for line in lines if line.startswith("claimcheck: warning: credentials: refreshing")]
            self.assertEqual(len(warnings), 1, lines)
            self.assertRegex(warnings[0], r"^claimcheck: warning: credentials: refreshing from credential_process of "
                                          r"aws profile default failed \(it exited with status 1\); the current ones "
                                          r"are valid until \S+Z, tried again in 10 s$")
        finally:
            serve.terminate()
            self.assertEqual(serve.wait(30), 0, lines)
            reader.join(5)

    def test_a_gc_outliving_its_credentials_refreshes_once(self):
        self.env["AWS_ENDPOINT_URL_S3"] = credtest.STS_ENDPOINT
        # Stored with the user's own keys (they outrank the agent), so the
        # agent's first set, the short-lived one, goes to the gc.
        keys = dict(self.env, AWS_ACCESS_KEY_ID=S3["ACCESS_KEY"], AWS_SECRET_ACCESS_KEY=S3["SECRET_KEY"])
        for index in range(3):
            stored = self.run_cc("offload", "--force", "--ttl", "1s", stdin=b"old %d " % index * 20000, env=keys)
            self.assertEqual(stored.code, 0, stored.err)
        served_before = self.agent.served("container")
        # The listing comes back 3 s late: the deletes that follow it are due a refresh.
        proxy = self.proxy(credtest.STS_ENDPOINT, "--faults", "slow", "--fault-rate", "1", "--slow-seconds", "3",
                           "--only", "^GET .*list-type=2")
        self.env["AWS_ENDPOINT_URL_S3"] = proxy.url
        gc = self.run_cc("-vv", "gc", "--json", "--as-of", "2200-01-01T00:00:00Z")
        self.assertEqual(gc.code, 0, gc.err)
        self.assertEqual(gc.json()["deleted"], 3)
        # The refresh's own line comes if it ended before the gc did (one
        # still under way at the end is abandoned: nothing would sign with it).
        fetched, refreshed = self.trace_counts(gc)
        self.assertEqual(fetched, 1, gc.err)
        self.assertLessEqual(refreshed, 1, gc.err)
        self.assertEqual(self.agent.served("container") - served_before, 2)
        lines = gc.err_lines()
        listed_at = next(i for i, line in enumerate(lines) if "list-type=2" in line)
        # The delete that found the refresh due was not held for it: signed
        # with the first set, still valid, while the refresh ran beside it.
        self.assertTrue(any("?delete" in line and " -> 200" in line for line in lines[listed_at:]), gc.err)
        self.assertNotIn(" -> 403", gc.err)
        issued = self.agent.stats()["issued"]
        self.assertEqual(self.keys_in_order(proxy)[0], issued[-2]["AccessKeyId"], proxy.stats())


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    skip_without_s3()
    sys.exit(run_suite(Refresh))
