"""End-to-end: offload/retrieve on the local default store."""
import base64
import gzip
import hashlib
import json
import os
import pty
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import CliTestCase, compressible, expired_in_local_store  # noqa: E402


def read_terminal(master, until=None):
    """What a program drew on the pseudo-terminal `master`: until `until`
    appears in it, else until the program closes the terminal."""
    drawn = b""
    while until is None or until not in drawn:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    return drawn


class LocalStoreTests(CliTestCase):
    def test_small_input_passes_through_byte_identical(self):
        payload = b"\x00binary\xff no newline at the end"
        r = self.ok("offload", stdin=payload)
        self.assertEqual(r.out, payload)
        self.assertEqual(r.err, "")
        self.assertFalse(os.path.exists(self.store_dir) and os.listdir(self.store_dir))

    def test_threshold_boundary(self):
        below = compressible(999)
        self.assertEqual(self.ok("offload", "--threshold", "1000", stdin=below).out, below)
        ref = self.offload(compressible(1000), "--threshold", "1000")
        self.assertEqual(ref["size_bytes"], 1000)

    def test_round_trip_via_stdin(self):
        payload = compressible(300_000)
        ref = self.offload(payload)
        self.assertTrue(ref["compressed"])
        self.assertEqual(len(ref["sha256"]), 64)
        self.assertTrue(ref["store"].startswith("file://"))
        r = self.ok("retrieve", stdin=json.dumps(ref).encode())
        self.assertEqual(r.out, payload)
        self.assertEqual(r.err, "")

    def test_round_trip_via_files(self):
        payload = os.urandom(200_000)
        source = self.write("payload.bin", payload)
        self.ok("offload", source, "-o", self.path("ref.json"), "--pretty")
        ref = json.loads(self.read(self.path("ref.json")))
        self.assertFalse(ref["compressed"], "random bytes are stored raw under auto")
        self.ok("retrieve", self.path("ref.json"), "-o", self.path("out.bin"))
        self.assertEqual(self.read(self.path("out.bin")), payload)

    def test_reader_leaving_early_is_a_quiet_141(self):
        # As `claimcheck retrieve ref | head -c 5`: the exit status a filter
        # killed by SIGPIPE has, and no message; -v says what happened.
        payload = compressible(8 << 20)
        ref_path = self.write("ref.json", json.dumps(self.offload(payload)).encode())
        self.assertEqual(self.reader_leaves_early("retrieve", stdin_path=ref_path), (141, ""))
        code, err = self.reader_leaves_early("-v", "retrieve", stdin_path=ref_path)
        self.assertEqual(code, 141)
        self.assertIn("claimcheck: cannot write stdout: Broken pipe", err)
        big = self.write("big.bin", payload)
        self.assertEqual(self.reader_leaves_early("offload", "--threshold", "1G", stdin_path=big), (141, ""))
        # What was stored is untouched: the full payload still comes back.
        self.assertEqual(self.ok("retrieve", ref_path).out, payload)

    def test_100_mib_round_trip(self):
        payload = compressible(100 << 20)
        source = self.write("big.bin", payload)
        ref_path = self.path("ref.json")
        self.ok("offload", source, "-o", ref_path)
        ref = json.loads(self.read(ref_path))
        self.assertEqual(ref["size_bytes"], 100 << 20)
        self.assertTrue(ref["compressed"])
        self.assertLess(ref["stored_bytes"], 10 << 20)
        self.ok("retrieve", ref_path, "-o", self.path("out.bin"))
        self.assertEqual(self.read(self.path("out.bin")), payload)

    def test_compress_options(self):
        payload = compressible(100_000)
        self.assertFalse(self.offload(payload, "--compress", "never")["compressed"])
        random_bytes = os.urandom(100_000)
        ref = self.offload(random_bytes, "--compress", "always", "--level", "1")
        self.assertTrue(ref["compressed"])
        self.assertEqual(self.ok("retrieve", stdin=json.dumps(ref).encode()).out, random_bytes)

    def test_force_prefix_ttl_content_type(self):
        ref = self.offload(b"tiny", "--force", "--prefix", "team-a/", "--ttl", "2d",
                           "--content-type", "text/plain")
        self.assertTrue(ref["key"].startswith("team-a/"))
        self.assertEqual(ref["content_type"], "text/plain")
        self.assertEqual(ref["size_bytes"], 4)
        self.assertEqual(self.ok("retrieve", stdin=json.dumps(ref).encode()).out, b"tiny")

    def test_bad_prefix_or_content_type_is_a_usage_error_before_anything_is_stored(self):
        for args in (["offload", "--prefix", "a/../b", "--force"], ["offload", "--prefix", "a//b", "--force"],
                     ["offload", "--content-type", "text/plain\r\nX-Injected: 1", "--force"],
                     # a tab: the reference would hold what retrieve refuses to read
                     ["offload", "--content-type", "text/plain;\tcharset=utf-8", "--force"],
                     ["gc", "--prefix", "a/../b", "--dry-run"], ["stats", "--prefix", "./x"]):
            line = self.fails(2, *args, stdin=b"tiny")
            self.assertIn("--prefix" if "--prefix" in args else "--content-type", line)
            self.assertNotIn("X-Injected", line)
        self.assertFalse(os.path.exists(self.store_dir) and any(os.scandir(self.store_dir)))

    def test_a_prefix_the_local_store_cannot_hold_is_a_usage_error(self):
        # Every key segment but the prefix is claimcheck's: a prefix through a
        # symbolic link, or with a segment too long for a file name, is the
        # setting's fault (2), not the input's (3).
        self.ok("offload", "--force", stdin=b"tiny")  # makes the store
        os.symlink(self.path("elsewhere"), os.path.join(self.store_dir, "link"))
        for prefix in ("link/", "a" * 300 + "/"):
            line = self.fails(2, "offload", "--force", "--prefix", prefix, stdin=b"tiny")
            self.assertIn(f"prefix '{prefix}'", line)
        self.assertFalse(os.path.exists(self.path("elsewhere")))

    def test_json_fields_round_trip(self):
        small = {"workflowId": "wf-7", "step": 3, "ratio": 0.25, "done": False, "note": None,
                 "tags": ["a", "b"], "unicode": "caf\u00e9 \u2713", "nested": {"k": [1, 2]}}
        doc = dict(small)
        doc["transcript"] = "t" * 70_000
        doc["data"] = {"fetchPhotos": [{"id": i, "url": f"https://e.x/{i}"} for i in range(3000)],
                       "count": 3}
        doc["context"] = {"report": "r" * 60_000, "user": "ada"}
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
        r = self.ok("offload", "--json-fields", stdin=text)
        out_text = r.out.decode()
        offloaded = json.loads(out_text)
        # The Go runner's scope: only values inside data and context.
        self.assertEqual(offloaded["transcript"], doc["transcript"])
        self.assertEqual(offloaded["data"]["fetchPhotos"]["_type"], "claim_check_ref")
        self.assertEqual(offloaded["context"]["report"]["_type"], "claim_check_ref")
        smalls = dict(small, count=3, user="ada")
        self.assertEqual(len(smalls), 10)
        for name, value in smalls.items():
            exact = f'"{name}":' + json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            self.assertIn(exact, out_text, f"{name} must come out byte-identical")
        restored = self.ok("retrieve", "--json-fields", "-j", "3", stdin=r.out)
        self.assertEqual(json.loads(restored.out), doc)

    def test_json_fields_failures_say_where_the_reference_is(self):
        doc = {"data": {"kept": "k" * 60_000, "b/c~": "x" * 60_000}}
        slim = json.loads(self.ok("offload", "--json-fields", stdin=json.dumps(doc).encode()).out)
        os.remove(self.object_path(slim["data"]["b/c~"]["key"]))
        line = self.fails(4, "retrieve", "--json-fields", stdin=json.dumps(slim).encode())
        self.assertRegex(line, r"^claimcheck: at /data/b~1c~0: get file://\S+: no such object$")
        # In JSON Lines, the line too; a document that is a reference is its own place.
        lines = (json.dumps({"step": 1}) + "\n" + json.dumps(slim) + "\n").encode()
        self.assertRegex(self.fails(4, "retrieve", "--json-fields", stdin=lines),
                         r"^claimcheck: line 2, at /data/b~1c~0: get ")
        self.assertRegex(self.fails(4, "retrieve", "--json-fields", stdin=json.dumps(slim["data"]["b/c~"]).encode()),
                         r"^claimcheck: get ")

    def test_json_fields_scope_is_the_go_runners_unless_widened_or_narrowed(self):
        doc = {"input": "i" * 60_000, "output": "o" * 60_000,
               "data": {"big": "d" * 60_000}, "context": {"big": "c" * 60_000}}
        text = json.dumps(doc).encode()

        def offloaded(*args):
            slim = json.loads(self.ok("offload", "--json-fields", *args, stdin=text).out)
            return sorted(path for path, value in (("input", slim["input"]), ("output", slim["output"]),
                                                  ("data", slim["data"]["big"]), ("context", slim["context"]["big"]))
                          if isinstance(value, dict))

        self.assertEqual(offloaded(), ["context", "data"])
        self.assertEqual(offloaded("--sections", "data"), ["data"])
        self.assertEqual(offloaded("--sections", ".,data,context"), ["context", "data", "input", "output"])
        self.assertIn(b"--sections", self.ok("offload", "--help").out)

    def test_sections_takes_one_value_and_leaves_the_input_file_alone(self):
        # `--sections data FILE` once read FILE as a second section name and
        # then waited on stdin (a terminal: forever).
        doc = {"data": {"big": "d" * 60_000}, "context": {"big": "c" * 60_000}, "other": {"big": "o" * 60_000}}
        path = self.write("state.json", json.dumps(doc).encode())

        def offloaded(*args):
            slim = json.loads(self.ok("offload", "--json-fields", *args).out)
            return sorted(name for name in doc if isinstance(slim[name]["big"], dict))

        self.assertEqual(offloaded("--sections", "data", path), ["data"])
        self.assertEqual(offloaded("--sections=other", path), ["other"])
        self.assertEqual(offloaded("--sections", "data", "--sections", "other", path), ["data", "other"])
        self.assertEqual(offloaded("--sections", "data,other", path), ["data", "other"])
        self.assertEqual(offloaded("--sections", "data, other", path), ["data", "other"])
        self.assertEqual(offloaded(path, "--sections", "context"), ["context"])
        # One value per flag, as the help shows it; a name that is empty names nothing.
        help_text = self.ok("offload", "--help").out.decode()
        self.assertRegex(help_text, r"\n  --sections NAMES +With --json-fields: ")
        self.assertIn("fetches at a time; 1 to 64", self.ok("retrieve", "--help").out.decode())  # the range it takes
        for empty in ("", ",", " "):
            self.assertIn("an empty section name" if empty else "--sections",
                          self.fails(2, "offload", "--json-fields", "--sections", empty, path))

    def test_sections_that_offload_nothing_are_warned_of(self):
        doc = {"data": "d" * 60_000, "ctx": {"big": "c" * 60_000}}
        path = self.write("doc.json", json.dumps(doc).encode())
        # Named sections: each one not looked into is said, and the document passes through.
        r = self.ok("offload", "--json-fields", "--sections", "dta,data", path)
        self.assertEqual(json.loads(r.out), doc)
        self.assertEqual(r.err_lines(), ['claimcheck: warning: --sections: the document has no "dta"',
                                         'claimcheck: warning: --sections: "data" is not an object: nothing in it '
                                         'was offloaded'])
        # The Go runner's defaults: only a document with neither is said to be one no runner wrote.
        r = self.ok("offload", "--json-fields", path)
        self.assertEqual(r.err_lines(), ['claimcheck: warning: the document has no "data" or "context" object (the '
                                         "Go runner's sections): nothing was offloaded; --sections names others, "
                                         "'.' the top level"])
        self.assertEqual(self.ok("offload", "--json-fields", "--sections", "ctx", path).err_lines(), [])
        self.assertEqual(self.ok("offload", "--json-fields", "--sections", ".,data", path).err_lines(), [])
        self.assertEqual(self.ok("-q", "offload", "--json-fields", path).err_lines(), [])
        state = self.write("state.json", json.dumps({"data": {"big": "d" * 60_000}}).encode())
        self.assertEqual(self.ok("offload", "--json-fields", state).err_lines(), [])

    def test_json_fields_round_trip_is_byte_identical(self):
        # Numbers that change when parsed and written again, inside an
        # offloaded value, in an indented document.
        numbers = b"[123456789012345678901234567890, 18446744073709551616, -0, 1e-400, 1E2]"
        text = (b'{\n  "data": {\n    "result": {"numbers": ' + numbers +
                b', "pad": "' + b"p" * 60_000 + b'"}\n  },\n  "n": 1.50\n}\n')
        slim = self.ok("offload", "--json-fields", stdin=text).out
        self.assertEqual(json.loads(slim)["data"]["result"]["_type"], "claim_check_ref")
        self.assertEqual(self.ok("retrieve", "--json-fields", stdin=slim).out, text)

    def test_json_fields_skip_a_byte_order_mark_and_keep_it(self):
        # retrieve and inspect read a reference after a UTF-8 BOM; --json-fields
        # once left the references of such a document unrestored (exit 0) and
        # offload failed with an "internal error" quoting the raw byte.
        bom = b"\xef\xbb\xbf"
        payload = json.dumps({"rows": list(range(20_000))}).encode()
        ref = self.offload(payload, "--force")
        doc = bom + b'{"data":{"a":' + json.dumps(ref).encode() + b"}}\n"
        self.assertEqual(self.ok("retrieve", "--json-fields", stdin=doc).out,
                         bom + b'{"data":{"a":' + payload + b"}}\n")
        small = bom + b'{"data":{"a":1}}'
        self.assertEqual(self.ok("offload", "--json-fields", stdin=small).out, small)
        big = bom + b'{"data":{"a":' + payload + b"}}"
        slim = self.ok("offload", "--json-fields", stdin=big).out
        self.assertTrue(slim.startswith(bom + b'{"data":{"a":{"_type":"claim_check_ref"'), slim[:80])
        self.assertEqual(self.ok("retrieve", "--json-fields", stdin=slim).out, big)
        # A broken mark, or one alone, is not JSON: one clean line, exit 3.
        for bad in (b"\xef\xbb{}", bom, bom + bom + b"{}"):
            for command in ("offload", "retrieve"):
                line = self.fails(3, command, "--json-fields", stdin=bad)
                self.assertIn("input is not JSON", line)

    def test_retrieve_takes_inline_and_string_encoded_references(self):
        payload = compressible(80_000)
        ref = self.offload(payload)
        self.assertEqual(self.ok("retrieve", json.dumps(ref)).out, payload)
        # jq without -r, or a Temporal payload's data, gives a JSON string.
        self.assertEqual(self.ok("retrieve", stdin=json.dumps(json.dumps(ref)).encode()).out, payload)
        self.assertEqual(self.ok("retrieve", json.dumps(json.dumps(ref))).out, payload)
        # A JSON string that is not a reference is still passed through.
        self.assertEqual(self.ok("retrieve", stdin=b'"just text"').out, b'"just text"')

    def test_json_lines_of_references(self):
        docs = [{"n": i, "rows": list(range(i * 20_000, i * 20_000 + 20_000))} for i in range(2)]
        refs = [self.offload(json.dumps(d).encode(), "--force") for d in docs]
        lines = "".join(json.dumps(r) + "\n" for r in refs).encode()
        line = self.fails(3, "retrieve", stdin=lines)
        self.assertIn("input holds 2 references, one per line: use --json-fields", line)
        restored = self.ok("retrieve", "--json-fields", stdin=lines).out.decode().splitlines()
        self.assertEqual([json.loads(l) for l in restored], docs)

    def test_expired_reference_warns_while_present_and_says_so_once_gone(self):
        payload = compressible(60_000)
        ref = self.offload(payload)
        # Only the reference claiming it expired: gc goes by the key, so a missing object is missing.
        claims = dict(ref, expires_at="2020-01-01T00:00:00Z")
        os.rename(self.object_path(ref["key"]), self.object_path(ref["key"]) + ".away")
        line = self.fails(4, "retrieve", stdin=json.dumps(claims).encode())
        self.assertNotIn("expired", line)
        os.rename(self.object_path(ref["key"]) + ".away", self.object_path(ref["key"]))
        ref = expired_in_local_store(self.store_dir, ref)
        r = self.ok("retrieve", stdin=json.dumps(ref).encode())
        self.assertEqual(r.out, payload)
        self.assertEqual(r.err_lines(), [f"claimcheck: warning: reference {ref['key']} expired at "
                                         "2020-01-01T00:00:00Z: the object is still stored, but gc may delete it"])
        self.assertEqual(self.ok("-q", "retrieve", stdin=json.dumps(ref).encode()).err, "")
        os.remove(self.object_path(ref["key"]))
        line = self.fails(4, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn("no such object (the reference expired at 2020-01-01T00:00:00Z: gc deletes expired objects)",
                      line)

    def test_json_fields_warns_once_of_expired_and_unverified_references(self):
        """What plain retrieve says of one reference, --json-fields says of a document's: one line for
        one, a count with the earliest for several; -q says nothing."""
        payloads = [compressible(60_000 + i) for i in range(4)]
        refs = [self.offload(p) for p in payloads]
        refs[0] = expired_in_local_store(self.store_dir, refs[0], "2020-01-02")
        refs[1] = expired_in_local_store(self.store_dir, refs[1])
        one = json.dumps({"data": {"a": refs[0], "c": refs[2]}}).encode()
        r = self.ok("retrieve", "--json-fields", stdin=one)
        self.assertEqual(json.loads(r.out), {"data": {"a": payloads[0].decode(), "c": payloads[2].decode()}})
        self.assertEqual(r.err_lines(), [f"claimcheck: warning: reference {refs[0]['key']} expired at "
                                         "2020-01-02T00:00:00Z: the object is still stored, but gc may delete it"])
        del refs[2]["sha256"]  # as the Go runner writes it
        del refs[3]["sha256"]
        several = json.dumps({"data": {"a": refs[0], "b": refs[1], "c": refs[2], "d": refs[3]}}).encode()
        least = min(refs[2]["key"], refs[3]["key"])  # named whichever fetch ends first
        for _ in range(3):
            r = self.ok("retrieve", "--json-fields", stdin=several)
            self.assertEqual(r.err_lines(), [
                f"claimcheck: warning: 2 references expired, the first ({refs[1]['key']}) at 2020-01-01T00:00:00Z: "
                "the objects are still stored, but gc may delete them",
                f"claimcheck: warning: 2 references have no sha256 ({least} among them): verified by size only"])
        self.assertEqual(self.ok("-q", "retrieve", "--json-fields", stdin=several).err, "")

    def test_compression_disabled_like_a_go_runner_means_compressed_false_everywhere(self):
        # A Go runner with CLAIMCHECK_COMPRESSION_ENABLED=false returns the
        # stored bytes as they are: every reference it may read must say
        # compressed:false, and its object must be the payload itself.
        payloads = [compressible(60_000), os.urandom(60_000), compressible(6 << 20)]
        for value in ("false", "0", "FALSE"):
            env = dict(self.env, CLAIMCHECK_COMPRESSION_ENABLED=value)
            for payload in payloads:
                for args in ([], ["--level", "9"], ["--force"]):
                    ref = self.offload(payload, *args, env=env)
                    self.assertFalse(ref["compressed"], (value, len(payload), args))
                    self.assertEqual(self.read(self.object_path(ref["key"])), payload)
            doc = {"data": {"a": "x" * 60_000, "b": [{"i": i} for i in range(9000)]},
                   "context": {"c": "y" * 60_000}}
            slim = json.loads(self.ok("offload", "--json-fields", stdin=json.dumps(doc).encode(), env=env).out)
            refs = [slim["data"]["a"], slim["data"]["b"], slim["context"]["c"]]
            self.assertEqual([r["compressed"] for r in refs], [False] * 3)

    def test_go_runner_reference(self):
        payload = compressible(80_000)
        key = str(uuid.uuid4())
        os.makedirs(self.store_dir, exist_ok=True)
        self.write(self.object_path(key), gzip.compress(payload, 6))
        ref = {"_type": "claim_check_ref", "key": key, "size_bytes": len(payload),
               "compressed": True, "stored_at": "2026-01-09T13:24:00Z"}
        r = self.ok("retrieve", stdin=json.dumps(ref, separators=(",", ":")).encode())
        self.assertEqual(r.out, payload)
        self.assertEqual(len(r.err_lines()), 1)
        self.assertIn("verified by size only", r.err)
        quiet = self.ok("retrieve", "-q", stdin=json.dumps(ref).encode())
        self.assertEqual(quiet.out, payload)
        self.assertEqual(quiet.err, "")

    def test_typescript_runner_reference(self):
        payload = b"typescript payload " * 10_000
        key = "claimcheck/" + str(uuid.uuid4())
        os.makedirs(os.path.dirname(self.object_path(key)), exist_ok=True)
        self.write(self.object_path(key), payload)
        ref = {"key": key, "size": len(payload), "compressed": False,
               "metadata": {"encoding": "anNvbi9wbGFpbg=="}}
        self.assertEqual(self.ok("retrieve", "-q", stdin=json.dumps(ref).encode()).out, payload)

    def test_non_reference_passes_through_unless_strict(self):
        text = b'{"not": "a reference"}  \n'
        self.assertEqual(self.ok("retrieve", stdin=text).out, text)
        line = self.fails(3, "retrieve", "--strict", stdin=text)
        self.assertIn("not a reference", line)

    def test_a_small_output_that_is_a_reference_is_taken_for_one_unless_offloaded_with_force(self):
        original = compressible(100_000)
        ref_text = json.dumps(self.offload(original)).encode()
        passed = self.ok("offload", stdin=ref_text).out  # small: passes through as it is
        self.assertEqual(passed, ref_text)
        self.assertEqual(self.ok("retrieve", stdin=passed).out, original)  # the object it names
        carried = self.ok("offload", "--force", stdin=ref_text).out
        self.assertEqual(self.ok("retrieve", stdin=carried).out, ref_text)  # the reference's own text

    def test_a_reference_in_utf16_is_refused_by_name_other_utf16_passes_through(self):
        ref_text = json.dumps(self.offload(compressible(100_000)))
        for encoding in ("utf-16", "utf-16-be"):  # little endian with its mark; big endian with one added
            data = ref_text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + ref_text.encode(encoding)
            line = self.fails(3, "retrieve", stdin=data)
            self.assertIn("the reference is UTF-16 text", line)
        text = "small UTF-16 text, not a reference".encode("utf-16")
        self.assertEqual(self.ok("retrieve", stdin=text).out, text)

    def test_an_empty_output_name_is_refused_not_stdout(self):
        ref = json.dumps(self.offload(compressible(100_000))).encode()
        for command, stdin in (("offload", compressible(100)), ("retrieve", ref)):
            self.assertEqual(self.fails(2, command, "-o", "", stdin=stdin), "claimcheck: --output: an empty file name")
        # --output="$OUT" with OUT unset: the value is empty, never the next word (the input file,
        # which was then overwritten with standard input).
        ref_file = self.write("ref.json", ref)
        for command, stdin in (("offload", b"from stdin"), ("retrieve", b"from stdin")):
            self.assertEqual(self.fails(2, command, "--output=", ref_file, stdin=stdin),
                             "claimcheck: --output: an empty file name")
            self.assertEqual(self.read(ref_file), ref)
        self.assertEqual(self.fails(2, "gc", "--dry-run", "--keep-referenced", ""),
                         "claimcheck: '': No such file or directory")

    def test_exit_4_missing_object_and_no_partial_output(self):
        ref = self.offload(compressible(100_000))
        os.remove(self.object_path(ref["key"]))
        out = self.path("out.bin")
        self.fails(4, "retrieve", "-o", out, stdin=json.dumps(ref).encode())
        self.assertFalse(os.path.exists(out))

    def test_exit_5_tampered_object_and_no_partial_output(self):
        ref = self.offload(compressible(100_000), "--compress", "never")
        data = bytearray(self.read(self.object_path(ref["key"])))
        data[1234] ^= 1
        self.write(self.object_path(ref["key"]), bytes(data))
        out = self.write("out.bin", b"previous content")
        line = self.fails(5, "retrieve", "-o", out, stdin=json.dumps(ref).encode())
        self.assertIn("sha256 mismatch: the payload's sha256 is " + hashlib.sha256(data).hexdigest() +
                      ", the reference says " + ref["sha256"], line)
        self.assertEqual(self.read(out), b"previous content")
        self.assertEqual(sorted(os.listdir(self.tmp)).count("out.bin"), 1)
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith(".out.bin")], [])

    def test_exit_5_truncated_object(self):
        ref = self.offload(compressible(100_000), "--compress", "never")
        data = self.read(self.object_path(ref["key"]))
        self.write(self.object_path(ref["key"]), data[:-10])
        line = self.fails(5, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn("size mismatch: expected 100000 bytes, got 99990", line)

    def test_exit_3_malformed_reference(self):
        self.fails(3, "retrieve", stdin=b'{"_type":"claim_check_ref","key":"k"}')
        self.fails(3, "retrieve", stdin=b'{"_type":"claim_check_ref","key":"../x","size_bytes":1,'
                                        b'"compressed":false,"stored_at":"2026-01-09T13:24:00Z"}')

    def test_a_nul_byte_after_a_reference_is_trailing_garbage_like_any_other(self):
        # The JSON parser stopped at a NUL byte: a reference followed by one and
        # anything else was retrieved, --strict too, and inspect saw a reference.
        payload = compressible(80_000)
        ref = json.dumps(self.offload(payload)).encode()
        for tail in (b"\0" + random.Random(8).randbytes(1000), b"\0", b"xyz", b",", ref):
            path = self.write("x.bin", ref + tail)
            for args in (["retrieve", path], ["retrieve", "--strict", path]):
                self.fails(3, *args)
            # inspect reports such an input as an unreadable finding (exit 3), never as a reference
            r = self.run_cc("inspect", "--offline", "--json", path)
            self.assertEqual(r.code, 3, r.err)
            self.assertEqual({f["format"] for f in json.loads(r.out)["findings"]}, {"unreadable"})
        # Input that is not a reference still passes through unchanged.
        text = b'{"a":1}\0junk'
        self.assertEqual(self.ok("retrieve", stdin=text).out, text)
        self.assertIn("input is not JSON", self.fails(3, "retrieve", "--json-fields", stdin=text))
        self.assertIn("input is not JSON", self.fails(3, "offload", "--json-fields", stdin=b'{"data":{}}\0'))

    def test_json_fields_says_why_a_document_is_refused(self):
        # 1e400 is JSON, but beyond what the parser holds: said so, not "not JSON".
        big = b'{"data":{"big":"' + b"x" * 60000 + b'"},"input":1e400}'
        for command in ("offload", "retrieve"):
            line = self.fails(3, command, "--json-fields", stdin=big)
            self.assertIn("a number beyond +/-1.8e308", line)
            self.assertIn("'1e400'", line)
        line = self.fails(3, "offload", "--json-fields", stdin=b'{"data":{"a":1}')
        self.assertIn("input is not JSON: parse error at line 1, column 16", line)

    def test_exit_3_reference_for_another_store(self):
        ref = self.offload(compressible(100_000))
        ref["store"] = "s3://some-bucket"
        line = self.fails(3, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn("--store s3://some-bucket", line)

    def test_reference_store_with_trailing_slash_matches_the_store(self):
        # A hand-edited "file:///dir/" is the same store as --store /dir/ and
        # file:///dir/, which both become file:///dir; the advice for another
        # store is a --store that does not normalise away again.
        payload = compressible(100_000)
        ref = self.offload(payload, "--store", self.store_dir)
        ref["store"] += "/"
        for store in (self.store_dir + "/", "file://" + self.store_dir + "/"):
            r = self.ok("--store", store, "retrieve", stdin=json.dumps(ref).encode())
            self.assertEqual(r.out, payload)
        ref["store"] = "file://" + self.path("other") + "//"
        line = self.fails(3, "--store", self.store_dir, "retrieve", stdin=json.dumps(ref).encode())
        self.assertIn(f"(use --store file://{self.path('other')})", line)
        # RFC 8089's file://localhost/dir is file:///dir, in the field as in --store
        ref["store"] = "file://localhost" + self.store_dir
        for store in (self.store_dir, "file://localhost" + self.store_dir):
            self.assertEqual(self.ok("--store", store, "retrieve", stdin=json.dumps(ref).encode()).out, payload)

    def test_exit_2_usage_errors(self):
        line = self.fails(2, "offload", "--foo")
        self.assertIn("--foo", line)
        self.fails(2, "offload", "--level", "12")
        self.fails(2, "offload", "--compress", "maybe")
        self.fails(2, "offload", "--threshold", "lots", stdin=b"x")
        self.fails(2, "--no-such-global")
        # An S3 setting's flag beside a local store is checked too (it was ignored).
        self.assertIn("--deadline: 'bogus' is not a duration", self.fails(2, "--deadline", "bogus", "offload", stdin=b"x"))
        # No command: one line naming them (it had been the whole help, 36 lines).
        self.assertEqual(self.fails(2), "claimcheck: no command given: one of offload, retrieve, inspect, gc, "
                                        "stats, serve (see 'claimcheck --help')")
        self.assertIn("no command given", self.fails(2, "-v"))
        # A global option's error points to the help that lists it.
        self.assertTrue(self.fails(2, "offload", "--max-attempts", "21").endswith("(see 'claimcheck --help')"))
        self.assertEqual(self.fails(2, "--verbose=x", "offload"),
                         "claimcheck: --verbose: 'x' is not a value it takes (see 'claimcheck --help')")

    def test_exit_2_missing_input_file(self):
        # A path named on the command line that cannot be used: a usage error,
        # like an unusable -o directory; 3 is for malformed input content.
        line = self.fails(2, "offload", self.path("missing.bin"))
        self.assertIn("No such file", line)
        line = self.fails(2, "offload", self.tmp)
        self.assertIn("is a directory", line)
        self.fails(2, "inspect", self.path("missing.json"))
        self.fails(2, "retrieve", self.path("missing.json"))

    def test_output_dash_is_stdout_and_a_device_is_written_to(self):
        payload = compressible(100_000)
        ref = json.dumps(self.offload(payload)).encode()
        previous = os.getcwd()
        os.chdir(self.tmp)  # a file named '-' would appear here
        try:
            self.assertEqual(self.ok("retrieve", "-o", "-", stdin=ref).out, payload)
        finally:
            os.chdir(previous)
        self.assertFalse(os.path.exists(self.path("-")), "'-' is stdout, not a file")
        r = self.ok("retrieve", "-o", "/dev/null", stdin=ref)
        self.assertEqual((r.out, r.err), (b"", ""))
        self.assertTrue(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"))
        self.assertEqual(self.ok("offload", "-o", "-", stdin=b"small").out, b"small")
        # A device whose poll never says "writable" (/dev/random on Linux 6):
        # retrieve waited for room there after its last byte, for ever.
        proc = subprocess.run([clitest.BINARY, "retrieve", "-o", "/dev/random"], input=ref, capture_output=True,
                              env=self.env, timeout=60)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, b"", b""))

    def test_output_through_a_link_reaches_the_file_it_leads_to(self):
        payload = compressible(100_000)
        ref = json.dumps(self.offload(payload)).encode()
        # A link to the process's own stdout, as /dev/stdout is: with stdout
        # sent to a file, renaming over the link lost the output (exit 0).
        stdout_link = self.path("stdout-link")
        os.symlink("/proc/self/fd/1", stdout_link)
        captured = self.path("captured")
        with open(self.write("ref.json", ref), "rb") as stdin, open(captured, "wb") as stdout:
            proc = subprocess.run([clitest.BINARY, "retrieve", "-o", stdout_link], stdin=stdin,
                                  stdout=stdout, stderr=subprocess.PIPE, env=self.env, timeout=600)
        self.assertEqual((proc.returncode, proc.stderr), (0, b""))
        self.assertEqual(self.read(captured), payload)
        self.assertTrue(os.path.islink(stdout_link))
        # A link to a file: that file is replaced, the link stays a link.
        target, link = self.write("target.txt", b"old"), self.path("link.txt")
        os.symlink("target.txt", link)
        self.ok("retrieve", "-o", link, stdin=ref)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(self.read(target), payload)

    def test_a_link_another_user_planted_in_a_shared_directory_is_not_followed(self):
        # The kernel refuses such a link (fs.protected_symlinks): claimcheck
        # follows links itself, and root's `-o /tmp/out` replaced the file a
        # link planted by another user chose, or created the one a dangling
        # link named.
        payload = compressible(100_000)
        ref = json.dumps(self.offload(payload)).encode()
        shared = self.path("shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        victim = self.write("victim.txt", b"root's own")
        planted, dangling = os.path.join(shared, "out"), os.path.join(shared, "new")
        os.symlink(victim, planted)
        os.symlink(self.path("created-by-root"), dangling)
        for link in (planted, dangling):
            os.lchown(link, clitest.SPARE_UID, clitest.SPARE_UID)
        def stored():
            return sorted(os.path.join(d, n) for d, _, names in os.walk(self.store_dir) for n in names)
        before = stored()
        for link in (planted, dangling):
            line = self.fails(2, "retrieve", "-o", link, stdin=ref)
            self.assertIn("a symbolic link another user (uid {}) made in a shared directory".format(clitest.SPARE_UID),
                          line)
            line = self.fails(2, "offload", "-o", link, stdin=payload)
            self.assertIn("not followed, as the kernel would not (fs.protected_symlinks)", line)
        # A link reaching one of them is refused too, at the planted link.
        chained = self.path("chained")
        os.symlink(planted, chained)
        self.assertIn("it leads to {}, a symbolic link another user".format(planted),
                      self.fails(2, "retrieve", "-o", chained, stdin=ref))
        self.assertEqual(self.read(victim), b"root's own")
        self.assertFalse(os.path.lexists(self.path("created-by-root")))
        self.assertEqual(sorted(os.listdir(shared)), ["new", "out"])  # no staging file left
        self.assertEqual(stored(), before)  # no object stored for a refused -o
        # The caller's own link there, and another user's link where the
        # directory is not shared, are followed.
        own = os.path.join(shared, "own")
        os.symlink(self.path("own-target"), own)
        self.ok("retrieve", "-o", own, stdin=ref)
        self.assertEqual(self.read(self.path("own-target")), payload)
        os.chmod(shared, 0o755)
        self.ok("retrieve", "-o", planted, stdin=ref)
        self.assertEqual(self.read(victim), payload)

    def test_an_output_where_no_file_can_be_made_says_so(self):
        # /proc answers ENOENT to a new file: 'No such file or directory' for
        # a file that is there sent the reader to the wrong cause.
        ref = json.dumps(self.offload(compressible(100_000))).encode()
        line = self.fails(2, "retrieve", "-o", "/proc/version", stdin=ref)
        self.assertEqual(line, "claimcheck: write /proc/version: no file can be created in /proc "
                               "(the output is written beside it, then renamed)")
        # A directory that is not there keeps the system's words.
        self.assertEqual(self.fails(2, "retrieve", "-o", self.path("no-dir/out"), stdin=ref),
                         "claimcheck: write {}: No such file or directory".format(self.path("no-dir/out")))

    def test_exit_codes_follow_one_rule_per_class(self):
        # A path named by a variable or setting that cannot be used: 2.
        big = json.dumps(self.offload(compressible(9 << 20))).encode()  # stdout spools past 8 MiB
        env = dict(self.env, TMPDIR=self.path("no-such-tmp"))
        self.assertIn("no-such-tmp", self.fails(2, "retrieve", stdin=big, env=env))
        not_a_dir = self.write("journal-file", b"")
        env = dict(self.env, CLAIMCHECK_JOURNAL_DIR=os.path.join(not_a_dir, "sub"))
        r = self.run_cc("stats", "--operations", env=env)
        self.assertEqual(r.code, 2, r.err)
        self.assertIn("journal", r.err)
        # The local system failing while writing (disk full): 1, for stdout and -o alike.
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([clitest.BINARY, "retrieve"], input=big, stdout=full,
                                  stderr=subprocess.PIPE, env=self.env, timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)

    def test_a_file_size_limit_fails_the_write_and_leaves_no_part_behind(self):
        # ulimit -f: the kernel sends SIGXFSZ at the limit, whose default is
        # to die (exit 153) with every file half written. claimcheck ignores
        # it and fails the write (EFBIG) as on a full disk.
        def run_limited(limit, *args, stdin=b""):
            def limit_file_size():
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            proc = subprocess.run([clitest.BINARY, *args], input=stdin, capture_output=True, env=self.env,
                                  timeout=120, preexec_fn=limit_file_size)
            return proc.returncode, proc.stdout, proc.stderr.decode()

        payload = random.Random(7).randbytes(3_000_000)
        code, out, err = run_limited(500_000, "offload", stdin=payload)
        self.assertEqual((code, out), (6, b""), err)
        self.assertIn("File too large", err)
        self.assertEqual([f for _, _, files in os.walk(self.store_dir) for f in files], [])

        ref = self.write("ref.json", self.ok("offload", stdin=payload).out)
        os.makedirs(self.path("out"))
        code, _, err = run_limited(2_000_000, "retrieve", "-o", self.path("out/x.bin"), ref)
        self.assertEqual(code, 1, err)
        self.assertEqual(err.splitlines(), ["claimcheck: write %s: File too large" % self.path("out/x.bin")])
        self.assertEqual(os.listdir(self.path("out")), [])

        # The journal stops growing at the limit: each run still succeeds,
        # warns, and leaves no half record.
        journal = os.path.join(self.tmp, "state", "claimcheck", "journal.jsonl")
        small = compressible(300)
        warned = 0
        for _ in range(6):
            code, out, err = run_limited(1024, "offload", "--threshold", "10", stdin=small)
            self.assertEqual(code, 0, err)
            self.assertTrue(out.startswith(b'{"_type":"claim_check_ref"'))
            warned += "warning: not journaled" in err
        self.assertGreater(warned, 0)
        self.assertLessEqual(os.path.getsize(journal), 1024)
        self.assertNotIn("unreadable journal lines", self.ok("stats", "--operations").out.decode())

    def test_a_thread_limit_is_one_line_not_an_abort(self):
        # Under `ulimit -u` (or a container's pids.max) a thread cannot be
        # started: the compressing threads' start once ended the program
        # (std::terminate, exit 134) with one of them running.
        if os.geteuid() != 0:
            self.skipTest("changing user needs root")
        shared = clitest.open_to_all(self.tmp, "shared")
        payload = os.path.join(shared, "in.json")
        with open(payload, "wb") as f:
            f.write(compressible(2_000_000))
        env = dict(self.env, HOME=shared, XDG_DATA_HOME=shared, XDG_STATE_HOME=shared, XDG_CONFIG_HOME=shared)
        refused = 0
        for threads in (2, 3, 4, 5):  # where each of its threads is refused in turn
            store = os.path.join(shared, "store-%d" % threads)
            argv, limit = clitest.with_thread_limit(threads, [clitest.BINARY, "offload", "--store", store, payload])
            proc = subprocess.run(argv, capture_output=True, env=env, timeout=120, preexec_fn=limit)
            if proc.returncode == 0:
                self.assertTrue(proc.stdout.startswith(b'{"_type":"claim_check_ref"'), proc.stdout)
                continue
            refused += 1
            self.assertEqual(proc.returncode, 1, (threads, proc.stderr))
            self.assertEqual(proc.stdout, b"")
            self.assertEqual(proc.stderr.decode().splitlines(),
                             ["claimcheck: cannot start a thread: Resource temporarily unavailable (the limit on "
                              "processes and threads: ulimit -u, or a container's pids.max)"])
            self.assertEqual([f for _, _, files in os.walk(store) for f in files], [])
        self.assertGreaterEqual(refused, 2)

    def test_an_address_space_limit_is_named_when_a_thread_cannot_start(self):
        # pthread_create fails with EAGAIN when a stack cannot be mapped under
        # `ulimit -v`, and the line named only ulimit -u and pids.max.
        if clitest.is_sanitized(clitest.BINARY):
            self.skipTest("the sanitizers reserve more address space than any limit here")
        payload = self.write("in.txt", base64.b64encode(os.urandom(15 << 20)))
        thread_lines = 0
        for kib in range(25_000, 150_001, 5_000):
            store = self.path("store-%d" % kib)

            def limit(kib=kib):
                resource.setrlimit(resource.RLIMIT_AS, (kib << 10, kib << 10))
            proc = subprocess.run([clitest.BINARY, "offload", "--store", store, payload], capture_output=True,
                                  env=self.env, timeout=120, preexec_fn=limit)
            if proc.returncode == 0:
                continue
            lines = proc.stderr.decode().splitlines()
            self.assertEqual(proc.returncode, 1, (kib, lines))
            self.assertEqual(len(lines), 1, (kib, lines))
            self.assertEqual(proc.stdout, b"")
            if lines[0].startswith("claimcheck: cannot start a thread:"):
                thread_lines += 1
                self.assertTrue(lines[0].endswith("; or on memory, for its stack: ulimit -v)"), lines[0])
            else:
                self.assertEqual(lines[0], "claimcheck: out of memory", kib)
            self.assertEqual([f for _, _, files in os.walk(store) for f in files], [], kib)
        self.assertGreaterEqual(thread_lines, 1)
        # Since Linux 4.7 the data segment's limit counts thread stacks too:
        # 100 MB stacks under a 60 MB `ulimit -d` cannot be had.
        def limit_data():
            resource.setrlimit(resource.RLIMIT_STACK, (100_000 << 10, 100_000 << 10))
            resource.setrlimit(resource.RLIMIT_DATA, (60_000 << 10, 60_000 << 10))
        proc = subprocess.run([clitest.BINARY, "offload", "--store", self.path("store-data"), payload],
                              capture_output=True, env=self.env, timeout=120, preexec_fn=limit_data)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertTrue(proc.stderr.decode().endswith("; or on memory, for its stack: ulimit -d)\n"), proc.stderr)

    def test_s3_flags_beside_a_local_store_are_named_as_unused(self):
        # `--endpoint` without `--store s3://...` had stored the payload in the
        # local directory with no word about the endpoint.
        r = self.ok("--endpoint", "http://127.0.0.1:1", "--region", "eu-west-1", "offload", "--force",
                    "--connect-timeout", "3s", stdin=b"payload")
        self.assertEqual(json.loads(r.out)["store"], "file://" + self.store_dir)
        self.assertEqual(r.err_lines(), ["claimcheck: warning: --connect-timeout, --endpoint, --region not used: the "
                                         "store is file://" + self.store_dir + " (an S3 store is --store s3://BUCKET)"])
        self.assertEqual(self.ok("-q", "--endpoint", "http://127.0.0.1:1", "offload", "--force",
                                 stdin=b"payload").err, "")
        # A variable may serve other runs: it is not warned about.
        env = dict(self.env, AWS_ENDPOINT_URL="http://127.0.0.1:1")
        self.assertEqual(self.ok("offload", "--force", stdin=b"payload", env=env).err, "")

    def test_a_store_directory_that_is_gone_is_a_usage_error_not_every_object_missing(self):
        # An unmounted volume or a typo in --store had made retrieve and
        # inspect say "no such object" (exit 4) where gc and stats say exit 2.
        store = self.path("store")
        ref = self.ok("offload", "--force", "--store", store, stdin=b"payload").out
        os.rename(store, self.path("elsewhere"))
        expected = "claimcheck: file://%s: no such directory" % store
        self.assertEqual(self.fails(2, "retrieve", "--store", store, stdin=ref), expected)
        self.assertEqual(self.fails(2, "inspect", "--store", store, stdin=ref), expected)
        self.assertEqual(self.fails(2, "gc", "--store", store), expected)
        os.rename(self.path("elsewhere"), store)
        os.remove(os.path.join(store, json.loads(ref)["key"]))
        self.fails(4, "retrieve", "--store", store, stdin=ref)  # the object alone is missing

    def test_a_store_path_no_reference_can_name_is_refused_before_storing(self):
        # A tab in the directory's path gave exit 0 and a reference retrieve
        # refuses (exit 3); a byte that is not UTF-8 stored the object, then
        # failed to write the reference (exit 1).
        for name in (b"tab\tx", b"line\nbreak", b"lat\xe9"):
            store = os.path.join(os.fsencode(self.tmp), b"odd-" + name)
            os.makedirs(store)
            proc = subprocess.run([clitest.BINARY, "offload", "--force", "--store", store], input=b"payload",
                                  capture_output=True, env=self.env, timeout=60)
            self.assertEqual(proc.returncode, 2, (name, proc.stderr))
            self.assertEqual(proc.stdout, b"")
            lines = proc.stderr.decode("utf-8", "replace").splitlines()
            self.assertEqual(len(lines), 1, lines)
            self.assertIn(": a reference cannot name this store: its location ", lines[0])
            self.assertEqual([f for _, _, files in os.walk(store) for f in files], [], name)

    def test_a_bucket_to_read_is_resolved_only_for_the_commands_that_read_references(self):
        # CLAIMCHECK_READ_BUCKETS kept for serve made a local offload, gc or
        # stats read the AWS settings and fail on a profile it never needed.
        env = dict(self.env, CLAIMCHECK_READ_BUCKETS="bars", AWS_PROFILE="nope")
        ref = self.ok("offload", "--force", stdin=b"payload", env=env).out
        self.ok("gc", "--dry-run", env=env)
        self.ok("stats", env=env)
        # inspect and retrieve may read the bucket: its settings must hold.
        self.assertIn("AWS_PROFILE: profile 'nope' not found", self.fails(2, "inspect", stdin=ref, env=env))
        self.assertEqual(self.ok("retrieve", stdin=ref, env=dict(env, AWS_PROFILE="")).out, b"payload")

    def test_silent_server_is_given_up_on_after_the_read_timeout_and_the_attempts(self):
        # Accepts connections (the kernel completes the handshake for a
        # listening socket) but never answers.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)
            endpoint = "http://127.0.0.1:%d" % silent.getsockname()[1]
            env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x")
            r = self.run_cc("-vv", "--store", "s3://bucket", "--endpoint", endpoint, "--read-timeout", "1s",
                            "--max-attempts", "2", "offload", stdin=compressible(100_000), env=env)
        self.assertEqual(r.code, 6, r.err)
        self.assertIn("config read_timeout = 1s (flag --read-timeout)", r.err)
        self.assertIn("config max_attempts = 2 (flag --max-attempts)", r.err)
        self.assertIn("Timeout", r.err)
        self.assertIn("attempt 2/2", r.err)
        self.assertNotIn("attempt 3/", r.err)
        # Each PUT attempt ends about 1 s after its body went out, not the
        # 7 s curl's averaged low-speed check took.
        put_attempts = re.findall(r"s3: PUT .* (\d+) ms, attempt \d/2", r.err)
        self.assertEqual(len(put_attempts), 2, r.err)
        for elapsed in put_attempts:
            self.assertLess(int(elapsed), 4000, r.err)

    def test_network_limits_come_from_flag_environment_and_config_file(self):
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x",
                   CLAIMCHECK_CONNECT_TIMEOUT="2s", AWS_MAX_ATTEMPTS="3")
        config = self.write("cc.conf", b"deadline = 2m\n")
        r = self.ok("-v", "--store", "s3://bucket", "--config", config, "offload", stdin=b"small", env=env)
        self.assertIn("config connect_timeout = 2s (env CLAIMCHECK_CONNECT_TIMEOUT)", r.err)
        self.assertIn("config max_attempts = 3 (env AWS_MAX_ATTEMPTS)", r.err)
        self.assertIn("config deadline = 2m (file " + config + ":1)", r.err)
        self.assertIn("config read_timeout = 30s (default)", r.err)
        for args in (["--max-attempts", "0"], ["--read-timeout", "0s"], ["--deadline", "soon"]):
            self.assertIn(args[0], self.fails(2, "--store", "s3://bucket", *args, "offload", stdin=b"x", env=env))

    def test_malformed_ipv6_endpoint_is_a_usage_error_like_any_malformed_endpoint(self):
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x", R2_ENDPOINT="http://[::1")
        self.assertIn("R2_ENDPOINT", self.fails(2, "--store", "s3://b", "offload", "--force", stdin=b"x", env=env))
        env["R2_ENDPOINT"] = "http://exa mple"
        self.assertIn("R2_ENDPOINT", self.fails(2, "--store", "s3://b", "offload", "--force", stdin=b"x", env=env))

    def test_ttl_zero_is_refused(self):
        self.assertIn("above zero", self.fails(2, "offload", "--ttl", "0", stdin=b"x"))
        self.assertIn("CLAIMCHECK_TTL_DAYS", self.fails(2, "offload", stdin=b"x",
                                                         env=dict(self.env, CLAIMCHECK_TTL_DAYS="0")))
        self.assertIn("--ttl", self.fails(2, "gc", "--dry-run", "--ttl", "0s"))
        self.ok("offload", "--ttl", "2", stdin=b"x")  # a bare number is days
        self.assertIn(b"(a bare number is days)", self.ok("offload", "--help").out)

    def test_a_store_that_cannot_be_used_is_a_usage_error_before_any_request(self):
        afile = self.write("afile", b"not a directory")
        for store in (afile, afile + "/sub", "file://" + afile):
            line = self.fails(2, "--store", store, "offload", "--force", stdin=b"x")
            self.assertIn("Not a directory", line)
        # A bucket name no S3 store can have is refused before a request is
        # made (the endpoint would refuse the connection: exit 6).
        env = dict(self.env, AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s", AWS_ENDPOINT_URL="http://127.0.0.1:1")
        for store in ("s3://bucket?x=1", "s3://a#b/p", "s3://b%2Fc", "s3://" + "b" * 256):
            line = self.fails(2, "--store", store, "offload", "--force", stdin=b"x", env=env)
            self.assertIn("is not a store", line)
        self.assertIn("127.0.0.1", self.fails(6, "--store", "s3://Old_Bucket.1", "offload", "--force",
                                                 stdin=b"x", env=env))

    def test_a_store_directory_this_user_cannot_write_in_is_a_usage_error_naming_it(self):
        # An existing directory without write permission exited 6 naming a
        # relative key; one that could not be created exited 2 naming the
        # store. Root writes anywhere, so the command runs as nobody then.
        os.chmod(self.tmp, 0o755)
        journal = self.path("journal")
        os.makedirs(journal)
        os.chmod(journal, 0o777)
        readonly = self.path("ro")
        os.makedirs(readonly)
        os.chmod(readonly, 0o555)
        shared = self.path("shared")  # another user's directory inside a writable store
        os.makedirs(os.path.join(shared, "claimcheck"))
        os.chmod(shared, 0o777)
        os.chmod(os.path.join(shared, "claimcheck"), 0o555)
        env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": journal, "CLAIMCHECK_JOURNAL_DIR": journal}
        kwargs = {"user": 65534} if os.geteuid() == 0 else {}
        for store, named, why in ((readonly, readonly, "create 'claimcheck': Permission denied"),
                                  (readonly + "/sub", readonly + "/sub", "Permission denied"),
                                  (shared, shared, "create 'claimcheck/")):
            proc = subprocess.run([clitest.BINARY, "--store", store, "offload", "--force"], input=b"x",
                                  capture_output=True, env=env, timeout=60, **kwargs)
            self.assertEqual((proc.returncode, proc.stdout), (2, b""), proc.stderr)
            line = proc.stderr.decode()
            self.assertEqual(line.count("\n"), 1, line)
            self.assertTrue(line.startswith(f"claimcheck: file://{named}: {why}"), line)
        self.assertEqual(os.listdir(readonly), [])
        self.assertEqual(os.listdir(os.path.join(shared, "claimcheck")), [])

    def test_empty_store_is_named_as_such(self):
        line = self.fails(2, "--store", "", "offload", stdin=b"x")
        self.assertIn("--store: '' is not a store", line)
        config = self.write("empty-store.conf", b"store =\n")
        line = self.fails(2, "--config", config, "offload", stdin=b"x")
        self.assertIn("store", line)
        self.assertNotIn("XDG_DATA_HOME", line)

    def test_unreadable_config_directory_means_no_config_file(self):
        # Another user's 0700 ~/.config, as under `sudo -u`: the default file
        # cannot be seen, so it is not there. Root reads anything, so the
        # command runs as nobody when the test runs as root.
        home = self.path("other-home")
        os.makedirs(os.path.join(home, ".config", "claimcheck"))
        self.write(os.path.join(home, ".config", "claimcheck", "config"), b"threshold = 1\n")
        os.chmod(os.path.join(home, ".config"), 0o700)
        data = self.path("nobody-data")
        os.makedirs(data)
        os.chmod(data, 0o777)
        os.chmod(self.path(""), 0o755)
        env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": home, "CLAIMCHECK_STORE": data,
               "CLAIMCHECK_JOURNAL_DIR": data}
        kwargs = {"user": 65534} if os.geteuid() == 0 else {}
        if not kwargs:
            os.chmod(os.path.join(home, ".config"), 0o000)
        try:
            proc = subprocess.run([clitest.BINARY, "offload"], input=b"abc", capture_output=True,
                                  env=env, timeout=60, **kwargs)
            self.assertEqual((proc.returncode, proc.stdout), (0, b"abc"), proc.stderr)
            # Named, the same file is an error.
            named = os.path.join(home, ".config", "claimcheck", "config")
            proc = subprocess.run([clitest.BINARY, "--config", named, "offload"], input=b"abc",
                                  capture_output=True, env=env, timeout=60, **kwargs)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(b"cannot read config file", proc.stderr)
        finally:
            os.chmod(os.path.join(home, ".config"), 0o700)

    def test_messages_for_bad_numbers_repeated_flags_and_typos(self):
        for args in (["gc", "--limit", "0"], ["gc", "--limit", "abc"], ["offload", "--json-fields", "--depth", "0"]):
            line = self.fails(2, *args, stdin=b"{}")
            self.assertIn("is not a whole number from 1 up", line)
            self.assertNotIn("1797693134862315708", line)
        self.assertIn("'0' is not a whole number from 1 to 64", self.fails(2, "inspect", "-j", "0", "-"))
        line = self.fails(2, "offload", "--threshold", "1", "--threshold", "2", stdin=b"x")
        self.assertIn("--threshold: given more than once", line)
        line = self.fails(2, "ofload", stdin=b"x")
        self.assertIn("unknown command 'ofload': did you mean 'offload'?", line)
        line = self.fails(2, "inspect", "--expires", "1h", "-")
        self.assertIn("--url", line)
        self.assertIn("see 'claimcheck inspect --help'", line)
        # Arguments that fit nowhere are named in the order they were given (CLI11 says them last first).
        self.assertEqual(self.fails(2, "--read-bucket", "b2", "retrieve", "--nope", "ref.json", "extra"),
                         "claimcheck: The following arguments were not expected: --read-bucket b2 --nope extra "
                         "(see 'claimcheck retrieve --help')")
        self.assertEqual(self.fails(2, "--bogus1", "--bogus2"),
                         "claimcheck: The following arguments were not expected: --bogus1 --bogus2 "
                         "(see 'claimcheck --help')")

    def test_exit_2_output_into_a_missing_directory(self):
        line = self.fails(2, "offload", "--force", "-o", self.path("missing/ref.json"), stdin=b"x")
        self.assertIn("No such file or directory", line)

    def test_url_credentials_never_printed(self):
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x")
        r = self.run_cc("offload", "--store", "s3://b", "--endpoint", "http://user:TOPSECRETPW@127.0.0.1:9",
                        stdin=compressible(100_000), env=env)
        self.assertNotEqual(r.code, 0)
        self.assertNotIn("TOPSECRETPW", r.err)
        self.assertEqual(len(r.err_lines()), 1)

    def test_exit_6_unreachable_endpoint(self):
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret-never-shown")
        line = self.fails(6, "offload", "--store", "s3://bucket", "--endpoint", "http://127.0.0.1:9",
                          "--region", "us-east-1", stdin=compressible(100_000), env=env)
        self.assertNotIn("secret-never-shown", line)

    def test_pass_through_never_opens_the_store(self):
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x")
        r = self.ok("offload", "--store", "s3://bucket", "--endpoint", "http://127.0.0.1:9",
                    stdin=b"small", env=env)
        self.assertEqual(r.out, b"small")

    def test_a_word_that_names_another_command_is_the_first_command_argument(self):
        """`offload gc` offloads the file named gc: CLI11 had run gc (deleting expired objects) instead,
        and `gc serve` had started the server. One command per command line."""
        with open(self.path("gc"), "wb") as f:
            f.write(b"the file named gc\n")
        with open(self.path("offload"), "wb") as f:
            f.write(b"the file named offload\n")

        def run(*args):
            return subprocess.run([clitest.BINARY, *args], capture_output=True, env=self.env, cwd=self.tmp, timeout=60)

        r = run("offload", "gc")
        self.assertEqual((r.returncode, r.stdout), (0, b"the file named gc\n"), r.stderr)
        r = run("retrieve", "offload")
        self.assertEqual((r.returncode, r.stdout), (0, b"the file named offload\n"), r.stderr)
        r = run("gc", "serve")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"The following argument was not expected: serve", r.stderr)

    def test_version_and_help(self):
        self.assertTrue(self.ok("--version").out.startswith(b"claimcheck "))
        help_text = self.ok("--help").out.decode()
        for code in range(7):
            self.assertIn(f"  {code}  ", help_text)
        # A flag's description stays on its line: what it needs or excludes comes after it, and a
        # choice is listed once.
        lines = self.ok("retrieve", "--help").out.decode().splitlines()
        raw = [l for l in lines if l.startswith("  --raw ")]
        self.assertEqual(len(raw), 1, lines)
        self.assertRegex(raw[0], r"^  --raw +Temporal payloads: .* \(not with --json-fields\)$")
        offload_help = self.ok("offload", "--help").out.decode()
        self.assertRegex(offload_help, r"\n  --compress auto\|always\|never\n")
        self.assertRegex(offload_help, r"\n  --level N +gzip level: 1 fastest, 9 smallest; 1 to 9 \(default 1\)\n")
        self.assertNotIn("Needs:", offload_help)

    def test_version_and_help_fail_on_a_stdout_that_cannot_take_them(self):
        # They exited 0 with their text lost, unlike every command's output.
        for flags in (["--version"], ["--help"], ["offload", "--help"]):
            r = subprocess.run([clitest.BINARY, *flags], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=self.env, timeout=60, preexec_fn=lambda: os.close(1))
            self.assertEqual(r.returncode, 1, f"{flags}: {r.stderr!r}")
            self.assertEqual(r.stderr.decode().splitlines(), ["claimcheck: cannot write stdout: Bad file descriptor"])

    def run_with_tty_stderr(self, *args):
        """Runs claimcheck with stderr on a pseudo-terminal; returns what it drew there."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([clitest.BINARY, *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=slave, env=self.env)
        os.close(slave)
        drawn = read_terminal(master)
        os.close(master)
        self.assertEqual(proc.wait(timeout=300), 0)
        return drawn.decode("utf-8", "replace")

    def test_progress_bar_only_on_a_terminal_and_not_quiet(self):
        source = self.write("big.bin", compressible(24 << 20))
        ref = self.path("ref.json")
        drawn = self.run_with_tty_stderr("offload", source, "-o", ref)
        self.assertIn("/s", drawn)
        self.assertIn("MiB", drawn)
        self.assertIn("ETA", drawn)
        self.assertIn("\r", drawn)
        drawn = self.run_with_tty_stderr("retrieve", ref, "-o", self.path("out"))
        self.assertIn("/s", drawn)
        self.assertIn(" / 24 MiB", drawn, "the total comes from the reference")
        self.assertIn("ETA", drawn)
        self.assertEqual(self.run_with_tty_stderr("-q", "retrieve", ref, "-o", self.path("out")), "")
        self.assertEqual(self.run_with_tty_stderr("offload", "-q", source, "-o", ref), "")
        # a small transfer never shows a bar, even on a terminal
        self.assertEqual(self.run_with_tty_stderr("offload", "--force", self.write("s", b"abc")), "")

    def test_an_interrupt_clears_the_progress_bar_before_its_line(self):
        master, slave = pty.openpty()
        proc = subprocess.Popen([clitest.BINARY, "offload", "--force", "-o", self.path("ref.json")],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=slave, env=self.env)
        os.close(slave)
        proc.stdin.write(os.urandom(6 << 20))  # input left open: the offload cannot end by itself
        proc.stdin.flush()
        drawn = read_terminal(master, until=b"MiB/s")  # the bar is drawn
        proc.send_signal(signal.SIGINT)
        drawn += read_terminal(master)
        os.close(master)
        self.assertEqual(proc.wait(timeout=60), 130)
        proc.stdin.close()
        self.assertIn(b"MiB/s", drawn)
        # the bar's line is cleared, so the notice is a line of its own
        self.assertTrue(drawn.rstrip(b"\r\n").endswith(b"\r\x1b[Kclaimcheck: interrupted: INT, nothing kept"),
                        drawn[-200:])
        self.assertFalse(os.path.exists(self.path("ref.json")))

    def run_measured(self, args, feed_bytes=0):
        """Runs claimcheck streaming `feed_bytes` zeros into stdin. Returns the exit
        code, the stdout byte count, the first 64 KiB of stdout and the peak RSS
        in KiB (measured by GNU time: a forked child would inherit the peak of this
        test process), without holding either stream."""
        rss_file = self.path("rss.txt")
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, clitest.BINARY, *args],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env)

        def feed():
            chunk = bytes(1 << 20)
            for _ in range(feed_bytes >> 20):
                proc.stdin.write(chunk)
            proc.stdin.close()
        feeder = threading.Thread(target=feed)
        feeder.start()
        out_bytes, head = 0, b""
        while chunk := proc.stdout.read(1 << 20):
            out_bytes += len(chunk)
            head = (head + chunk)[:65536]
        feeder.join()
        proc.wait()
        with open(rss_file) as f:
            peak_kib = int(f.read().split()[-1])
        return proc.returncode, out_bytes, head, peak_kib

    def test_memory_stays_bounded_for_a_large_stream(self):
        size = 512 << 20
        code, _, ref_text, offload_rss = self.run_measured(["offload"], feed_bytes=size)
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(ref_text)["size_bytes"], size)
        if not clitest.sanitized_build():
            self.assertLess(offload_rss, 128 * 1024, "offload peak RSS (KiB)")
        ref_path = self.write("ref.json", ref_text)
        code, out_bytes, head, retrieve_rss = self.run_measured(["retrieve", ref_path])
        self.assertEqual(code, 0)
        self.assertEqual(out_bytes, size)
        self.assertEqual(head, bytes(65536))
        if not clitest.sanitized_build():
            self.assertLess(retrieve_rss, 128 * 1024, "retrieve peak RSS (KiB)")

    def test_verbose_prints_config_origins(self):
        r = self.ok("-v", "offload", "--threshold", "1000", stdin=b"x")
        self.assertIn("claimcheck: config threshold = 1000 (flag --threshold)\n", r.err)
        self.assertIn("claimcheck: config ttl = 30d (default)", r.err)
        # What lost is named: why a variable or a file's value is not the one used.
        env = dict(self.env, CLAIMCHECK_THRESHOLD_BYTES="3000", CLAIMCHECK_STORE=self.store_dir,
                   R2_BUCKET="unused-bucket")
        r = self.ok("-v", "offload", "--threshold", "1000", stdin=b"x", env=env)
        self.assertIn("claimcheck: config threshold = 1000 (flag --threshold; also set, not used: "
                      "env CLAIMCHECK_THRESHOLD_BYTES)", r.err)
        self.assertIn("(env CLAIMCHECK_STORE; also set, not used: env R2_BUCKET)", r.err)

    def test_verbose_lines_stay_one_line_each(self):
        # a store directory whose name holds a newline and an escape character
        store = os.path.join(self.tmp, "store\nsecond\x1b[2J")
        r = self.run_cc("-v", "--store", store, "offload", "--force", stdin=b"x")
        self.assertEqual(r.code, 2, r.err)  # no reference can name it; the refusal is one line too
        self.assertIn("claimcheck: config store = file://%s (flag --store)" % store.replace("\n", " ").replace("\x1b", " "),
                      r.err_lines())
        for line in r.err_lines():
            self.assertTrue(line.startswith("claimcheck: "), r.err)

    def test_a_config_file_met_at_the_open_file_limit_is_exit_1_naming_the_limit(self):
        # The limit is this process's: not a path to change (exit 2, as it was).
        if clitest.is_sanitized(clitest.BINARY):
            self.skipTest("the sanitizers need descriptors of their own")
        config = os.path.join(self.tmp, "cc.toml")
        with open(config, "w") as f:
            f.write("threshold = 1KiB\n")
        proc = subprocess.run([clitest.BINARY, "--config", config, "offload"], input=b"x", capture_output=True,
                              env=self.env, timeout=60,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (4, 4)))
        self.assertEqual((proc.returncode, proc.stderr.decode()),
                         (1, "claimcheck: --config: cannot read config file '%s': Too many open files "
                             "(the limit on open files: ulimit -n 4)\n" % config))

    def test_the_local_store_met_at_the_open_file_limit_is_exit_1_naming_the_limit(self):
        # As a socket at that limit: the limit is this process's, not the store failing (exit 6, as it was).
        if clitest.is_sanitized(clitest.BINARY):
            self.skipTest("the sanitizers need descriptors of their own")
        named = 0
        for limit in range(5, 12):
            proc = subprocess.run([clitest.BINARY, "offload", "--force"], input=compressible(100_000),
                                  capture_output=True, env=self.env, timeout=60,
                                  preexec_fn=lambda limit=limit: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                                                    (limit, limit)))
            last = proc.stderr.decode().splitlines()[-1] if proc.stderr else ""
            if proc.returncode != 0:
                self.assertEqual(proc.returncode, 1, (limit, proc.stderr))
                self.assertTrue(last.endswith("Too many open files (the limit on open files: ulimit -n %d)" % limit), last)
                named += 1
        self.assertGreaterEqual(named, 1)

    def test_every_line_at_the_open_file_limit_names_it(self):
        # retrieve -o, stats' journal and offload from a file, under every limit from nearly none to
        # enough: a run that meets it is exit 1, and each line that says so names the limit.
        if clitest.is_sanitized(clitest.BINARY):
            self.skipTest("the sanitizers need descriptors of their own")
        ref = self.offload(compressible(100_000))
        source = os.path.join(self.tmp, "in.bin")
        with open(source, "wb") as f:
            f.write(compressible(100_000))
        commands = [["retrieve", "-o", os.path.join(self.tmp, "out.bin"), json.dumps(ref)], ["stats"],
                    ["offload", "--force", source]]
        met = 0
        for command in commands:
            for limit in range(4, 12):
                proc = subprocess.run([clitest.BINARY, *command], capture_output=True, env=self.env, timeout=60,
                                      preexec_fn=lambda limit=limit: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                                                        (limit, limit)))
                for line in proc.stderr.decode().splitlines():
                    if "Too many open files" in line:
                        self.assertIn("(the limit on open files: ulimit -n %d)" % limit, line, (command, limit))
                        self.assertNotIn("/.'", line)  # the store's directory is named as it is
                if proc.returncode != 0:
                    self.assertEqual(proc.returncode, 1, (command, limit, proc.stderr))
                    met += 1
        self.assertGreaterEqual(met, 3)

    def test_an_error_line_shows_bytes_that_are_not_utf8_escaped(self):
        # A value from the environment or a file is echoed in its error line:
        # a byte that is not UTF-8 is written \xNN, a control character is a
        # space, and UTF-8 stays as typed.
        env = dict(self.env, AWS_REGION=os.fsdecode(b"eu\x01west\xff\xc3\xa9"),
                   CLAIMCHECK_STORE="s3://bucket", R2_ENDPOINT="http://127.0.0.1:9",
                   AWS_ACCESS_KEY_ID="id", AWS_SECRET_ACCESS_KEY="secret")
        r = self.run_cc("offload", "--force", stdin=b"x", env=env)
        self.assertEqual(r.code, 2, r.err)
        self.assertEqual(r.err, "claimcheck: AWS_REGION: 'eu west\\xFF\u00e9' is not a region name "
                                "(letters, digits and '-', e.g. us-east-1 or auto)\n")

    def test_journal_records_operations(self):
        self.ok("offload", stdin=b"small")
        self.offload(compressible(100_000))
        journal_dir = os.path.join(self.tmp, "state", "claimcheck")
        lines = []
        for name in os.listdir(journal_dir):
            with open(os.path.join(journal_dir, name), "rb") as f:
                lines += [json.loads(l) for l in f.read().splitlines() if l.startswith(b"{")]
        ops = [l.get("op") for l in lines]
        self.assertIn("passthrough", ops)
        self.assertIn("offload", ops)

    def journal_lines(self):
        journal_dir = os.path.join(self.tmp, "state", "claimcheck")
        lines = []
        for name in sorted(os.listdir(journal_dir)):
            with open(os.path.join(journal_dir, name), "rb") as f:
                lines += [json.loads(l) for l in f.read().splitlines() if l.startswith(b"{")]
        return lines

    def stored_files(self):
        return [os.path.join(d, n) for d, _, names in os.walk(self.store_dir) for n in names]

    def test_unusable_journal_is_a_warning_not_silence(self):
        not_a_dir = self.write("journal-file", b"")
        env = dict(self.env, CLAIMCHECK_JOURNAL_DIR=os.path.join(not_a_dir, "sub"))
        payload = compressible(60_000)
        r = self.ok("offload", stdin=payload, env=env)
        self.assertEqual(len(r.err_lines()), 1, r.err)
        self.assertTrue(r.err_lines()[0].startswith("claimcheck: warning: not journaled (stats will miss this run): "))
        self.assertEqual(self.ok("retrieve", stdin=r.out, env=env).out, payload)
        self.assertEqual(self.ok("-q", "offload", stdin=payload, env=env).err, "")

    def test_undeliverable_reference_leaves_no_object(self):
        # `claimcheck offload big.json > /dev/full`: the reference is lost, so
        # the object it names must not stay behind, and the journal says it failed.
        source = self.write("big.json", compressible(100_000))
        for args in (["offload", source], ["offload", "--json-fields"]):
            with open("/dev/full", "wb") as full:
                stdin = json.dumps({"data": {"big": "x" * 60_000}}).encode() if "--json-fields" in args else b""
                proc = subprocess.run([clitest.BINARY, *args], input=stdin, stdout=full,
                                      stderr=subprocess.PIPE, env=self.env, timeout=60)
            err = proc.stderr.decode()
            self.assertNotEqual(proc.returncode, 0)
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertIn("No space left on device (the stored object was removed)", err)
            self.assertEqual(self.stored_files(), [])
            record = self.journal_lines()[-1]
            self.assertEqual((record["op"], record["exit_code"]), ("offload", proc.returncode))

    def test_a_failed_offload_is_journaled_with_the_bytes_it_read(self):
        # It had been recorded with original_bytes 0.
        source = self.write("payload.json", compressible(60_000))
        not_a_dir = self.write("store-file", b"")
        r = self.run_cc("--store", not_a_dir, "offload", source)
        self.assertEqual(r.code, 2, r.err)
        record = self.journal_lines()[-1]
        self.assertEqual((record["op"], record["exit_code"], record["original_bytes"]), ("offload", 2, 60_000))


if __name__ == "__main__":
    sys.exit(clitest.main(sys.argv, LocalStoreTests))
