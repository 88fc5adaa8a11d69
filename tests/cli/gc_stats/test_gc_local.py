"""End-to-end `claimcheck gc` on the local directory store: the mixed-TTL
scenario, LastModified = file mtime for foreign objects, sidecars removed with
their objects, --older-than, per-key failures (exit 6) and bad input."""
import base64
import datetime
import json
import os
import pty
import re
import socket
import subprocess
import sys
import unittest
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gc_cli  # noqa: E402
from gc_cli import GcTestCase, LocalBackend, layout_key, utc_now  # noqa: E402
from gc_scenario import MixedTtlScenario  # noqa: E402
from claimcheck_test import with_thread_limit  # noqa: E402
from temporal_wire import payload_wire  # noqa: E402

DAY = datetime.timedelta(days=1)


class LocalGc(GcTestCase, MixedTtlScenario):
    def setUp(self):
        super().setUp()
        self.backend = LocalBackend(self.tmp)

    def test_mixed_ttl_scenario(self):
        self.run_scenario()

    def test_foreign_objects_expire_by_mtime_plus_ttl_and_sidecars_go_with_objects(self):
        old, young = self.prefix + "old-go-object", self.prefix + "young-go-object"
        self.backend.put_foreign(old, b"old", age=31 * DAY)
        self.backend.put_foreign(young, b"young", age=29 * DAY)
        ref = self.offload(b"expires soon", "1s")
        self.assertIn(ref["key"] + ".meta.json", self.backend.all_files())
        doc = self.gc("--as-of", "+1m", "--json").json()  # default TTL 30d
        self.assertEqual(doc["deleted"], 2)
        self.assertEqual(self.backend.keys(self.prefix), {young})
        self.assertNotIn(ref["key"] + ".meta.json", self.backend.all_files())

    def test_json_is_one_line_per_run_with_the_keys_deleted(self):
        # The README's cron line appends `-q gc --json` to a .jsonl file.
        gone = [layout_key(self.prefix, utc_now() - DAY) for _ in range(3)]
        kept = layout_key(self.prefix, utc_now() + DAY)
        for key in gone + [kept]:
            self.backend.put_foreign(key, b"x")
        r = self.run_cc("-q", "gc", "--prefix", self.prefix, "--json")
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.err, "")
        self.assertEqual(r.out.count("\n"), 1, "one line per run")
        doc = json.loads(r.out)
        self.assertEqual(sorted(doc["deleted_keys"]), sorted(gone))
        self.assertEqual((doc["deleted"], doc["deleted_keys_omitted"], doc["failures"], doc["failures_omitted"]),
                         (3, 0, [], 0))
        dry = self.run_cc("-q", "gc", "--prefix", self.prefix, "--json", "--dry-run")
        self.assertEqual(dry.out.count("\n"), 1)
        self.assertEqual(json.loads(dry.out)["deleted_keys"], [])

    def test_a_key_no_request_may_name_is_never_touched_and_the_json_stays_whole(self):
        # File names a runner never writes: a line break, an escape sequence,
        # a backslash, a byte that is not UTF-8. gc --json had deleted the
        # others, then died on the last one ("invalid UTF-8 byte") with no
        # output; the dry run listed keys the real run then refused.
        gone = layout_key(self.prefix, utc_now() - DAY)
        self.backend.put_foreign(gone, b"x")
        strange = ["evil\nname", "esc\x1b[31mred", "back\\slash", os.fsdecode(b"bad\xffutf8")]
        for name in strange:
            self.backend.put_foreign(self.prefix + name, b"someone else's", age=400 * DAY)
        dry = self.run_cc("gc", "--prefix", self.prefix, "--dry-run")
        self.assertEqual(dry.code, 0, dry.err)
        self.assertEqual([line.split("\t")[0] for line in dry.out.splitlines() if "\t" in line], [gone])
        self.assertNotIn("\x1b", dry.out)
        self.assertIn("other keys:        4 (not a runner's key: never touched)", dry.out)
        storage = self.ok("stats", "--storage", "--prefix", self.prefix, "--json").json()["storage"]
        self.assertEqual((storage["objects"], storage["other_keys"]["objects"]), (1, 4))
        r = self.run_cc("gc", "--prefix", self.prefix, "--json")
        self.assertEqual(r.code, 0, r.err)
        doc = json.loads(r.out)
        self.assertEqual((doc["deleted_keys"], doc["other_keys"], doc["errors"]), ([gone], 4, 0))
        self.assertEqual(self.backend.keys(self.prefix), {self.prefix + name for name in strange})

    def test_keep_referenced_reads_standard_input_as_dash(self):
        ref = self.offload(b"x" * 100, "1d")
        r = self.run_cc("gc", "--prefix", self.prefix, "--as-of", "+2d", "--keep-referenced", "-", "--json",
                        stdin=json.dumps({"state": {"context": ref}}).encode())
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual((r.json()["kept_referenced"], r.json()["deleted"]), (1, 0))
        self.assertEqual(self.backend.keys(self.prefix), {ref["key"]})
        # Twice: the second would read an empty stdin ("not JSON", exit 3); a usage error instead.
        self.assertIn("stdin ('-') given more than once",
                      self.fails(2, "gc", "--prefix", self.prefix, "--as-of", "+2d", "--keep-referenced", "-",
                                 "--keep-referenced", "-"))
        self.assertEqual(self.backend.keys(self.prefix), {ref["key"]})

    def test_keep_referenced_reads_inside_binary_zlib_payloads(self):
        # The SDKs' ZlibCodec: a payload holding a serialised json/plain payload whose data is the
        # reference. serve shows it so; gc had not seen it, and deleted the object.
        ref = self.offload(b"x" * 100, "1d")
        inner = payload_wire({"encoding": b"json/plain"}, json.dumps(ref).encode())
        zipped = {"metadata": {"encoding": base64.b64encode(b"binary/zlib").decode()},
                  "data": base64.b64encode(zlib.compress(inner)).decode()}
        history = {"events": [{"eventId": "5", "eventType": "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
                               "activityTaskCompletedEventAttributes": {"result": {"payloads": [zipped]}}}]}
        r = self.run_cc("gc", "--prefix", self.prefix, "--as-of", "+2d", "--keep-referenced", "-", "--json",
                        stdin=json.dumps(history).encode())
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual((r.json()["kept_referenced"], r.json()["deleted"]), (1, 0))
        # One that does not inflate might hold any reference: nothing is deleted.
        zipped["data"] = base64.b64encode(zlib.compress(inner)[:-6]).decode()
        line = self.fails(3, "gc", "--prefix", self.prefix, "--as-of", "+2d", "--keep-referenced", "-",
                          stdin=json.dumps(history).encode())
        self.assertIn("binary/zlib data that does not inflate to a payload", line)
        self.assertEqual(self.backend.keys(self.prefix), {ref["key"]})

    def test_go_runner_directory_at_the_root(self):
        # The Go runner's filesystem store: bare UUID files at the root of the
        # directory. Anything else there is never touched, however old.
        old, young = str(uuid.uuid4()), str(uuid.uuid4())
        self.backend.put_foreign(old, b"old", age=31 * DAY)
        self.backend.put_foreign(young, b"young", age=29 * DAY)
        others = ["notes.txt", "5", old + ".bak", "backups/" + str(uuid.uuid4())]
        for key in others:
            self.backend.put_foreign(key, b"someone else's", age=400 * DAY)
        dry = self.run_cc("gc", "--prefix", "", "--dry-run")
        self.assertEqual(dry.code, 0, dry.err)
        self.assertEqual([line.split("\t")[0] for line in dry.out.splitlines() if "\t" in line], [old])
        self.assertIn("at the root (the Go runner's and claimcheck's keys only)", dry.out)
        self.assertIn(f"other keys:        {len(others)} (not a runner's key: never touched)", dry.out)
        doc = self.run_cc("-q", "gc", "--prefix", "", "--json")
        self.assertEqual(doc.code, 0, doc.err)
        self.assertEqual((doc.json()["deleted_keys"], doc.json()["other_keys"]), ([old], len(others)))
        self.assertEqual(self.backend.keys(""), set(others) | {young})

    def test_a_sidecar_left_without_its_object_goes_with_the_temp_files(self):
        # A write that failed or was killed between its two renames left
        # `<key>.meta.json` alone, which no gc ever removed.
        orphan = self.prefix + "2026-01-01/101010Z-11111111-2222-4333-8444-555555555555.meta.json"
        kept = self.offload(b"kept", "30d")["key"]
        self.backend.put_foreign(orphan, b"{}", age=2 * DAY)
        # a file of that name beside no key of claimcheck's is a user's: never touched
        users = [self.prefix + "notes.meta.json", self.prefix + "2026-01-01/notes.meta.json"]
        for name in users:
            self.backend.put_foreign(name, b"my notes", age=30 * DAY)
        self.backend.set_age(kept + ".meta.json", 2 * DAY)
        dry = self.gc("--dry-run")
        self.assertIn("incomplete upload 101010Z-11111111-2222-4333-8444-555555555555.meta.json", dry.out)
        self.assertNotIn(kept, dry.out)
        self.assertEqual(self.gc("--json").json()["uploads_aborted"], 1)
        at_root = self.run_cc("gc", "--prefix", "", "--json")
        self.assertEqual((at_root.code, at_root.json()["uploads_aborted"]), (0, 0), at_root.err)
        self.assertEqual(self.backend.all_files(), {kept, kept + ".meta.json", *users})

    def test_runs_at_once_count_what_the_other_removed_first_as_already_gone(self):
        # One gc's listed keys that another removed first were reported as
        # "not deleted: N (the run stopped before their batch was sent)".
        keys = [layout_key(self.prefix, utc_now() - day * DAY) for day in (1, 2, 3) for _ in range(600)]
        for key in keys:
            self.backend.put_foreign(key, b"x")
        for attempt in range(5):
            runs = [subprocess.Popen([gc_cli.BINARY, *self.backend.global_args, "gc", "--prefix", self.prefix,
                                      *(["--json"] if n else [])], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=self.env) for n in range(3)]
            outs = [run.communicate(timeout=300) for run in runs]
            self.assertEqual([run.returncode for run in runs], [0, 0, 0], [err for _, err in outs])
            text = outs[0][0].decode()
            docs = [json.loads(out) for out, _ in outs[1:]]
            deleted = int(re.search(r"deleted: +(\d+)", text).group(1))
            gone_line = re.search(r"already gone: +(\d+) \(chosen, and removed by another run first\)", text)
            self.assertNotIn("not deleted", text)
            for doc in docs:
                self.assertEqual(doc["selected"], doc["deleted"] + doc["already_gone"], doc)
            self.assertEqual(deleted + sum(doc["deleted"] for doc in docs), len(keys))
            self.assertEqual(self.backend.keys(self.prefix), set())
            if gone_line or any(doc["already_gone"] for doc in docs):
                return
            for key in keys:  # the runs did not overlap: again
                self.backend.put_foreign(key, b"x")
        self.fail("five times three runs at once never overlapped")

    def test_temp_files_of_interrupted_writes_are_removed_after_a_day(self):
        # A write killed between its temp file and the rename (power loss,
        # SIGKILL) leaves `.cctmp-*`: the local store's incomplete upload.
        stale = self.prefix + "2026-01-01/.cctmp-0123456789abcdef"
        young = self.prefix + "2026-01-02/.cctmp-fedcba9876543210"
        self.backend.put_foreign(stale, b"partial", age=2 * DAY)
        self.backend.put_foreign(young, b"in flight", age=datetime.timedelta(minutes=5))
        dry = self.gc("--dry-run")
        self.assertIn(f"{stale}\t-\t", dry.out)
        self.assertIn("incomplete upload .cctmp-0123456789abcdef", dry.out)
        self.assertNotIn(young, dry.out)
        # --as-of judges objects, not uploads: an upload's age is from now,
        # so a young one (an offload still writing) stays.
        doc = self.gc("--json", "--as-of", "+7d").json()
        self.assertEqual((doc["uploads_found"], doc["uploads_aborted"]), (2, 1))
        self.assertEqual(self.backend.all_files(), {young})
        self.assertFalse(os.path.exists(os.path.join(self.backend.dir, self.prefix, "2026-01-01")))

    def test_older_than_requires_an_old_last_modified(self):
        recent, old = self.prefix + "recent", self.prefix + "old"
        self.backend.put_foreign(recent, b"r", age=2 * DAY)
        self.backend.put_foreign(old, b"o", age=10 * DAY)
        doc = self.gc("--ttl", "1d", "--older-than", "7d", "--json").json()
        self.assertEqual((doc["expired"], doc["deleted"]), (1, 1))
        self.assertEqual(self.backend.keys(self.prefix), {recent})

    def test_older_than_is_measured_from_now_whatever_as_of_says(self):
        """--as-of moves the time expiry is judged at, not the age --older-than asks for: an
        object written a minute ago stays with --as-of +40d --older-than 1h (it was deleted)."""
        fresh = layout_key(self.prefix, utc_now() + 30 * DAY)
        old = layout_key(self.prefix, utc_now() + 31 * DAY)
        self.backend.put_foreign(fresh, b"f", age=datetime.timedelta(minutes=1))
        self.backend.put_foreign(old, b"o", age=datetime.timedelta(hours=2))
        doc = self.gc("--as-of", "+40d", "--older-than", "1h", "--json").json()
        self.assertEqual(doc["deleted_keys"], [old])
        self.assertEqual(self.backend.keys(self.prefix), {fresh})

    def test_as_of_takes_an_rfc3339_time_with_any_offset(self):
        soon = layout_key(self.prefix, utc_now() + 2 * DAY)
        later = layout_key(self.prefix, utc_now() + 4 * DAY)
        self.backend.put_foreign(soon, b"s")
        self.backend.put_foreign(later, b"l")
        three_days = (utc_now() + 3 * DAY).astimezone(datetime.timezone(datetime.timedelta(hours=5)))
        doc = self.gc("--dry-run", "--json", "--as-of", three_days.isoformat(timespec="seconds")).json()
        self.assertEqual([o["key"] for o in doc["objects"]], [soon])
        self.assertEqual(doc["as_of"], gc_cli.rfc3339(three_days))

    def test_nothing_outside_the_prefix_is_touched(self):
        outside = layout_key(self.prefix.rstrip("/") + "-sibling/", utc_now() - DAY)
        self.backend.put_foreign(outside, b"not ours")
        inside = layout_key(self.prefix, utc_now() - DAY)
        self.backend.put_foreign(inside, b"ours")
        doc = self.gc("--json").json()
        self.assertEqual(doc["deleted"], 1)
        self.assertIn(outside, self.backend.all_files())

    @unittest.skipIf(os.geteuid() == 0, "root ignores directory permissions")
    def test_per_key_failures_are_reported_and_the_run_goes_on(self):
        for i in range(12):
            self.backend.put_foreign(f"{self.prefix}locked/{i:02}", b"x", age=40 * DAY)
        self.backend.put_foreign(self.prefix + "free", b"x", age=40 * DAY)
        locked = os.path.join(self.backend.dir, self.prefix, "locked")
        os.chmod(locked, 0o500)
        try:
            r = self.gc("--json", expect=6)
        finally:
            os.chmod(locked, 0o700)
        doc = r.json()
        self.assertEqual((doc["deleted"], doc["errors"]), (1, 12))
        lines = [line for line in r.err.splitlines() if line]
        self.assertEqual(len(lines), 11)  # ten keys, then a count
        self.assertIn("2 more", lines[-1])
        self.assertTrue(all(line.startswith("claimcheck: gc: ") for line in lines))
        self.assertEqual(len(self.backend.keys(self.prefix)), 12)

    def test_bad_input_is_one_clear_error_and_deletes_nothing(self):
        key = layout_key(self.prefix, utc_now() - DAY)
        self.backend.put_foreign(key, b"x")
        self.assertIn("--as-of", self.fails(2, "gc", "--prefix", self.prefix, "--as-of", "yesterday"))
        self.assertIn("--older-than", self.fails(2, "gc", "--prefix", self.prefix, "--older-than", "soon"))
        # Given empty, as --ttl "" is: refused, never "now" or "no filter".
        self.assertIn("--as-of: expected an RFC 3339 time", self.fails(2, "gc", "--prefix", self.prefix, "--as-of", ""))
        self.assertIn("--older-than: '' is not a duration",
                      self.fails(2, "gc", "--prefix", self.prefix, "--older-than", ""))
        # Well-formed RFC 3339, beyond the clock: the message says which.
        self.assertEqual(self.fails(2, "gc", "--prefix", self.prefix, "--as-of", "9999-12-31T23:59:59Z"),
                         "claimcheck: --as-of: '9999-12-31T23:59:59Z' is outside what the clock can represent "
                         "(years 1678 to 2262)")
        # Durations that move a time past the clock: they had wrapped around
        # (--as-of +90000d was 1688; --older-than 200000d chose a new object).
        beyond = "reaches beyond what the clock can represent (years 1678 to 2262)"
        for flag, value in (("--as-of", "+90000d"), ("--older-than", "200000d"), ("--uploads-older-than", "200000d")):
            self.assertEqual(self.fails(2, "gc", "--prefix", self.prefix, flag, value),
                             f"claimcheck: {flag}: '{value.lstrip('+')}' {beyond}")
        self.assertIn(f"--since: '1000000w' {beyond}", self.fails(2, "stats", "--operations", "--since", "1000000w"))
        # A store directory that is not there: a typo had looked like an empty store, exit 0.
        typo = ["--store", self.path("typo-store")]
        self.assertIn("typo-store: no such directory", self.fails(2, "gc", global_args=typo))
        self.assertIn("typo-store: no such directory", self.fails(2, "stats", "--storage", global_args=typo))
        header = self.run_cc("stats", "--storage", global_args=typo).out.splitlines()[0]
        self.assertTrue(header.endswith(" in file://" + self.path("typo-store")), header)  # named all the same
        self.assertFalse(os.path.exists(self.path("typo-store")))
        with open(self.path("a-file"), "w") as f:
            f.write("not a store")
        self.assertIn("a-file: not a directory", self.fails(2, "gc", global_args=["--store", self.path("a-file")]))
        self.fails(2, "gc", "--prefix", self.prefix, "--limit", "0")
        missing = self.path("missing-state.json")
        self.assertIn(missing, self.fails(2, "gc", "--prefix", self.prefix, "--keep-referenced", missing))
        with open(self.path("broken.json"), "w") as f:
            f.write("{not json")
        self.fails(3, "gc", "--prefix", self.prefix, "--keep-referenced", self.path("broken.json"))
        # A directory had been "not JSON", exit 3, as if it were a document.
        self.assertIn("is a directory, not a document",
                      self.fails(2, "gc", "--prefix", self.prefix, "--keep-referenced", self.tmp))
        self.assertEqual(self.backend.keys(self.prefix), {key})

    def test_a_listing_that_fails_says_so_in_the_summary(self):
        # A store nothing answers (a closed port): exit 6, and the summary on
        # stdout does not read like a clean run ("errors: 0" alone).
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.env.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                         "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
                         "CLAIMCHECK_MAX_ATTEMPTS": "1"})
        r = self.gc(expect=6, global_args=["--store", "s3://nowhere"])
        self.assertIn("listing failed:    stopped there (the error is on stderr)", r.out)
        self.assertIn("list s3://nowhere/", r.err)
        r = self.gc("--json", expect=6, global_args=["--store", "s3://nowhere"])
        self.assertIn("list s3://nowhere/", r.json()["error"])

    def test_a_folder_this_user_may_not_read_fails_the_listing(self):
        # It had been skipped: gc said "scanned: 1, errors: 0" and stats
        # counted 1 object of 2, both exit 0. Root reads anything, so the
        # command runs as nobody then.
        readable = layout_key(self.prefix, utc_now() - DAY)
        hidden = layout_key(self.prefix, utc_now() + DAY)
        for key in (readable, hidden):
            self.backend.put_foreign(key, b"x")
        for base, dirs, files in os.walk(self.tmp):
            for name in dirs + files:
                os.chmod(os.path.join(base, name), 0o755 if name in dirs else 0o644)
        os.chmod(self.tmp, 0o755)
        hidden_folder = os.path.dirname(os.path.join(self.backend.dir, hidden))
        os.chmod(hidden_folder, 0o700)
        as_nobody = {"user": 65534} if os.geteuid() == 0 else {}
        env = dict(self.env, HOME=self.tmp, CLAIMCHECK_JOURNAL_DIR=self.path("nobody-journal"))
        os.chmod(self.tmp, 0o777)

        def run(*args):
            return subprocess.run([gc_cli.BINARY, *self.backend.global_args, *args], capture_output=True,
                                  text=True, env=env, timeout=120, **as_nobody)
        gc = run("gc", "--prefix", self.prefix, "--dry-run")
        self.assertEqual(gc.returncode, 6, gc.stdout + gc.stderr)
        self.assertIn("listing failed:", gc.stdout)
        self.assertIn("Permission denied", gc.stderr)
        stats = run("stats", "--storage", "--prefix", self.prefix, "--json")
        self.assertEqual(stats.returncode, 6, stats.stdout + stats.stderr)
        self.assertIsNone(json.loads(stats.stdout)["storage"])

    def test_a_thread_limit_makes_gc_and_stats_use_fewer_threads_not_fail(self):
        # Under `ulimit -u` (a container's pids.max) the listers and deleters
        # that could not start had ended gc and stats with exit 1 ("cannot
        # start a thread"); those that started, or this thread alone, now do
        # the work. The limit counts main; gc's signal thread (which finishes
        # the batches in flight on SIGINT) needs one more, stats does not.
        if os.geteuid() != 0:
            self.skipTest("changing user needs root")
        for threads in (1, 2, 3, 4):
            prefix = f"{self.prefix}{threads}/"
            expired = [layout_key(prefix, utc_now() - day * DAY) for day in (1, 2, 3, 4, 5) for _ in range(4)]
            kept = [layout_key(prefix, utc_now() + day * DAY) for day in (1, 2)]
            for key in expired + kept:
                self.backend.put_foreign(key, b"x")
            for base, dirs, _ in os.walk(self.tmp):
                os.chmod(base, 0o777)
            env = dict(self.env, HOME=self.tmp, CLAIMCHECK_JOURNAL_DIR=self.path("limited-journal"))

            def run(*args):
                argv, limit = with_thread_limit(threads, [gc_cli.BINARY, *self.backend.global_args, *args])
                proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, preexec_fn=limit)
                self.assertEqual(proc.returncode, 0, (threads, args, proc.stderr))
                return json.loads(proc.stdout)
            storage = run("stats", "--storage", "--prefix", prefix, "--json")["storage"]
            self.assertEqual(storage["objects"], len(expired) + len(kept), (threads, storage))
            if threads == 1:
                continue
            self.assertEqual(run("gc", "--prefix", prefix, "--json")["deleted"], len(expired), threads)
            self.assertEqual(self.backend.keys(prefix), set(kept), threads)

    def stderr_on_terminal(self, *args):
        """Runs claimcheck with stderr on a pseudo-terminal; returns what it wrote there."""
        master, slave = pty.openpty()
        try:
            subprocess.run([gc_cli.BINARY, *self.backend.global_args, *args], stdout=subprocess.DEVNULL,
                           stderr=slave, env=self.env, timeout=120, check=True)
        finally:
            os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        return b"".join(chunks).decode()

    def test_progress_line_on_a_terminal_only_and_not_with_quiet(self):
        self.backend.put_foreign(layout_key(self.prefix, utc_now() - DAY), b"x")
        shown = self.stderr_on_terminal("gc", "--prefix", self.prefix, "--dry-run")
        self.assertIn("gc: scanned 1, would delete 1", shown)
        self.assertTrue(shown.endswith("\r\x1b[K"), "the line is cleared at the end")
        self.assertEqual(self.stderr_on_terminal("-q", "gc", "--prefix", self.prefix, "--dry-run"), "")

    def test_dry_run_output_and_progress_line_stays_off_without_a_terminal(self):
        key = layout_key(self.prefix, utc_now() - DAY)
        self.backend.put_foreign(key, b"12345")
        r = self.gc("--dry-run")
        self.assertEqual(r.err, "")
        first = r.out.splitlines()[0].split("\t")
        self.assertEqual(first[:2], [key, "5"])
        self.assertIn("scanned:           1", r.out)
        self.assertEqual(self.backend.keys(self.prefix), {key})


if __name__ == "__main__":
    gc_cli.BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
