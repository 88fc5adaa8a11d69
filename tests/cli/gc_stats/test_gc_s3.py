"""End-to-end `claimcheck gc` and `stats` on a real S3 server (radosgw), read
from CLAIMCHECK_TEST_S3_*; exits 77 (skipped) without them unless
CLAIMCHECK_TEST_REQUIRE_S3=1. Each test uses its own random key prefix.

Request bounds are counted by tests/tools/counting_proxy.py between claimcheck
and the server; the SIGINT test slows that proxy down so that the signal
arrives while delete batches are in flight (and a second one while gc is
still stopping)."""
import datetime
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gc_cli  # noqa: E402
from gc_cli import GcTestCase, S3Backend, layout_key, utc_now  # noqa: E402
from gc_scenario import MixedTtlScenario  # noqa: E402
from claimcheck_test import Result, send_signal_and_wait_taken, with_faketime  # noqa: E402

DAY = datetime.timedelta(days=1)


def list_requests_beyond_short_pages(counts):
    """ListObjectsV2 requests, less one for each truncated page the server
    returned with fewer than 1000 keys (radosgw sometimes does): what remains
    is at most ceil(N/1000), one request per full page (fewer when several
    short pages share out the keys)."""
    return counts.get("ListObjectsV2", 0) - counts.get("ListObjectsV2 short page", 0)


class CountingProxy:
    def __init__(self, *delays):
        args = [sys.executable, gc_cli.PROXY, "--upstream", gc_cli.S3["ENDPOINT"]]
        for d in delays:
            args += ["--delay", d]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.endpoint = f"http://127.0.0.1:{self.proc.stdout.readline().strip()}"

    def counts(self):
        with urllib.request.urlopen(self.endpoint + "/__counts", timeout=10) as r:
            return json.load(r)["by_operation"]

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class S3Gc(GcTestCase, MixedTtlScenario):
    def setUp(self):
        super().setUp()
        self.backend = S3Backend()

    def tearDown(self):
        self.backend.delete_all(self.prefix)
        super().tearDown()

    def open_uploads(self, prefix):
        page = self.backend.client.list_multipart_uploads(Bucket=self.backend.bucket, Prefix=prefix)
        return {u["UploadId"] for u in page.get("Uploads", [])}

    def test_a_clock_hours_ahead_is_read_by_the_stores(self):
        """On a machine whose clock is 2 hours ahead (faketime), gc's first listing is refused and
        signed again at the store's time; ages and a relative --as-of are then read by the store's
        clock too. An object written just now is not "older than 1h", nor an upload begun just now
        "begun 1h or more ago" (the twenty-third audit saw both go)."""
        payload = b"fresh " * 20000
        ref = self.offload(payload, "1d")
        client, bucket = self.backend.client, self.backend.bucket
        key = self.prefix + str(uuid.uuid4())
        upload = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        try:
            argv, env = with_faketime("+2h", [gc_cli.BINARY, *self.backend.global_args, "gc", "--prefix", self.prefix,
                                              "--as-of", "+40d", "--older-than", "1h", "--uploads-older-than", "1h",
                                              "--json"], dict(self.env, **self.backend.env))
            r = Result(subprocess.run(argv, capture_output=True, env=env, timeout=600), text=True)
            self.assertEqual(r.code, 0, r.err)
            doc = r.json()
            self.assertEqual((doc["scanned"], doc["deleted"], doc["uploads_found"], doc["uploads_stale"]),
                             (1, 0, 1, 0), doc)
            self.assertEqual(self.retrieve(ref), payload)
            self.assertIn(upload, self.open_uploads(self.prefix))
        finally:
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload)

    def test_stale_multipart_uploads_are_aborted(self):
        client, bucket = self.backend.client, self.backend.bucket
        inside = client.create_multipart_upload(Bucket=bucket, Key=self.prefix + str(uuid.uuid4()))["UploadId"]
        client.upload_part(Bucket=bucket, Key=self.prefix + "p", UploadId=client.create_multipart_upload(
            Bucket=bucket, Key=self.prefix + "p")["UploadId"], PartNumber=1, Body=b"x" * 1024)
        outside_key = self.prefix.rstrip("/") + "-sibling/" + str(uuid.uuid4())
        outside = client.create_multipart_upload(Bucket=bucket, Key=outside_key)["UploadId"]
        try:
            # Begun just now: younger than the default day, so left alone.
            doc = self.gc("--json").json()
            self.assertEqual((doc["uploads_found"], doc["uploads_stale"]), (2, 0))
            self.assertEqual(len(self.open_uploads(self.prefix)), 2)
            # --as-of judges objects, not uploads: their age is from now, so
            # an offload still writing keeps its upload.
            doc = self.gc("--as-of", "+2d", "--json").json()
            self.assertEqual((doc["uploads_found"], doc["uploads_stale"], doc["uploads_aborted"]), (2, 0, 0))
            # Any age at all: both under the prefix are stale; the dry run lists them.
            dry = self.gc("--uploads-older-than", "0s", "--dry-run")
            upload_lines = [l for l in dry.out.splitlines() if "\tincomplete upload " in l]
            self.assertEqual(len(upload_lines), 2)
            self.assertTrue(any(inside in l for l in upload_lines))
            self.assertIn("would abort: 2", dry.out)
            doc = self.gc("--uploads-older-than", "0s", "--json").json()
            self.assertEqual((doc["uploads_stale"], doc["uploads_aborted"], doc["upload_errors"]), (2, 2, 0))
            self.assertEqual(self.open_uploads(self.prefix), set())
            self.assertIn(outside, self.open_uploads(outside_key))
        finally:
            client.abort_multipart_upload(Bucket=bucket, Key=outside_key, UploadId=outside)

    def test_a_closed_stdout_fails_gc_instead_of_writing_into_a_socket(self):
        # libcurl's wakeup socket took the free fd 1: the summary went into it
        # and gc exited 0, losing the cron job's record without a word.
        self.offload(b"x" * 60000, "1d")
        env = dict(self.env, **self.backend.env)
        for extra in ([], ["--json"]):
            argv = [gc_cli.BINARY, *self.backend.global_args, "gc", "--prefix", self.prefix, "--dry-run", *extra]
            r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=120,
                               preexec_fn=lambda: os.close(1))
            self.assertEqual(r.returncode, 1, f"gc {extra} with stdout closed: {r.stderr!r}")
            self.assertEqual(r.stderr.decode().splitlines(), ["claimcheck: cannot write stdout: Bad file descriptor"])

    def test_mixed_ttl_scenario(self):
        self.run_scenario()


