"""End-to-end: `claimcheck inspect` with the built binary on the local store,
plus the parts that need no server (offline, bad input, colour, schema)."""
import base64
import fcntl
import json
import urllib.parse
import os
import pty
import struct
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inspecttest  # noqa: E402
from claimcheck_test import expired_in_local_store  # noqa: E402
from inspecttest import InspectTestCase, compressible, order_history, unused_port  # noqa: E402

SUMMARY_FIELDS = ["found", "ok", "missing", "corrupt", "expired", "foreign", "invalid",
                  "unchecked", "errors", "other_store"]
# Field -> accepted JSON types (None = null), as documented in cli/inspect_json.cpp.
FINDING_FIELDS = {
    "source": (str,), "line": (int, None), "pointer": (str,), "format": (str,),
    "status": (str,), "problems": (list,), "key": (str,), "bucket": (str, None),
    "event": (dict, None), "size_bytes": (int, None), "stored_bytes": (int, None),
    "ratio": (float, int, None), "compressed": (bool, None), "sha256": (str, None),
    "stored_at": (str, None), "expires_at": (str, None), "seconds_left": (int, None),
    "object": (dict, None), "verified": (str, None), "url": (str, None), "temporal": (dict, None),
}
EVENT_FIELDS = {"id": (str,), "type": (str,), "type_name": (str, None), "field": (str, None)}
OBJECT_FIELDS = {"present": (bool,), "stored_size": (int, None), "last_modified": (str, None),
                 "original_size": (int, None), "sha256": (str, None), "compressed": (bool, None)}
STATUSES = {"ok", "missing", "corrupt", "expired", "foreign", "invalid", "unchecked", "error"}


def type_ok(value, accepted):
    if value is None:
        return None in accepted
    if isinstance(value, bool):
        return bool in accepted
    return any(t is not None and t is not bool and isinstance(value, t) for t in accepted)


