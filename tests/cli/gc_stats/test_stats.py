"""End-to-end `claimcheck stats --operations`: a journal written directly with
known records (in a private CLAIMCHECK_JOURNAL_DIR) gives exactly the expected
counts, bytes, latencies (mean and nearest-rank percentiles), errors by exit
code, --since window; --prometheus output passes the format check."""
import datetime
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gc_cli  # noqa: E402
from gc_cli import GcTestCase, LocalBackend, parse_prometheus, utc_now  # noqa: E402


def journal_line(op, age_hours, original=0, stored=0, transfer_ms=0.0, exit_code=0):
    time = utc_now() - datetime.timedelta(hours=age_hours)
    return json.dumps({"v": 1, "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "op": op,
                       "original_bytes": original, "stored_bytes": stored, "compressed": stored < original,
                       "transfer_ms": transfer_ms, "total_ms": transfer_ms + 1, "exit_code": exit_code,
                       "key": "k"})


class Stats(GcTestCase):
    def setUp(self):
        super().setUp()
        self.backend = LocalBackend(self.tmp)
        lines = [journal_line("offload", 240, 99999, 99999, 1000.0)]  # 10 days old
        lines += [journal_line("offload", 1, 1000, 400, 10.0 * i) for i in range(1, 11)]
        lines += [journal_line("retrieve", 1, 1000, 400, t) for t in (5.0, 15.0, 25.0, 35.0)]
        lines += [journal_line("passthrough", 1, 20) for _ in range(3)]
        lines += [journal_line("offload", 1, exit_code=6) for _ in range(2)]
        lines += [journal_line("retrieve", 1, exit_code=4)]
        lines += ["this line is not a journal record"]
        os.makedirs(self.journal_dir)
        with open(os.path.join(self.journal_dir, "journal.jsonl"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def test_operations_since_7d_equal_the_ground_truth(self):
        s = self.ok("stats", "--operations", "--since", "7d", "--json").json()
        self.assertEqual(s["OffloadCount"], 10)
        self.assertEqual(s["RetrievalCount"], 4)
        self.assertEqual(s["TotalBytesStored"], 4000)
        self.assertEqual(s["TotalBytesStoredSource"], "journal")
        self.assertAlmostEqual(s["AvgUploadLatencyMS"], 55.0)
        self.assertAlmostEqual(s["AvgDownloadLatencyMS"], 20.0)
        self.assertIsNone(s["storage"])
        o = s["operations"]
        self.assertEqual(o["upload_latency_ms"], {"count": 10, "mean": 55.0, "p50": 50.0, "p95": 100.0,
                                                  "p99": 100.0, "max": 100.0})
        self.assertEqual(o["download_latency_ms"], {"count": 4, "mean": 20.0, "p50": 15.0, "p95": 35.0,
                                                    "p99": 35.0, "max": 35.0})
        self.assertEqual((o["passthroughs"], o["passthrough_bytes"]), (3, 60))
        self.assertEqual((o["bytes_in"], o["bytes_stored"], o["bytes_out"]), (10000, 4000, 4000))
        self.assertAlmostEqual(o["compression_ratio"], 0.4)
        self.assertEqual(o["errors_by_exit_code"], {"4": 1, "6": 2})
        self.assertEqual(o["records"], 20)
        self.assertEqual(o["bad_journal_lines"], 1)

    def test_without_since_every_record_counts(self):
        s = self.ok("stats", "--operations", "--json").json()
        self.assertEqual(s["OffloadCount"], 11)
        self.assertAlmostEqual(s["AvgUploadLatencyMS"], (550.0 + 1000.0) / 11)
        self.assertEqual(s["operations"]["upload_latency_ms"]["max"], 1000.0)

    def test_prometheus_output_passes_the_format_check(self):
        text = self.ok("stats", "--operations", "--since", "7d", "--prometheus").out
        samples, types = parse_prometheus(text)
        self.assertTrue(all(name.startswith("claimcheck_") for name in types))
        self.assertEqual(types["claimcheck_upload_latency_seconds"], "summary")
        self.assertEqual(samples['claimcheck_operations_total{op="offload"}'], 10)
        self.assertAlmostEqual(samples['claimcheck_upload_latency_seconds{quantile="0.5"}'], 0.05)
        self.assertAlmostEqual(samples['claimcheck_upload_latency_seconds{quantile="0.99"}'], 0.1)
        self.assertEqual(samples["claimcheck_upload_latency_seconds_count"], 10)
        self.assertEqual(samples['claimcheck_errors_total{exit_code="6"}'], 2)

    def test_both_views_by_default_on_the_local_store(self):
        self.offload(b"x" * 100, "2d")
        self.env["CLAIMCHECK_PREFIX"] = self.prefix
        s = self.ok("stats", "--json").json()
        self.assertEqual(s["storage"]["objects"], 1)
        self.assertEqual(s["TotalBytesStoredSource"], "storage")
        self.assertEqual(s["OffloadCount"], 12)  # the journal's 11 and this one
        text = self.ok("stats").out
        self.assertIn("Storage (from a listing)", text)
        self.assertRegex(text, r"\n  stored +1 object  ")  # one object, not "1 objects"
        self.assertIn("Operations (from this machine's journal, for this store)", text)
        samples, _ = parse_prometheus(self.ok("stats", "--prometheus").out)
        self.assertEqual(samples["claimcheck_storage_objects"], 1)
        self.assertEqual(samples['claimcheck_storage_expiring_objects{within="7d"}'], 1)

    def test_the_operations_of_another_store_are_not_counted(self):
        """Each record names the store its command was configured with; stats counts the configured
        store's (and the older records, which name none)."""
        other = ["--store", self.path("other-store")]
        self.offload(b"x" * 100, "2d")
        self.offload(b"y" * 100, "2d")
        self.ok("offload", "--force", stdin=b"z" * 100, global_args=other)
        self.assertEqual(self.ok("stats", "--operations", "--json").json()["OffloadCount"], 13)  # 11 + 2
        self.assertEqual(self.ok("stats", "--operations", "--json", global_args=other).json()["OffloadCount"], 12)
        header = self.ok("stats", "--operations", global_args=other).out.splitlines()[0]
        self.assertTrue(header.endswith(" in file://" + self.path("other-store")), header)
        self.assertNotIn("prefix", header)  # it bounds the listing, not the journal's view
        self.assertIn(" prefix 'claimcheck/' in ", self.ok("stats", global_args=other).out.splitlines()[0])

    def test_unreachable_store_still_gives_the_journal_metrics(self):
        # `stats --prometheus > file.prom` from a scrape job while the store is down.
        dead = ["--store", "s3://nowhere", "--endpoint", "http://127.0.0.1:9", "--region", "us-east-1"]
        self.env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="not-a-real-secret")
        r = self.run_cc("stats", "--since", "7d", "--prometheus", global_args=dead)
        self.assertEqual(r.code, 6, r.err)
        self.assertEqual(len(r.err.splitlines()), 1, r.err)
        samples, _ = parse_prometheus(r.out)
        self.assertEqual(samples["claimcheck_storage_scrape_success"], 0)
        self.assertEqual(samples["claimcheck_journal_read_success"], 1)
        self.assertEqual(samples['claimcheck_operations_total{op="offload"}'], 10)
        self.assertNotIn("claimcheck_storage_objects", samples)
        doc = self.run_cc("stats", "--since", "7d", "--json", global_args=dead)
        self.assertEqual(doc.code, 6)
        self.assertEqual(doc.json()["OffloadCount"], 10)
        self.assertIsNone(doc.json()["storage"])
        self.assertIn("s3://nowhere", doc.json()["storage_error"])
        text = self.run_cc("stats", "--since", "7d", global_args=dead)
        self.assertIn("Storage: not available: ", text.out)
        self.assertIn("Operations (from this machine's journal, for this store)", text.out)
        # Reachable: the same metric says so.
        ok, _ = parse_prometheus(self.ok("stats", "--prometheus").out)
        self.assertEqual(ok["claimcheck_storage_scrape_success"], 1)

    def test_text_view_shows_the_percentiles(self):
        text = self.ok("stats", "--operations", "--since", "7d").out
        self.assertIn("p50 50.0  p95 100.0  p99 100.0  max 100.0  (10 samples)", text)
        self.assertIn("exit 4: 1, exit 6: 2", text)

    def test_bad_flags_are_usage_errors(self):
        self.fails(2, "stats", "--json", "--prometheus")
        self.assertIn("--since", self.fails(2, "stats", "--operations", "--since", "lately"))
        self.assertIn("--since: '' is not a duration", self.fails(2, "stats", "--operations", "--since", ""))
        self.assertIn("--list-concurrency", self.fails(2, "stats", "--storage", "--list-concurrency", "0"))
        self.env["CLAIMCHECK_LIST_CONCURRENCY"] = "many"
        self.assertIn("CLAIMCHECK_LIST_CONCURRENCY: 'many' is not an integer from 1 to 64",
                      self.fails(2, "stats", "--storage"))

    def test_a_reader_that_may_not_lock_reads_unlocked_and_one_that_may_not_read_says_why(self):
        # A collector running as another user, in a directory it may only
        # read: the lock file can be neither made nor opened. It had failed
        # with exit 2 ("journal.lock: lock: Permission denied").
        os.chmod(self.tmp, 0o755)
        os.chmod(self.journal_dir, 0o755)
        journal = os.path.join(self.journal_dir, "journal.jsonl")
        os.chmod(journal, 0o644)
        lock = os.path.join(self.journal_dir, "journal.lock")
        with open(lock, "w"):
            pass
        os.chmod(lock, 0o600)
        as_nobody = {"user": 65534} if os.geteuid() == 0 else {}
        env = dict(self.env, HOME=self.tmp)

        def stats():
            return subprocess.run([gc_cli.BINARY, "stats", "--operations", "--json"], capture_output=True,
                                  text=True, env=env, timeout=60, **as_nobody)
        r = stats()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["operations"]["records"], 21)
        # A journal it may not read is an error naming it, not an empty journal.
        os.chmod(journal, 0o600)
        r = stats()
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("journal.jsonl: read: Permission denied", r.stderr)

    def test_a_record_after_a_broken_last_line_starts_a_line_of_its_own(self):
        # A writer killed mid-line: the next record had been appended to that
        # line and was lost with it.
        journal = os.path.join(self.journal_dir, "journal.jsonl")
        with open(journal, "a") as f:
            f.write('{"v":1,"op":"offload","original_by')
        self.ok("offload", stdin=b"small")
        o = self.ok("stats", "--operations", "--json").json()["operations"]
        self.assertEqual((o["records"], o["passthroughs"], o["bad_journal_lines"]), (22, 4, 2))

    def test_a_journal_never_written_is_no_records_and_stats_creates_nothing(self):
        # stats made the directory, so it failed (exit 2) where it may not
        # write: a read-only HOME, another user's account.
        self.env["CLAIMCHECK_JOURNAL_DIR"] = self.path("never-written")
        r = self.run_cc("stats", "--operations", "--json")
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(json.loads(r.out)["operations"]["records"], 0)
        self.assertFalse(os.path.exists(self.path("never-written")))

    def test_without_home_or_xdg_state_home_the_journal_is_a_usage_error(self):
        # Its default lives under one of them: an empty path had been exit 1, "journal : Invalid argument".
        for name in ("HOME", "XDG_STATE_HOME", "CLAIMCHECK_JOURNAL_DIR"):
            self.env.pop(name, None)
        self.env["CLAIMCHECK_STORE"] = self.path("store")
        line = self.fails(2, "stats", "--operations")
        self.assertIn("journal: no directory: neither XDG_STATE_HOME nor HOME is set", line)
        r = self.run_cc("offload", stdin=b"small")  # the work goes on, with a warning
        self.assertEqual((r.code, r.out), (0, "small"))
        self.assertIn("not journaled", r.err)

if __name__ == "__main__":
    gc_cli.BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