class S3GcPrivateBucket(GcTestCase):
    """A fresh bucket per test: its listings see no other test's objects or
    deletions, and a bucket policy set here touches no other test."""

    def setUp(self):
        super().setUp()
        bucket = f"gc-test-{uuid.uuid4().hex[:16]}"
        S3Backend().client.create_bucket(Bucket=bucket)
        self.backend = S3Backend(bucket)
        self.policy_set = False

    def tearDown(self):
        client = self.backend.client
        if self.policy_set:
            client.delete_bucket_policy(Bucket=self.backend.bucket)
        self.backend.delete_all("")
        client.delete_bucket(Bucket=self.backend.bucket)
        super().tearDown()

    def through(self, proxy):
        return self.backend.args_for(proxy.endpoint)

    def test_3000_objects_within_the_request_bound(self):
        now = utc_now()
        expired = [layout_key(self.prefix, now - DAY) for _ in range(2000)]
        live = [layout_key(self.prefix, now + 10 * DAY) for _ in range(1000)]
        self.backend.put_many(expired + live)
        # The date partitions are listed side by side: one delimiter listing,
        # then each date's pages; within ceil(N/1000) + partitions.
        per_date = {}
        for key in expired + live:
            date = key[len(self.prefix):].split("/")[0]
            per_date[date] = per_date.get(date, 0) + 1
        lists = 1 + sum(math.ceil(n / 1000) for n in per_date.values())
        self.assertLessEqual(lists, math.ceil(3000 / 1000) + len(per_date))
        proxy = CountingProxy()
        try:
            self.env["CLAIMCHECK_PREFIX"] = self.prefix
            stats = self.ok("stats", "--storage", "--json", global_args=self.through(proxy)).json()
            self.assertEqual((stats["storage"]["objects"], stats["storage"]["expired"]["objects"]), (3000, 2000))
            partitioned_stats = proxy.counts()
            self.assertLessEqual(list_requests_beyond_short_pages(partitioned_stats), lists)
            self.assertFalse({"HeadObject", "GetObject"} & set(partitioned_stats))
            # --list-concurrency 1: the prefix as one listing, a request per 1000 keys.
            sequential = self.ok("stats", "--storage", "--json", "--list-concurrency", "1",
                                 global_args=self.through(proxy)).json()
            self.assertEqual(sequential["storage"], stats["storage"])
            after_stats = proxy.counts()
            sequential_lists = list_requests_beyond_short_pages(after_stats) - list_requests_beyond_short_pages(
                partitioned_stats)
            self.assertLessEqual(sequential_lists, math.ceil(3000 / 1000))
            doc = self.gc("--json", global_args=self.through(proxy)).json()
            counts = proxy.counts()
        finally:
            proxy.close()
        self.assertEqual((doc["scanned"], doc["deleted"], doc["errors"]), (3000, 2000, 0))
        gc_lists = list_requests_beyond_short_pages(counts) - list_requests_beyond_short_pages(after_stats)
        self.assertLessEqual(gc_lists, lists)
        self.assertEqual(counts["DeleteObjects"], math.ceil(2000 / 1000))
        self.assertFalse({"HeadObject", "GetObject", "DeleteObject"} & set(counts))
        self.assertEqual(self.backend.keys(self.prefix), set(live))

    def test_per_key_delete_failures_are_reported_and_exit_6(self):
        locked = [f"{self.prefix}locked/{i:02}" for i in range(12)]
        free = self.prefix + "free"
        self.backend.put_many(locked + [free])
        bucket = self.backend.bucket
        self.backend.client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                           "Resource": f"arn:aws:s3:::{bucket}/{self.prefix}locked/*"}]}))
        self.policy_set = True
        r = self.gc("--ttl", "1s", "--as-of", "+1m", "--json", expect=6)
        doc = r.json()
        self.assertEqual((doc["deleted"], doc["errors"]), (1, 12))
        lines = [line for line in r.err.splitlines() if line]
        self.assertEqual(len(lines), 11)  # ten keys, then a count
        self.assertTrue(all(line.startswith("claimcheck: gc: ") for line in lines))
        self.assertIn("AccessDenied", lines[0])
        self.assertIn("2 more", lines[-1])
        self.assertEqual(self.backend.keys(self.prefix), set(locked))


    def start_gc_until_a_delete_is_in_flight(self, proxy):
        env = dict(self.env, **self.backend.env)
        argv = [gc_cli.BINARY, *self.through(proxy), "gc", "--prefix", self.prefix, "--json"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while proxy.counts().get("DeleteObjects", 0) < 1:  # a batch is in flight
            self.assertIsNone(proc.poll(), "gc ended before any delete was sent")
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        return proc

    def test_sigint_sigterm_or_sighup_stops_after_the_batches_in_flight(self):
        # Two batches' worth: each listing page waits 1 s at the proxy, so when
        # the signal comes the first batch is in flight and the second is not
        # yet listed. (More keys only made the test slower: 5000 took 33 s each.)
        count = 2000
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with self.subTest(signal=number.name):
                self.prefix = f"gc-stop-{number.name}-{uuid.uuid4().hex[:12]}/"
                keys = [layout_key(self.prefix, utc_now() - DAY) for _ in range(count)]
                self.backend.put_many(keys)
                proxy = CountingProxy("ListObjectsV2=1.0", "DeleteObjects=1.0")
                try:
                    proc = self.start_gc_until_a_delete_is_in_flight(proxy)
                    proc.send_signal(number)
                    out, err = proc.communicate(timeout=120)
                finally:
                    proxy.close()
                self.assertEqual(proc.returncode, 128 + number, err)
                doc = json.loads(out)
                self.assertTrue(doc["interrupted"])
                # The summary may go to a file: stderr says why the run is short.
                self.assertEqual(err.decode().splitlines()[-1],
                                 f"claimcheck: interrupted: {number.name[3:]}, stopped after the batches in flight")
                remaining = self.backend.keys(self.prefix)
                self.assertGreater(len(remaining), 0)
                self.assertGreaterEqual(doc["deleted"], 1000)
                self.assertEqual(doc["deleted"], count - len(remaining))

    def test_the_text_summary_of_a_stopped_gc_counts_what_it_chose_and_did_not_delete(self):
        # gc deletes 4 batches at a time and queues 4 more; each delete takes
        # 5 s. Listing one page after another (a partition's lister reads
        # ahead), the sixth page is asked for once batch 5 is queued behind
        # batches 1-4 in flight. The stop drops what waits; the summary had
        # said "deleted: 4000" and nothing of the rest.
        count = 6000
        self.backend.put_many([layout_key(self.prefix, utc_now() - DAY) for _ in range(count)])
        proxy = CountingProxy("DeleteObjects=5.0")
        try:
            env = dict(self.env, **self.backend.env)
            argv = [gc_cli.BINARY, *self.through(proxy), "gc", "--prefix", self.prefix, "--list-concurrency", "1"]
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
            deadline = time.monotonic() + 120
            while proxy.counts().get("ListObjectsV2", 0) < 6:
                self.assertIsNone(proc.poll(), "gc ended before its sixth page")
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=120)
        finally:
            proxy.close()
        self.assertEqual(proc.returncode, 130, err)
        deleted = re.search(r"^  deleted: +(\d+)$", out, re.M)
        not_deleted = re.search(r"^  not deleted: +(\d+) \(chosen;", out, re.M)
        self.assertTrue(deleted and not_deleted, out + err)
        deleted, not_deleted = int(deleted.group(1)), int(not_deleted.group(1))
        remaining = len(self.backend.keys(self.prefix))
        self.assertEqual(remaining, count - deleted)
        self.assertGreater(not_deleted, 0)
        self.assertLessEqual(not_deleted, remaining)

    def test_a_second_sigint_ends_gc_at_once(self):
        self.backend.put_many([layout_key(self.prefix, utc_now() - DAY) for _ in range(1000)])
        # The delete batch waits 30 s at the proxy: gc is still stopping when the second signal comes.
        proxy = CountingProxy("DeleteObjects=30.0")
        try:
            proc = self.start_gc_until_a_delete_is_in_flight(proxy)
            send_signal_and_wait_taken(proc, signal.SIGINT)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
        finally:
            proxy.close()
        # Killed by the signal itself (the shell reports 130), before any summary.
        self.assertEqual(proc.returncode, -signal.SIGINT, err)
        self.assertEqual(out, b"")


if __name__ == "__main__":
    gc_cli.skip_without_s3()
    gc_cli.BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