class LocalInspect(InspectTestCase):
    def setUp(self):
        super().setUp()
        self.store_dir = self.path("store")
        self.store = ["--store", "file://" + self.store_dir]

    def offload_refs(self):
        """Four offloaded payloads: compressible and random, various sizes."""
        sizes = [(compressible(200_000)), os.urandom(70_000), compressible(90_000),
                 compressible(300_000)]
        return [self.offload(data, *self.store) for data in sizes]

    def history_with(self, refs, **kwargs):
        wf_input, memo, act_input, act_result = refs
        malformed = {"_type": "claim_check_ref", "key": "bad/1", "size_bytes": "big",
                     "compressed": False, "stored_at": "2026-01-09T13:24:00Z"}
        return order_history(wf_input, memo, act_input, act_result, "/blobs/dd/sha256:ab",
                             malformed, **kwargs)

    def object_file(self, ref):
        return os.path.join(self.store_dir, ref["key"])

    def tamper(self, ref):
        """Same size, one byte changed: only reading the content can tell."""
        with open(self.object_file(ref), "r+b") as f:
            f.seek(ref["stored_bytes"] // 2)
            byte = f.read(1)
            f.seek(ref["stored_bytes"] // 2)
            f.write(bytes([byte[0] ^ 0xFF]))

    def test_history_missing_then_corrupt_with_verify(self):
        refs = self.offload_refs()
        history = self.write_json("history.json", self.history_with(refs))
        os.remove(self.object_file(refs[1]))  # the memo's object
        self.tamper(refs[3])                  # the activity result's object

        run = self.inspect(*self.store, "inspect", history, expect=4)
        self.assertEqual(run.err, "claimcheck: inspect: 1 missing, 1 invalid of 6 references\n")
        table = run.out
        self.assertIn("found 6, ok 3, missing 1, corrupt 0, expired 0, foreign 1, invalid 1",
                      table)
        lines = table.splitlines()
        self.assertTrue(lines[0].startswith("LOCATION"))
        for column in ("FORMAT", "KEY", "SIZE", "STORED", "RATIO", "COMPRESSION", "SHA256",
                       "STORED AT", "EXPIRES", "LEFT", "STATUS"):
            self.assertIn(column, lines[0])
        memo_row = next(line for line in lines if refs[1]["key"] in line)
        self.assertIn("#1 WorkflowExecutionStarted ProcessOrder memo.order", memo_row)
        self.assertTrue(memo_row.rstrip().endswith("missing"), memo_row)
        self.assertNotIn("\033[", table)  # not a terminal: no colour

        verified = self.inspect(*self.store, "inspect", "--verify", "--json", history, expect=5)
        found = self.by_key(verified.json())
        result = found[refs[3]["key"]]
        self.assertEqual(result["status"], "corrupt")
        self.assertTrue(any("content check failed" in p for p in result["problems"]))
        self.assertEqual(result["event"], {"id": "7", "type": "ActivityTaskCompleted",
                                           "type_name": "FetchPhotos", "field": "result"})
        self.assertEqual(result["pointer"], "/events/6/activityTaskCompletedEventAttributes"
                                            "/result/payloads/0/data/fetchPhotos")
        self.assertEqual(found[refs[0]["key"]]["verified"], "sha256")
        self.assertEqual(found[refs[0]["key"]]["status"], "ok")
        ts = found[refs[2]["key"]]
        self.assertEqual((ts["format"], ts["status"]), ("typescript", "ok"))
        self.assertEqual(ts["verified"], "size")  # the TypeScript shape has no sha256
        self.assertEqual(ts["event"]["type_name"], "FetchPhotos")
        self.assertIsNone(ts["stored_at"])  # the TypeScript shape has no stored_at
        self.assertIsNotNone(ts["expires_at"])  # ... but claimcheck's key carries the expiry
        self.assertEqual(found[refs[1]["key"]]["status"], "missing")
        self.assertEqual(found[refs[1]["key"]]["object"]["present"], False)
        self.assertEqual(found["/blobs/dd/sha256:ab"]["status"], "foreign")
        self.assertEqual(found["/blobs/dd/sha256:ab"]["format"], "datadog-remote-codec-v2")
        self.assertEqual(found["bad/1"]["status"], "invalid")
        self.assertEqual(verified.json()["summary"]["corrupt"], 1)

    def test_old_spelling_numeric_ids_and_shorthand(self):
        refs = self.offload_refs()
        history = self.write_json("old.json", self.history_with(refs, new_spelling=False,
                                                                shorthand=True))
        report = self.inspect(*self.store, "inspect", "--json", history, expect=3).json()
        found = self.by_key(report)
        self.assertEqual(report["summary"]["ok"], 4)
        self.assertEqual(found[refs[3]["key"]]["event"]["id"], "7")
        self.assertEqual(found[refs[3]["key"]]["event"]["type"], "ActivityTaskCompleted")
        self.assertEqual(found[refs[0]["key"]]["event"]["field"], "input")

    def test_inline_reference_stdin_and_json_lines(self):
        ref = self.offload(compressible(60_000), *self.store)
        inline = json.dumps(ref)
        lines = "\n".join([json.dumps({"n": 1}), json.dumps({"state": ref})]) + "\n"
        report = self.inspect(*self.store, "inspect", "--json", inline, "-",
                              stdin=lines.encode()).json()
        self.assertEqual([f["source"] for f in report["findings"]], ["arg:1", "-"])
        self.assertEqual(report["findings"][1]["line"], 2)
        self.assertEqual(report["findings"][1]["pointer"], "/state")
        self.assertEqual(report["summary"]["ok"], 2)
        # A reference written as a JSON string is inline too, as retrieve reads it.
        as_string = json.dumps(inline)
        report = self.inspect(*self.store, "inspect", "--json", as_string).json()
        self.assertEqual([(f["source"], f["status"]) for f in report["findings"]], [("arg:1", "ok")])

    def test_one_bad_json_lines_line_is_reported_and_the_rest_checked(self):
        refs = [self.offload(compressible(60_000 + i), *self.store) for i in range(2)]
        lines = "\n".join([json.dumps(refs[0]), '{"cut short": ', json.dumps({"state": refs[1]})]) + "\n"
        r = self.inspect(*self.store, "inspect", "--json", expect=3, stdin=lines.encode())
        findings = r.json()["findings"]
        self.assertEqual([(f["line"], f["format"], f["status"]) for f in findings],
                         [(1, "claimcheck", "ok"), (2, "unreadable", "invalid"), (3, "claimcheck", "ok")])
        # nlohmann's "[json.exception.parse_error.101]" tag is left out.
        self.assertTrue(findings[1]["problems"][0].startswith("line 2 is not JSON: parse error at line 1"))
        self.assertIn("1 invalid of 3 references", r.err)
        # A text where no line is JSON is not JSON Lines: one unreadable finding for the input.
        r = self.inspect(*self.store, "inspect", "--json", expect=3, stdin=b"plain text\nmore text\n")
        [finding] = r.json()["findings"]
        self.assertEqual((finding["source"], finding["format"], finding["status"]), ("-", "unreadable", "invalid"))
        self.assertTrue(finding["problems"][0].startswith("line 1 is not JSON"), finding["problems"])
        # gc --keep-referenced never guesses: a bad line there stops it.
        keep = self.path("keep.jsonl")
        with open(keep, "w") as f:
            f.write(lines)
        self.assertEqual(self.run_cc(*self.store, "gc", "--dry-run", "--keep-referenced", keep).code, 3)

    def test_one_unreadable_input_of_several_is_reported_and_the_others_checked(self):
        refs = [self.write_json(f"r{i}.json", self.offload(compressible(60_000 + i), *self.store)) for i in range(2)]
        garbage = self.path("garbage.txt")
        with open(garbage, "w") as f:
            f.write("garbage\n")
        r = self.inspect(*self.store, "inspect", "--json", refs[0], garbage, refs[1], expect=3)
        findings = r.json()["findings"]
        self.assertEqual([(f["source"], f["format"], f["status"]) for f in findings],
                         [(refs[0], "claimcheck", "ok"), (garbage, "unreadable", "invalid"),
                          (refs[1], "claimcheck", "ok")])
        self.assertTrue(findings[1]["problems"][0].startswith("not JSON: "), findings[1]["problems"])
        self.assertIn("1 invalid of 3 references", r.err)
        table = self.inspect(*self.store, "inspect", refs[0], garbage, expect=3).out
        self.assertIn("garbage.txt (whole input)", table)
        # One byte that is not UTF-8 makes a document not JSON: said with where it is.
        latin1 = self.path("latin1.json")
        with open(latin1, "wb") as f:
            f.write(b'{"note":"caf\xe9","ref":' + json.dumps(self.offload(compressible(60_000), *self.store)).encode()
                    + b"}")
        [finding] = self.inspect(*self.store, "inspect", "--json", latin1, expect=3).json()["findings"]
        self.assertEqual(finding["format"], "unreadable")
        self.assertTrue(finding["problems"][0].startswith("not JSON: parse error at line 1, column 14: "),
                        finding["problems"])
        self.assertIn("ill-formed UTF-8 byte", finding["problems"][0])
        # A file that cannot be read is no report's row: the usage error it always was.
        self.assertEqual(self.run_cc(*self.store, "inspect", refs[0], self.path("absent.json")).code, 2)

    def test_a_payload_nested_too_deep_is_its_own_finding(self):
        ref = self.offload(compressible(60_000), *self.store)
        deep = "[" * 1000 + json.dumps(ref) + "]" * 1000
        history = {"events": [{"eventId": "1", "eventType": "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
                               "activityTaskCompletedEventAttributes": {"result": {"payloads": [
                                   {"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                                    "data": base64.b64encode(deep.encode()).decode()},
                                   {"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                                    "data": base64.b64encode(json.dumps(ref).encode()).decode()}]}}}]}
        r = self.inspect(*self.store, "inspect", "--json", self.write_json("deep.json", history), expect=3)
        findings = r.json()["findings"]
        self.assertEqual([(f["pointer"], f["status"]) for f in findings],
                         [("/events/0/activityTaskCompletedEventAttributes/result/payloads/0", "invalid"),
                          ("/events/0/activityTaskCompletedEventAttributes/result/payloads/1", "ok")])
        self.assertIn("nested deeper than 512 levels", findings[0]["problems"][0])

    def test_a_value_nested_too_deep_hides_nothing_after_it(self):
        # The twenty-fourth audit: a JSON Lines line 600 levels deep made the
        # whole input one unreadable finding (exit 3), and a missing object on
        # the next line went unreported.
        ref = self.offload(compressible(60_000), *self.store)
        missing = dict(ref, key=ref["key"].rsplit("/", 1)[0] + "/000000Z-00000000-0000-0000-0000-000000000000")
        deep = '{"a":' + "[" * 600 + "]" * 600 + "}"
        with open(self.path("deep.jsonl"), "w") as f:
            f.write("\n".join([deep, json.dumps(missing), json.dumps(ref)]) + "\n")
        r = self.inspect(*self.store, "inspect", "--json", self.path("deep.jsonl"), expect=4)
        findings = r.json()["findings"]
        self.assertEqual([(f["line"], f["status"]) for f in findings], [(1, "invalid"), (2, "missing"), (3, "ok")])
        self.assertIn("nested deeper than 512 levels at /a/0/0", findings[0]["problems"][0])
        self.assertLessEqual(len(findings[0]["pointer"]), 64)
        # One document: the reference after the deep value is found.
        document = self.write_json("deep.json", [json.loads(deep), ref])
        findings = self.inspect(*self.store, "inspect", "--json", document, expect=3).json()["findings"]
        self.assertEqual([f["status"] for f in findings], ["invalid", "ok"])

    def test_the_table_shows_no_control_character_and_no_byte_that_is_not_utf8(self):
        # A document's member names and a foreign reference's key are
        # unchecked input: ESC, DEL and U+009B (a terminal's CSI in UTF-8)
        # become '?', and UTF-8 text stays.
        ref = self.offload(compressible(60_000), *self.store)
        document = {"\x1b[2J\u009b31m\u00e9\u65e5\u202e": ref,
                    "b": {"_type": "claim_check_ref", "key": "k/\x7f\u0085x", "size_bytes": 3,
                          "compressed": False, "stored_at": "2026-01-09T13:24:00Z"}}
        r = self.inspect(*self.store, "inspect", self.write_json("odd.json", document), expect=3)
        self.assertIn("/?[2J?31m\u00e9\u65e5? ", r.out)  # U+202E, right-to-left override, too
        self.assertIn("k/??x ", r.out)
        for control in ("\x1b", "\x7f", "\u0085", "\u009b", "\u202e"):
            self.assertNotIn(control, r.out)

    def test_the_open_file_limit_stops_inspect_with_exit_1_not_a_store_error(self):
        # The limit is this process's, no reference's: one line naming it, exit 1 (it was 6,
        # "not checked (store error)").
        import resource
        from claimcheck_test import is_sanitized
        if is_sanitized(inspecttest.BINARY):
            self.skipTest("the sanitizers need descriptors of their own")
        ref = self.offload(compressible(60_000), *self.store)
        document = self.write_json("one.json", {"data": ref})
        met = 0
        for limit in range(4, 12):
            proc = subprocess.run([inspecttest.BINARY, *self.store, "inspect", "--verify", document],
                                  capture_output=True, env=self.env, timeout=60,
                                  preexec_fn=lambda limit=limit: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                                                    (limit, limit)))
            if proc.returncode != 0:
                met += 1
                self.assertEqual(proc.returncode, 1, (limit, proc.stdout, proc.stderr))
                self.assertTrue(proc.stderr.decode().rstrip("\n").endswith("(the limit on open files: ulimit -n %d)" % limit),
                                (limit, proc.stderr))
        self.assertGreaterEqual(met, 1)

    def test_expired_reference_is_reported_not_an_error(self):
        ref = self.offload(compressible(60_000), *self.store)
        # A reference that only claims to have expired: gc goes by the key, so its object is not due.
        claims = dict(ref, expires_at="2020-01-01T00:00:00Z")
        r = self.inspect(*self.store, "inspect", json.dumps(claims))
        self.assertIn("found 1, ok 1, missing 0, corrupt 0, expired 0", r.out)
        os.rename(os.path.join(self.store_dir, ref["key"]), os.path.join(self.store_dir, "away"))
        r = self.inspect(*self.store, "inspect", json.dumps(claims), expect=4)
        self.assertIn("found 1, ok 0, missing 1, corrupt 0, expired 0", r.out)
        self.assertIn("! the reference says it expired at 2020-01-01T00:00:00Z, but its key keeps the object until "
                      + ref["expires_at"] + ", and gc goes by the key", r.out)
        os.rename(os.path.join(self.store_dir, "away"), os.path.join(self.store_dir, ref["key"]))
        old = expired_in_local_store(self.store_dir, ref)
        r = self.inspect(*self.store, "inspect", json.dumps(old))
        self.assertIn("expired (still stored)", r.out)
        self.assertIn("found 1, ok 0, missing 0, corrupt 0, expired 1", r.out)
        os.remove(os.path.join(self.store_dir, old["key"]))
        r = self.inspect(*self.store, "inspect", json.dumps(old))
        self.assertIn("expired (object gone)", r.out)
        self.assertIn("found 1, ok 0, missing 0, corrupt 0, expired 1", r.out)

    def test_a_key_the_local_store_refuses_is_invalid_as_retrieve_says(self):
        # Not "the store could not answer" (error, exit 6): the key is at fault.
        ref = self.offload(compressible(60_000), *self.store)
        os.symlink("/etc", os.path.join(self.store_dir, "link"))
        for key in (ref["key"] + ".meta.json", "claimcheck/.cctmp-00", "link/passwd", "claimcheck/" + "a" * 300):
            odd = json.dumps(dict(ref, key=key))
            r = self.inspect(*self.store, "inspect", "--json", odd, expect=3)
            self.assertEqual(r.json()["findings"][0]["status"], "invalid", key)
            self.assertEqual(r.json()["summary"]["errors"], 0)
            self.assertEqual(self.run_cc(*self.store, "retrieve", stdin=odd.encode()).code, 3, key)

    def test_a_damaged_metadata_sidecar_is_corrupt_not_a_store_error(self):
        ref = self.offload(compressible(60_000), *self.store)
        with open(os.path.join(self.store_dir, ref["key"] + ".meta.json"), "w") as f:
            f.write("garbage")
        r = self.inspect(*self.store, "inspect", "--json", json.dumps(ref), expect=5)
        finding = r.json()["findings"][0]
        self.assertEqual(finding["status"], "corrupt")
        self.assertIn("its metadata sidecar is corrupt", finding["problems"][0])
        self.assertEqual(r.json()["summary"]["errors"], 0)

    def test_a_setting_that_cannot_be_used_stops_inspect_with_exit_2(self):
        # Not one "error" (exit 6) per reference: the CA bundle is no
        # reference's fault. Nothing is contacted (the check comes first).
        ref = self.offload(compressible(60_000), *self.store)
        del ref["store"]  # else it is other-store, not looked up
        ref = json.dumps(ref)
        env = dict(self.env, AWS_ENDPOINT_URL="http://127.0.0.1:1", AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
                   AWS_SECRET_ACCESS_KEY="secret", AWS_REGION="us-east-1",
                   AWS_CA_BUNDLE=self.path("no-such-bundle.pem"))
        r = self.run_cc("--store", "s3://bucket", "inspect", ref, ref, env=env)
        self.assertEqual(r.code, 2, r.err)
        self.assertEqual(r.err_lines(), [f"claimcheck: AWS_CA_BUNDLE: CA bundle {self.path('no-such-bundle.pem')}: "
                                         "No such file or directory"])

    def test_reference_for_another_store_is_not_missing(self):
        # Made on one local store, inspected with another store configured:
        # the object is there, just not where inspect would look.
        ref = self.offload(compressible(60_000), *self.store)
        other = ["--store", "file://" + self.path("other-store")]
        r = self.inspect(*other, "inspect", "--json", json.dumps(ref))
        finding = r.json()["findings"][0]
        self.assertEqual(finding["status"], "other-store")
        self.assertIsNone(finding["object"], "not looked up")
        self.assertEqual(finding["problems"],
                         [f"reference is for store {ref['store']} but the configured store is "
                          f"file://{self.path('other-store')} (use --store {ref['store']})"])
        self.assertEqual(r.json()["summary"]["missing"], 0)
        self.assertEqual(r.json()["summary"]["other_store"], 1)
        table = self.inspect(*other, "inspect", json.dumps(ref)).out
        self.assertIn("other-store", table)
        self.assertIn(f"(use --store {ref['store']})", table)
        self.assertIn("missing 0", table)
        # retrieve gives the same hint for the same reference.
        retrieve = self.run_cc(*other, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn(f"(use --store {ref['store']})", retrieve.err)
        # With the store it names, it is ok.
        self.assertIn("ok", self.inspect(*self.store, "inspect", "--json", json.dumps(ref)).json()
                      ["findings"][0]["status"])
        # Offline too, where the question is just that: which store does it name? (It was unchecked.)
        for flags in ([], ["--url"]):
            offline = self.inspect(*other, "inspect", "--offline", "--json", *flags, json.dumps(ref)).json()
            self.assertEqual([(f["status"], f["problems"], f["url"]) for f in offline["findings"]],
                             [("other-store", finding["problems"], None)], flags)
            self.assertEqual(offline["summary"]["other_store"], 1)
        self.assertEqual(self.inspect(*self.store, "inspect", "--offline", "--json", json.dumps(ref)).json()
                         ["findings"][0]["status"], "unchecked")

    def test_a_store_field_no_store_option_can_match_gets_no_advice_to_use_it(self):
        # Advice to use --store s3://bucket/prefix (or S3://, or nothing) could
        # not be followed: the configured store is compared without its prefix.
        ref = self.offload(compressible(60_000), *self.store)
        for field in ("s3://bucket/prefix", "S3://bucket", "", "r2://bucket"):
            odd = dict(ref, store=field)
            r = self.run_cc(*self.store, "retrieve", stdin=json.dumps(odd).encode())
            self.assertEqual(r.code, 3, r.err)
            self.assertNotIn("use --store", r.err)
            self.assertIn("which is not a store location (s3://BUCKET or file:///DIR)", r.err)
            finding = self.inspect(*self.store, "inspect", "--json", json.dumps(odd)).json()["findings"][0]
            self.assertEqual(finding["status"], "other-store")
            self.assertNotIn("use --store", finding["problems"][0])

    def test_offline_makes_no_request(self):
        ref = self.offload(compressible(60_000), *self.store)
        dead = ["--store", "s3://nowhere", "--endpoint", f"http://127.0.0.1:{unused_port()}",
                "--region", "us-east-1"]
        self.env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="not-a-real-secret")
        ref_there = dict(ref, store="s3://nowhere")
        r = self.inspect(*dead, "inspect", "--offline", json.dumps(ref_there))
        self.assertIn("unchecked 1 (offline: nothing looked up)", r.out)
        # Presigning needs no request: --url works offline, even with nothing listening.
        signed = self.inspect(*dead, "inspect", "--offline", "--url", "--json", json.dumps(ref_there)).json()
        url = signed["findings"][0]["url"]
        self.assertTrue(url.startswith(dead[3] + "/nowhere/" + ref["key"] + "?"), url)
        self.assertIn("response-content-encoding=gzip", url)
        self.assertNotIn("not-a-real-secret", url)
        # The same command online does reach for the endpoint, and fails.
        online = self.run_cc(*dead, "inspect", "--json", json.dumps(ref_there))
        self.assertEqual(online.code, 6, online.err)
        self.assertEqual(online.json()["findings"][0]["status"], "error")
        self.assertNotIn("not-a-real-secret", online.out + online.err)
        # Offline reads the configuration as every command does: a bad flag or a
        # missing --config file is exit 2 (they had passed unread, exit 0).
        for bad in (["--deadline", "bogus"], ["--config", self.path("absent.conf")]):
            r = self.inspect(*dead, *bad, "inspect", "--offline", json.dumps(ref), expect=2)
            self.assertEqual(len(r.err.splitlines()), 1, r.err)

    def test_json_schema(self):
        refs = self.offload_refs()
        os.remove(self.object_file(refs[1]))
        history = self.write_json("history.json", self.history_with(refs))
        report = self.inspect(*self.store, "inspect", "--json", "--url", history, expect=4).json()
        self.assertEqual(report["schema"], "claimcheck.inspect/v1")
        self.assertIs(report["offline"], False)
        self.assertEqual(len(report["findings"]), 6)
        for finding in report["findings"]:
            self.assertEqual(set(finding), set(FINDING_FIELDS), finding)
            for name, accepted in FINDING_FIELDS.items():
                self.assertTrue(type_ok(finding[name], accepted), (name, finding[name]))
            self.assertIn(finding["status"], STATUSES)
            self.assertEqual(set(finding["event"]), set(EVENT_FIELDS))
            for name, accepted in EVENT_FIELDS.items():
                self.assertTrue(type_ok(finding["event"][name], accepted), name)
            if finding["object"] is not None:
                self.assertEqual(set(finding["object"]), set(OBJECT_FIELDS))
                for name, accepted in OBJECT_FIELDS.items():
                    self.assertTrue(type_ok(finding["object"][name], accepted), name)
        summary = report["summary"]
        self.assertEqual(set(summary), set(SUMMARY_FIELDS))
        self.assertEqual(summary["found"], sum(summary[k] for k in SUMMARY_FIELDS[1:]))
        self.assertIsNone(self.by_key(report)[refs[1]["key"]]["url"])  # missing: no link
        present = self.by_key(report)[refs[0]["key"]]
        self.assertTrue(present["url"].startswith("file://"))
        # What --help says a local store's link is: the stored bytes.
        with open(urllib.parse.unquote(present["url"][len("file://"):]), "rb") as stored:
            self.assertEqual(len(stored.read()), refs[0]["stored_bytes"])
        self.assertIn("local store the object's file:// URL (its stored bytes)",
                      " ".join(self.run_cc("inspect", "--help").out.split()))
        self.assertEqual(present["object"]["stored_size"], refs[0]["stored_bytes"])
        self.assertEqual(present["object"]["sha256"], refs[0]["sha256"])

    def test_bad_input_is_reported_with_one_line_on_stderr(self):
        bad = self.path("bad.json")
        with open(bad, "w") as f:
            f.write('{"events": [')
        r = self.run_cc(*self.store, "inspect", bad)
        self.assertEqual((r.code, r.err), (3, "claimcheck: inspect: 1 invalid of 1 references\n"))
        self.assertIn("(whole input)  unreadable", r.out)
        self.assertIn("! not JSON: parse error", r.out)
        # --json prints its report whatever the input: a script's jq gets JSON.
        report = self.inspect(*self.store, "inspect", "--json", bad, expect=3).json()
        self.assertEqual([(f["format"], f["status"]) for f in report["findings"]], [("unreadable", "invalid")])
        utf16 = self.path("utf16.json")
        with open(utf16, "wb") as f:
            f.write('{"a": 1}'.encode("utf-16"))  # as Windows PowerShell's '>' writes it
        r = self.inspect(*self.store, "inspect", "--json", utf16, expect=3)
        self.assertEqual(r.json()["findings"][0]["problems"],
                         ["not JSON: parse error at byte 1: syntax error - UTF-16 text (it starts with UTF-16's byte "
                          "order mark); JSON is read as UTF-8"])
        r = self.run_cc(*self.store, "inspect", "")
        self.assertEqual((r.code, r.err.strip()), (2, "claimcheck: open '': No such file or directory"))
        missing = self.run_cc(*self.store, "inspect", self.path("absent.json"))
        self.assertNotEqual(missing.code, 0)
        self.assertTrue(missing.err.startswith("claimcheck: "), missing.err)
        expires = self.run_cc(*self.store, "inspect", "--url", "--expires", "soon", "{}")
        self.assertEqual(expires.code, 2, expires.err)
        self.assertIn("--expires", expires.err)
        too_long = self.run_cc(*self.store, "inspect", "--url", "--expires", "8d", "{}")
        self.assertEqual(too_long.code, 2, too_long.err)
        self.assertIn("7d", too_long.err)

    def inspect_on_terminal(self, env, *args, columns=None):
        """What `inspect ARGS` writes to a pseudo-terminal (`columns` wide)."""
        master, slave = pty.openpty()
        if columns:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        proc = subprocess.run([inspecttest.BINARY, *self.store, "inspect", *args], stdout=slave,
                              stderr=subprocess.PIPE, env=env, timeout=60)
        os.close(slave)
        out = b""
        try:
            while chunk := os.read(master, 65536):
                out += chunk
        except OSError:
            pass  # EIO once the terminal is drained
        os.close(master)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return out.decode()

    def test_colour_only_on_a_terminal_without_no_color(self):
        ref = json.dumps(self.offload(compressible(60_000), *self.store))
        self.assertIn("\033[32mok", self.inspect_on_terminal(self.env, ref))
        self.assertNotIn("\033[", self.inspect_on_terminal(dict(self.env, NO_COLOR="1"), ref))

    def table_on_terminal(self, columns, *args):
        out = self.inspect_on_terminal(dict(self.env, NO_COLOR="1"), *args, columns=columns)
        return out.replace("\r", "").splitlines()

    def test_table_fits_the_terminal_width(self):
        refs = [json.dumps(self.offload(compressible(60_000 + i), *self.store)) for i in range(2)]
        narrow = self.table_on_terminal(100, *refs)
        rows = narrow[:3]  # header and two rows; the summary line follows
        self.assertTrue(all(len(line) <= 100 for line in rows), rows)
        self.assertTrue(rows[0].startswith("LOCATION") and rows[0].endswith("STATUS"), rows[0])
        self.assertNotIn("RATIO", rows[0])
        self.assertTrue(all(line.endswith("ok") for line in rows[1:]), rows)
        wide = self.table_on_terminal(400, *refs)
        for column in ("RATIO", "COMPRESSION", "SHA256", "STORED AT"):
            self.assertIn(column, wide[0])
        # A pipe gets every column, whatever the terminal.
        piped = self.inspect(*self.store, "inspect", *refs).out.splitlines()[0]
        self.assertIn("RATIO", piped)


if __name__ == "__main__":
    sys.exit(inspecttest.main(sys.argv, LocalInspect))
