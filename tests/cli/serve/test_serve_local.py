#!/usr/bin/python3
"""`claimcheck serve` end to end on the local store: the `temporal` CLI's
requests (snake_case, no preserveStorageRefs, sequential on one connection,
--codec-auth verbatim, {namespace} in the endpoint, a trailing '/'), the Web
UI's, TLS with a token, --offload, the loopback rule, logging, SIGTERM, and a
second signal during the shutdown.
Also that claimcheck runs the server by becoming claimcheck-serve, and what it
says when that is missing.
Usage: test_serve_local.py <claimcheck binary> <libexec directory of an install>"""
import base64
import hashlib
import http.client
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading

import servetest
from claimcheck_test import is_sanitized, send_signal_and_wait_taken
from servetest import (ServeTestCase, b64, decoded, payload, refuses_connections, run_suite, unread_bytes,
                       wait_until)


def cli_payload(encoding, data, size=None):
    """What Go's encoding/json makes of a commonpb.Payload: snake_case, int64 as a number."""
    p = {"metadata": {"encoding": b64(encoding)}, "data": b64(data)}
    if size is not None:
        p["external_payloads"] = [{"size_bytes": size}]
    return p


class ServeLocal(ServeTestCase):

    def test_cli_style_requests(self):
        big = json.dumps({"rows": ["row %d" % i for i in range(20000)]}).encode()
        ref = self.offload(big)
        with open(self.path("token"), "w") as f:
            f.write("cli-token\n")
        server = self.serve("--token-file", self.path("token"))
        conn = server.connection()
        auth = {"Authorization": "Bearer cli-token"}  # --codec-auth is sent verbatim
        bodies = [
            {"payloads": [cli_payload("json/plain", ref), cli_payload("json/plain", b'"small"')]},
            {"payloads": [cli_payload("binary/null", b"", size=12)]},
            {"payloads": []},
        ]
        # `--codec-endpoint http://h:p/` and `http://h:p/{namespace}`
        for path in ("//decode", "/default/decode", "/decode"):
            for body in bodies:
                status, headers, content = server.post(path, body, extra=auth, conn=conn)
                self.assertEqual(status, 200, content)
                out = decoded(content)
                self.assertEqual(len(out), len(body["payloads"]))
                if len(out) == 2:
                    self.assertEqual(out[0], ({"encoding": "json/plain"}, big, None))
                    self.assertEqual(out[1][1], b'"small"')
                if body["payloads"] and "external_payloads" in body["payloads"][0]:
                    # passes through, its field in the protojson spelling the CLI accepts
                    self.assertEqual(out[0][2], [{"sizeBytes": "12"}])
        conn.close()
        status, headers, _ = server.post("/decode", bodies[0], extra={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        # Its body unread, the connection ends, and the answer says only that (httplib would add Keep-Alive).
        self.assertEqual(headers.get("connection"), "close", headers)
        self.assertNotIn("keep-alive", headers)
        self.assertEqual(server.stop(), 0)
        lines = server.request_lines()
        self.assertEqual(len(lines), 10, "\n".join(server.lines))
        self.assertIn("serve ns=default route=decode status=200 payloads=2 in=", lines[0])
        self.assertIn("status=401", lines[-1])
        log = "\n".join(server.lines)
        self.assertNotIn("cli-token", log)
        self.assertNotIn(b64(big)[:40], log)
        self.assertNotIn("row 1", log)

    def test_an_inline_binary_zlib_payload_is_decoded_as_stored_ones_are(self):
        # The design notes' Example 1: Python's zlib over the serialised
        # Payload {encoding: json/plain, data: {"hello":"world"}}, as the
        # SDKs' ZlibCodec writes a payload under the External Storage threshold.
        server = self.serve()
        example = {"metadata": {"encoding": b64(b"binary/zlib")},
                   "data": "eJzjEuPiSM1Lzk/JzEsX4soqzs/TL8hJzMwTEqxWykjNyclXslIqzy/KSVGqBQAZtQ2s"}
        for query in ("", "?preserveStorageRefs=true"):
            status, _, content = server.post("/decode" + query, {"payloads": [example]})
            self.assertEqual((status, json.loads(content)),
                             (200, {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="},
                                                  "data": "eyJoZWxsbyI6IndvcmxkIn0="}]}))
        broken = dict(example, data=example["data"][:40])
        status, _, content = server.post("/decode", {"payloads": [example, broken]})
        self.assertEqual((status, content), (400, b"claimcheck serve: payloads[1]: binary/zlib data that does not "
                                                  b"inflate to a payload: zlib stream: truncated\n"))

    def test_a_thread_limit_stops_serve_before_it_says_it_listens(self):
        # httplib's pool started its workers after serve said it listened;
        # one that could not be started (ulimit -u, a container's pids.max)
        # left serve listening, answering nothing and deaf to SIGTERM.
        if os.geteuid() != 0:
            self.skipTest("changing user needs root")
        shared = servetest.open_to_all(self.tmp, "shared")
        env = dict(self.env, HOME=shared, XDG_DATA_HOME=shared, XDG_STATE_HOME=shared, XDG_CONFIG_HOME=shared)
        argv, limit = servetest.with_thread_limit(
            20, [os.path.abspath(servetest.BINARY), "serve", "--store", shared, "--listen", "127.0.0.1:0"])
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=60, preexec_fn=limit)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stderr.decode().splitlines(),
                         ["claimcheck: cannot start a thread: Resource temporarily unavailable (the limit on "
                          "processes and threads: ulimit -u, or a container's pids.max)"])

    def test_idle_connections_past_the_soft_open_file_limit_do_not_hold_up_a_request(self):
        # Each connection holds a descriptor. At a soft limit of 64 the 65th
        # waited in the kernel's queue until idle ones timed out (here 60 s);
        # serve raises the soft limit to the hard one.
        def low_soft_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 4096))
        server = self.serve("--request-timeout", "60s", preexec_fn=low_soft_limit)
        with open("/proc/%d/limits" % server.proc.pid) as f:
            self.assertIn(["4096", "4096"], [line.split()[3:5] for line in f if line.startswith("Max open files")])
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(200)]
        try:
            status, _, _ = server.request("POST", "/decode", body={"payloads": []},
                                          headers={"Content-Type": "application/json"},
                                          conn=server.connection(timeout=20))
            self.assertEqual(status, 200)
        finally:
            for connection in idle:
                connection.close()

    def test_an_open_file_limit_that_leaves_no_room_for_a_connection_stops_serve_at_start(self):
        # At 7 or 8 descriptors serve said it listened, and answered nothing
        # (every accept failed) nor stopped on SIGTERM; at 6 it blamed the
        # address; at 11-12 it started, and every request that read the store failed.
        if sanitized():
            self.skipTest("the sanitizer runtime needs descriptors of its own")
        for limit in (8, 12):
            def few_descriptors(limit=limit):
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            server = self.serve(expect_start=False, preexec_fn=few_descriptors)
            self.assertEqual(server.wait_exit(), 1, server.lines)
            self.assertEqual(len(server.lines), 1, server.lines)
            self.assertRegex(server.lines[0], r"^claimcheck: serve: the open-file limit \(ulimit -n %d\) leaves "
                                              r"\d+ descriptors free, and serve needs 13 to listen and answer a "
                                              r"request$" % limit)

    def test_connections_leave_their_store_requests_descriptors_and_a_shortage_is_said_once(self):
        # Connections took every descriptor: the store's opens failed (500),
        # and httplib retried the failing accept every millisecond without a
        # word, deaf to SIGTERM.
        if sanitized():
            self.skipTest("the sanitizer runtime needs descriptors of its own")
        original = os.urandom(200000)
        ref = self.offload(original)
        def twenty_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (20, 20))
        server = self.serve(preexec_fn=twenty_descriptors)
        most = re.compile(r"^claimcheck: serve: connections open: (\d+), the most the open-file limit \(ulimit -n 20\) "
                          r"allows with room for their store requests; new connections wait until others close$")
        def most_said():
            return [line for line in server.lines if most.match(line)]
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(30)]
        servetest.wait_until(most_said, what="the line of the most connections")
        allowed = int(most.match(most_said()[0]).group(1))
        # The connections accepted but for one are held; that one's request reads the store.
        for connection in idle[allowed - 1:]:
            connection.close()
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", ref)]})
        self.assertEqual((status, decoded(content)[0][1]), (200, original))
        for connection in idle[:allowed - 1]:
            connection.close()
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(30)]
        try:
            servetest.wait_until(lambda: servetest.pending_connections(server.port) >= 30 - allowed,
                                 what="connections waiting to be accepted")
            self.assertEqual(server.stop(timeout=10), 0)
        finally:
            for connection in idle:
                connection.close()
        # One line for both shortages: at most one a minute.
        self.assertEqual([line for line in server.lines if "serve: " in line and "ns=" not in line][1:],
                         [most_said()[0], "claimcheck: serve: accepting connections again", "claimcheck: serve: stopped"])

    def test_at_the_cap_connections_that_keep_sending_take_turns_with_those_waiting(self):
        # Connections that got in kept their place for as long as their clients sent,
        # up to a connection's most (1,000 answers): at ulimit -n 40 with 60 clients,
        # requests waited 2-26 s to be accepted.
        if sanitized():
            self.skipTest("the sanitizer runtime needs descriptors of its own")
        body = {"payloads": [payload("json/plain", self.offload(os.urandom(20000)))]}
        def twenty_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (20, 20))
        server = self.serve(preexec_fn=twenty_descriptors)
        most, statuses = servetest.clients_take_turns(server, body, clients=12)
        # Before, the clients that waited were let in only as connections reached their most.
        self.assertLess(most, 1000)
        self.assertEqual(statuses, {200}, [line for line in server.lines if "status=200" not in line])
        self.assertTrue(any(re.match(r"^claimcheck: serve: connections open: \d+, the most", line)
                            for line in server.lines), server.lines[-5:])
        self.assertEqual(server.stop(), 0)

    def test_encode_at_the_open_file_limit_answers_200_or_503_and_leaves_no_object_unnamed(self):
        # Its own opens failed at the limit (500) and so did removing what it
        # had stored: objects no reference named stayed (45 of 1,234 requests).
        if sanitized():
            self.skipTest("the sanitizer runtime needs descriptors of its own")
        store = self.path("limited")
        os.makedirs(store)
        def forty_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))
        server = self.serve("--store", store, "--offload", preexec_fn=forty_descriptors)
        body = {"payloads": [payload("binary/plain", os.urandom(120000))] * 3}
        statuses, named = [], []
        lock = threading.Lock()
        def client():
            for _ in range(3):
                status, _, content = server.post("/encode", body)
                with lock:
                    statuses.append(status)
                    if status == 200:
                        named.extend(json.loads(base64.b64decode(p["data"]))["key"] for p in json.loads(content)["payloads"])
        clients = [threading.Thread(target=client) for _ in range(40)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        self.assertEqual(server.stop(), 0)
        self.assertEqual(set(statuses) - {200, 503}, set(), server.lines[-5:])
        self.assertIn(200, statuses)
        stored = sorted(os.path.relpath(os.path.join(d, f), store) for d, _, files in os.walk(store)
                        for f in files if not f.endswith(".json"))
        self.assertEqual(stored, sorted(named))
        for line in server.request_lines():
            if "status=503" in line:
                self.assertIn("serve is at a limit of its own (open files, threads or memory): try again", line)

    def test_a_response_the_client_does_not_read_is_logged_cut_short(self):
        # It was logged status=200 with every byte out, the client having had 4 MB of 42.
        original = os.urandom(3 << 20)
        ref = self.offload(original)
        server = self.serve("--request-timeout", "1s")
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = json.dumps({"payloads": [payload("json/plain", ref)] * 8}).encode()
        sock.sendall(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                     % len(request) + request)
        try:
            servetest.wait_until(server.request_lines, what="the request's line")
        finally:
            sock.close()
        line = server.request_lines()[0]
        self.assertIn("status=200", line)
        sent = re.search(r"response cut short after (\d+) bytes: the client went away, or did not read it within "
                         r"--request-timeout", line)
        self.assertIsNotNone(sent, line)
        self.assertLess(int(sent.group(1)), int(re.search(r" out=(\d+)", line).group(1)))

    def test_a_range_header_never_cuts_the_answer(self):
        """RFC 9110: Range is for GET only. A well-formed one is ignored (the whole Payloads body,
        200); one that does not parse gets 416 and the connection closes, its body unread and never
        taken for a next request."""
        original = json.dumps({"rows": ["row %d" % i for i in range(20000)]}).encode()
        ref = self.offload(original)
        server = self.serve()
        conn = server.connection()
        for value in ("bytes=5-20", "bytes=0-5,100-200", "bytes=999999999-"):
            status, headers, content = server.post("/decode", {"payloads": [payload("json/plain", ref)]},
                                                   extra={"Range": value}, conn=conn)
            self.assertEqual(status, 200, value)
            self.assertNotIn("content-range", headers)
            self.assertEqual(decoded(content)[0][1], original, value)
        body = b"GET /decode HTTP/1.1\r\nHost: x\r\n\r\n"  # would be answered (405) if read as a request
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Range: bytes=abc\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
        sock.close()
        self.assertTrue(response.startswith(b"HTTP/1.1 416 "), response[:100])
        self.assertEqual(response.count(b"HTTP/1.1 "), 1, response)  # the body was not read as a request

    def test_requests_httplib_refuses_itself_carry_cors_and_one_line(self):
        """A Range that does not parse (416), a target too long (414), headers too large (400): answered
        before any handler, they still get the CORS headers every error has (else the UI sees an opaque
        CORS failure) and a one-line body, and the connection closes."""
        server = self.serve()
        origin = "http://localhost:8233"
        cases = [
            (416, "/decode", {"Range": "bytes=zz"}, b"Range header does not parse"),
            (414, "/decode?x=" + "a" * 20_000, {}, b"request target too long"),
            (400, "/decode", {"X-Big": "b" * 20_000}, b"malformed request"),
        ]
        for status, path, extra, words in cases:
            head = "".join(f"{name}: {value}\r\n" for name, value in extra.items())
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nOrigin: {origin}\r\n{head}"
                          "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").encode())
            response = b""
            while chunk := sock.recv(65536):
                response += chunk
            sock.close()
            headers, _, body = response.partition(b"\r\n\r\n")
            lines = headers.decode().split("\r\n")
            self.assertTrue(lines[0].startswith(f"HTTP/1.1 {status} "), lines[0])
            fields = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
            if status != 414:  # a request line too long: no header was read, so no Origin
                self.assertEqual(fields.get("access-control-allow-origin"), origin, lines)
            self.assertEqual(fields.get("vary"), "Origin", lines)
            self.assertEqual(fields.get("connection"), "close", lines)
            self.assertNotIn("keep-alive", fields)
            self.assertEqual(body, b"claimcheck serve: " + words + b"\n")
            self.assertEqual(int(fields["content-length"]), len(body))
        self.assertEqual(server.stop(), 0)

    def test_an_http_1_0_exchange_says_it_closes(self):
        """httplib ends an HTTP/1.0 exchange (unless asked for "Keep-Alive" so spelt): the answer
        says Connection: close, not Keep-Alive (twenty-third audit)."""
        server = self.serve()
        for connection in ("", "Connection: keep-alive\r\n"):
            with self.subTest(connection=connection):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
                sock.sendall(("GET /x HTTP/1.0\r\nHost: x\r\n" + connection + "\r\n").encode())
                response = b""
                while chunk := sock.recv(65536):  # it closes
                    response += chunk
                sock.close()
                headers = response.partition(b"\r\n\r\n")[0]
                self.assertIn(b"\r\nConnection: close", headers)
                self.assertNotIn(b"\r\nKeep-Alive:", headers)
        self.assertEqual(server.stop(), 0)

    def test_a_refusal_to_expect_100_continue_counts_its_body(self):
        """curl sends Expect: 100-continue: a refusal then is answered before the body, and had no
        Content-Length; with nothing to read (Content-Length: 0) the connection stayed open and the
        client waited 15 s (the keep-alive timeout) for the close to end the body."""
        with open(self.path("token"), "w") as f:
            f.write("tok\n")
        server = self.serve("--token-file", self.path("token"))
        for extra in ("", "Origin: https://evil.example\r\n"):
            with self.subTest(extra=extra):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)  # the bug took 15 s
                sock.sendall(("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Expect: 100-continue\r\nContent-Length: 0\r\n" + extra + "\r\n").encode())
                response = b""
                while b"\r\n\r\n" not in response:
                    response += sock.recv(65536)
                headers, _, body = response.partition(b"\r\n\r\n")
                length = re.search(rb"\r\nContent-Length: (\d+)", headers)
                self.assertIsNotNone(length, headers)
                while len(body) < int(length.group(1)):
                    body += sock.recv(65536)
                sock.close()
                self.assertTrue(headers.startswith(b"HTTP/1.1 40"), headers)
                self.assertTrue(body.startswith(b"claimcheck serve: ") and body.endswith(b"\n"), body)
        self.assertEqual(server.stop(), 0)

    def test_requests_refused_on_their_headers_are_answered_at_once(self):
        """Lengths that cannot be trusted, a method that takes no body, a POST without one: answered
        from their headers, not after --request-timeout spent waiting for a body."""
        server = self.serve("--request-timeout", "60s")
        cases = [
            (400, "POST", "Content-Length: 15\r\nContent-Length: 2\r\n", b'{"payloads":[]}',
             b"request framing: two Content-Length headers that differ"),
            (400, "POST", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", b"f\r\n{}\r\n0\r\n\r\n",
             b"request framing: both Content-Length and Transfer-Encoding"),
            (400, "POST", "Content-Length: -1\r\n", b"", b"request framing: Content-Length is not a number"),
            (405, "PUT", "", b"", b"use POST"),
            (400, "POST", "", b"", b"request body: not JSON"),  # no length: an empty body
        ]
        for status, method, head, body, words in cases:
            with self.subTest(method=method, head=head):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
                sock.sendall(f"{method} /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{head}\r\n"
                             .encode() + body)
                response = b""
                while b"\n" not in response.partition(b"\r\n\r\n")[2]:  # the one-line body
                    chunk = sock.recv(65536)  # a wait for the body would time out here (20 s < 60 s)
                    if not chunk:
                        break
                    response += chunk
                sock.close()
                headers, _, text = response.partition(b"\r\n\r\n")
                self.assertTrue(headers.startswith(f"HTTP/1.1 {status} ".encode()), headers)
                self.assertEqual(text, b"claimcheck serve: " + words + b"\n")
        self.assertEqual(server.stop(), 0)

    def test_a_request_not_received_in_time_is_408(self):
        """Headers cut short, or a body shorter than its length, until --request-timeout: 408 and a
        log line that says so, where httplib's 400 and 'refused by the HTTP parser' had said the
        request was malformed."""
        server = self.serve("--request-timeout", "1s")
        for part in (b"POST /decode HTTP/1.1\r\nHost: x\r\n",
                     b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 20\r\n\r\n{\"pay"):
            with self.subTest(part=part):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
                sock.sendall(part)
                response = b""
                while chunk := sock.recv(65536):  # the server closes after its answer
                    response += chunk
                sock.close()
                headers, _, text = response.partition(b"\r\n\r\n")
                self.assertTrue(headers.startswith(b"HTTP/1.1 408 "), response)
                self.assertIn(b"\r\nConnection: close", headers)  # the connection ends after it
                self.assertNotIn(b"\r\nKeep-Alive:", headers)  # and says nothing else of it
                self.assertEqual(text, b"claimcheck serve: request not received in full within the request timeout\n")
        wait_until(lambda: len(server.request_lines()) == 2, what="two log lines")
        for line in server.request_lines():
            self.assertIn("status=408", line)
            self.assertIn("request not received in full within the request timeout", line)
        # A request line cut short: httplib closes it as if the client had, so there is no answer;
        # the log line says so (status=0).
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        sock.sendall(b"POST /dec")
        self.assertEqual(sock.recv(65536), b"")
        sock.close()
        wait_until(lambda: len(server.request_lines()) == 3, what="a third log line")
        self.assertRegex(server.request_lines()[2], r"^claimcheck: serve ns=- route=unknown status=0 .* error="
                         r"\"request not received in full within the request timeout: its first line cut short, "
                         r"closed without an answer\"$")
        self.assertEqual(server.stop(), 0)

    def test_a_request_head_past_64_kib_is_refused_before_it_fills_memory(self):
        """httplib bounds each header line, not their number: 400 MB of headers took the server to
        636 MB, with no token needed. Past 64 KiB of request line and headers: 431 (headers) or a
        close (a request line), each with its log line, and memory stays small."""
        with open(self.path("token"), "w") as f:
            f.write("s3cret\n")
        server = self.serve("--token-file", self.path("token"))
        filler = b"X-Filler: " + b"a" * 8000 + b"\r\n"  # each line within httplib's 8 KiB
        flood = filler * ((128 << 20) // len(filler))
        status, head, text = server.raw(b"POST /decode HTTP/1.1\r\nHost: x\r\n" + flood)
        self.assertEqual((status, text), (431, b"claimcheck serve: request headers larger than 65536 bytes\n"))
        self.assertIn(b"\r\nConnection: close", head)
        # 9,000 small headers (about 100 KiB) are refused too; 100 are served.
        many = b"".join(b"X-%d: a\r\n" % i for i in range(9000))
        status, _, text = server.raw(b"POST /decode HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        self.assertEqual((status, text), (431, b"claimcheck serve: request headers larger than 65536 bytes\n"))
        few = b"".join(b"X-%d: a\r\n" % i for i in range(100))
        status, _, text = server.raw(b"POST /decode HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                                     b"Content-Type: application/json\r\nContent-Length: 2\r\n" + few + b"\r\n{}")
        self.assertEqual((status, text), (200, b'{"payloads":[]}'))
        # A request line past the bound: closed without an answer, as httplib does a cut one.
        status, _, _ = server.raw(b"POST /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIsNone(status)
        wait_until(lambda: len(server.request_lines()) == 4, what="four log lines")
        lines = server.request_lines()
        for refused in (lines[0], lines[1]):
            self.assertIn('status=431 ', refused)
            self.assertIn('error="request headers larger than 65536 bytes"', refused)
        self.assertIn("status=200 ", lines[2])
        self.assertIn('status=0 ', lines[3])
        self.assertIn('error="request line larger than 65536 bytes, closed without an answer"', lines[3])
        if not sanitized():  # AddressSanitizer's shadow memory and quarantine: peak memory says nothing
            self.assertLess(server.peak_rss_kib(), 100 * 1024)
        self.assertEqual(server.stop(), 0)

    def test_a_token_file_every_user_may_read_is_warned_about(self):
        token = self.path("token")
        with open(token, "w") as f:
            f.write("s3cret\n")
        warning = "claimcheck: warning: token file {} is readable by every user (mode 0644): chmod 600 {}".format(
            token, token)
        for mode, quiet, warned in ((0o644, False, True), (0o644, True, False), (0o600, False, False)):
            os.chmod(token, mode)
            server = self.serve("--token-file", token, *(["-q"] if quiet else []))
            self.assertEqual(server.stop(), 0)
            self.assertEqual(warning in server.lines, warned, (mode, quiet, server.lines))

    def test_a_target_in_absolute_form_routes_by_its_path(self):
        # Its host had been read as the namespace (ns=evil in the log line).
        server = self.serve()
        status, _, text = server.raw(b"POST http://evil/decode HTTP/1.1\r\nHost: x\r\n"
                                     b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        self.assertEqual((status, text), (200, b'{"payloads":[]}'))
        wait_until(lambda: len(server.request_lines()) == 1, what="a log line")
        self.assertIn("serve ns=- route=decode status=200 ", server.request_lines()[0])
        self.assertEqual(server.stop(), 0)

    def test_web_ui_flow_preserve_then_download(self):
        big = json.dumps({"text": "x" * 400_000}).encode()
        small = json.dumps({"text": "y" * 1000}).encode()
        server = self.serve()
        ui = {"Origin": "http://localhost:8233"}
        body = {"payloads": [payload("json/plain", self.offload(big)), payload("json/plain", self.offload(small))]}
        status, headers, content = server.post("/decode?preserveStorageRefs=true", body, extra=ui)
        self.assertEqual(status, 200, content)
        self.assertEqual(headers["access-control-allow-origin"], "http://localhost:8233")
        out = decoded(content)
        self.assertEqual(out[0][0]["messageType"], "temporal.api.sdk.v1.ExternalStorageReference")
        self.assertEqual(out[0][2], [{"sizeBytes": str(len(big))}])
        self.assertEqual(out[1][1], small)
        # the UI posts the reference payload exactly as it received it
        reference = json.loads(content)["payloads"][0]
        status, _, content = server.post("/download?preserveStorageRefs=true", {"payloads": [reference]}, extra=ui)
        self.assertEqual(status, 200, content)
        self.assertEqual(decoded(content)[0][1], big)
        # A history the UI exports (Download, decoded) holds that payload as it is:
        # inspect and retrieve find the reference it wraps.
        export = {"events": [{"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
                              "workflowExecutionStartedEventAttributes": {"input": {"payloads": [reference]}}}]}
        with open(self.path("export.json"), "w") as f:
            json.dump(export, f)
        with open(self.path("payload.json"), "w") as f:
            json.dump(reference, f)
        r = self.run_cc("inspect", "--verify", "--json", self.path("export.json"))
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual([(f["status"], f["verified"], f["event"]["field"]) for f in json.loads(r.out)["findings"]],
                         [("ok", "sha256", "input")])
        self.assertEqual(self.run_cc("retrieve", self.path("payload.json")).out, big)
        r = self.run_cc("retrieve", "--json-fields", self.path("export.json"))
        self.assertEqual(r.code, 0, r.err)
        [restored] = json.loads(r.out)["events"][0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"]
        self.assertEqual(restored, json.loads(content)["payloads"][0])
        # One whose claim lost its payload is named, not taken for a claim without a bucket.
        broken = json.loads(json.dumps(reference))
        data = json.loads(base64.b64decode(broken["data"]))
        del data["claimData"]["payload"]
        broken["data"] = base64.b64encode(json.dumps(data).encode()).decode()
        with open(self.path("broken.json"), "w") as f:
            json.dump(broken, f)
        r = self.run_cc("retrieve", self.path("broken.json"))
        self.assertEqual((r.code, r.err_lines()),
                         (3, ["claimcheck: invalid reference: ExternalStorageReference: the claimcheck driver's "
                              "claim holds no proto JSON payload under \"payload\""]))
        status, _, content = server.post("/download", {"payloads": [payload("json/plain", b"{}")]}, extra=ui)
        self.assertEqual((status, content), (400, b"claimcheck serve: all payloads must be storage references\n"))
        # /encode passes through without --offload
        status, _, content = server.post("/encode?preserveStorageRefs=true", {"payloads": [payload("json/plain", big)]})
        self.assertEqual(decoded(content)[0][1], big)

    def test_state_document_size_and_a_malformed_nested_reference(self):
        """A document holding references (the Go runner's state) is shown at its restored size, the
        text of each reference replaced by the size it stands for; one malformed reference in it is a
        400, as a malformed whole reference is, not the document passed through with its good
        references unrestored."""
        a = json.dumps({"a": "a" * 200_000}).encode()
        b = json.dumps({"b": "b" * 150_000}).encode()
        ref_a, ref_b = self.offload(a), self.offload(b)
        template = '{\n  "data": {"a": %s, "b": %s},\n  "n": 1.50\n}'
        doc = (template % (ref_a, ref_b)).encode()
        restored = (template % (a.decode(), b.decode())).encode()
        server = self.serve("--display-limit", "100KiB")
        status, _, content = server.post("/decode?preserveStorageRefs=true", {"payloads": [payload("json/plain", doc)]})
        self.assertEqual(status, 200, content)
        self.assertEqual(decoded(content)[0][2], [{"sizeBytes": str(len(restored))}])
        reference = json.loads(content)["payloads"][0]
        status, _, content = server.post("/download", {"payloads": [reference]})
        self.assertEqual(decoded(content)[0][1], restored)

        bad = json.dumps({"_type": "claim_check_ref", "key": "claimcheck/../y", "size_bytes": 5, "v": 1})
        for text in (template % (ref_a, bad), '{"x": %s}' % bad):
            status, _, content = server.post("/decode", {"payloads": [payload("json/plain", text.encode())]})
            self.assertEqual(status, 400, content)
            self.assertIn(b"'..' path segment", content)
        self.assertEqual(server.stop(), 0)

    def test_offload_encode_round_trip(self):
        server = self.serve("--offload", "--threshold", "10KiB")
        big = json.dumps({"input": "z" * 50_000}).encode()
        status, _, content = server.post("/encode", {"payloads": [payload("json/plain", big), payload("json/plain", b"1")]})
        self.assertEqual(status, 200, content)
        out = decoded(content)
        reference = json.loads(out[0][1])
        self.assertEqual(reference["_type"], "claim_check_ref")
        self.assertEqual(out[1][1], b"1")
        r = self.run_cc("retrieve", stdin=out[0][1])  # any claimcheck reads it
        self.assertEqual(r.out, big)
        status, _, content = server.post("/decode", json.loads(content))
        self.assertEqual([p[1] for p in decoded(content)], [big, b"1"])

    def test_offload_encode_keeps_what_decode_cannot_infer(self):
        """A json/plain payload with more metadata than its encoding, or whose data is not JSON, comes
        back from /decode as it went into /encode: metadata and data."""
        server = self.serve("--offload", "--threshold", "10KiB")
        big = json.dumps({"input": "z" * 50_000}).encode()
        sent = [payload("json/plain", big, **{"x-extra": "kept"}),
                payload("json/plain", b"not JSON " * 5000),
                payload("json/plain", big)]
        status, _, content = server.post("/encode", {"payloads": sent})
        self.assertEqual(status, 200, content)
        self.assertEqual([p[0]["encoding"] for p in decoded(content)],
                         ["binary/claimcheck", "binary/claimcheck", "json/plain"])
        status, _, content = server.post("/decode", json.loads(content))
        self.assertEqual(status, 200, content)
        self.assertEqual(decoded(content), decoded(json.dumps({"payloads": sent})))

    def test_a_marker_written_by_offload_carries_sha256_and_a_changed_object_is_refused(self):
        """The runner's marker has no sha256; the one /encode --offload writes has the payload's, so an
        object changed in the store at its size is refused by /decode (502), retrieve (exit 5) and
        inspect --verify (corrupt), where size alone let it through."""
        store = ["--store", self.path("store")]
        server = self.serve(*store, "--offload", "--threshold", "10KiB")
        original = os.urandom(70_000)  # does not compress: stored as it is
        status, _, content = server.post("/encode", {"payloads": [payload("binary/plain", original)]})
        self.assertEqual(status, 200, content)
        encoded = json.loads(content)
        marker = json.loads(decoded(content)[0][1])
        self.assertEqual(marker["sha256"], hashlib.sha256(original).hexdigest())
        self.assertFalse(marker["compressed"])
        ref_file = self.path("marker-payload.json")
        with open(ref_file, "w") as f:
            json.dump(encoded["payloads"][0], f)
        self.assertEqual(self.run_cc(*store, "retrieve", ref_file).out, original)
        with open(os.path.join(self.path("store"), marker["key"]), "r+b") as f:
            f.seek(100)
            f.write(bytes(b ^ 0xFF for b in original[100:104]))
        status, _, content = server.post("/decode", encoded)
        self.assertEqual(status, 502, content)
        r = self.run_cc(*store, "retrieve", ref_file)
        self.assertEqual((r.code, r.out), (5, b""), r.err)
        self.assertIn("sha256 mismatch", r.err)
        r = self.run_cc(*store, "inspect", "--verify", "--json", ref_file)
        self.assertEqual(r.code, 5, r.err)
        self.assertEqual([f["status"] for f in json.loads(r.out)["findings"]], ["corrupt"])

    def test_tls_and_token(self):
        ca, cert, key = self.make_tls()
        with open(self.path("token"), "w") as f:
            f.write("ui-token\n")
        os.chmod(self.path("token"), 0o600)  # no warning that every user may read it
        server = self.serve("--tls-cert", cert, "--tls-key", key, "--token-file", self.path("token"))
        self.assertEqual(server.scheme, "https")
        context = ssl.create_default_context(cafile=ca)
        body = {"payloads": [payload("json/plain", b"[1]")]}
        status, _, _ = server.post("/decode", body, context=context)
        self.assertEqual(status, 401)
        status, _, content = server.post("/decode", body, extra={"Authorization": "Bearer ui-token"}, context=context)
        self.assertEqual((status, decoded(content)[0][1]), (200, b"[1]"))
        with self.assertRaises(ssl.SSLError):  # a client that does not trust the CA
            server.post("/decode", body, context=ssl.create_default_context())
        self.assertFalse([line for line in server.lines if "warning" in line], server.lines)
        # http:// for https://: told so in plain text, where TLS alone would close without a word
        plain = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        plain.request("POST", "/decode", body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = plain.getresponse()
        self.assertEqual((response.status, response.read()),
                         (400, b"claimcheck serve: this server speaks https (TLS): use https:// in its URL\n"))
        plain.close()
        self.assertEqual(server.stop(), 0)
        lines = server.request_lines()
        self.assertEqual(len([line for line in lines if " status=400 payloads=0 in=0 out=74 " in line and
                              'error="plain http sent to the https server"' in line]), 1, lines)
        self.assertEqual(len([line for line in lines if " status=0 " in line and
                              'error="TLS handshake failed, or not done within --request-timeout"' in line]), 1,
                         lines)

    def test_a_certificate_out_of_its_validity_period_is_named_at_start(self):
        # It still serves (a client may not check), but browsers refuse it
        # without saying why: the start says it.
        import datetime
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "localhost")])
        with open(self.path("key.pem"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        for start, end, said in ((datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 2),
                                  "expired at 2020-01-02T00:00:00Z"),
                                 (datetime.datetime(2099, 1, 1), datetime.datetime(2099, 1, 2),
                                  "is not valid before 2099-01-01T00:00:00Z")):
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
                    .sign(key, hashes.SHA256()))
            cert_file = self.path(f"cert-{start.year}.pem")
            with open(cert_file, "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
            server = self.serve("--tls-cert", cert_file, "--tls-key", self.path("key.pem"))
            self.assertEqual(server.scheme, "https")
            self.assertIn(f"claimcheck: warning: TLS certificate {cert_file} {said}: browsers and the temporal CLI "
                          "refuse it", server.lines)

    def test_a_certificate_for_another_name_and_an_encrypted_key_are_said_at_start(self):
        ca, cert, key = self.make_tls()  # IP:127.0.0.1, DNS:localhost
        server = self.serve("--tls-cert", cert, "--tls-key", key)
        self.assertFalse([line for line in server.lines if "warning" in line], server.lines)
        server.stop()
        # Browsers refuse https://127.0.0.1:PORT with a certificate for example.com, and do not say why.
        tls = os.path.dirname(cert)
        run = lambda *a: subprocess.run(["openssl", *a], cwd=tls, check=True, capture_output=True)
        with open(os.path.join(tls, "other.cnf"), "w") as f:
            f.write("subjectAltName=DNS:example.com\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "other.pem", "-days", "2", "-extfile", "other.cnf")
        other = os.path.join(tls, "other.pem")
        server = self.serve("--tls-cert", other, "--tls-key", key)
        self.assertIn(f"claimcheck: warning: TLS certificate {other} names neither 127.0.0.1 nor localhost: browsers "
                      "and the temporal CLI refuse it (make one with subjectAltName IP:127.0.0.1,DNS:localhost)",
                      server.lines)
        server.stop()
        # IP:127.0.0.1 only (its subject's CN is localhost, which browsers do not read): not for
        # https://localhost:PORT.
        with open(os.path.join(tls, "ip-only.cnf"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "ip-only.pem", "-days", "2", "-extfile", "ip-only.cnf")
        ip_only = os.path.join(tls, "ip-only.pem")
        server = self.serve("--listen", "localhost:0", "--tls-cert", ip_only, "--tls-key", key)
        self.assertIn(f"claimcheck: warning: TLS certificate {ip_only} does not name localhost: browsers and the "
                      "temporal CLI refuse it (make one with subjectAltName DNS:localhost)", server.lines)
        server.stop()
        # An encrypted key: one line, never a passphrase prompt (stdin is a terminal for a person, a
        # service has none).
        run("pkey", "-in", "server.key", "-aes256", "-passout", "pass:pw", "-out", "encrypted.key")
        encrypted = os.path.join(tls, "encrypted.key")
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", encrypted)
        self.assertEqual((r.code, r.err_lines()),
                         (2, [f"claimcheck: TLS key {encrypted}: is encrypted, and serve takes no passphrase: give "
                              "it the key decrypted (openssl pkey -in KEY -out KEY.plain), readable only by its user"]))
        self.assertNotIn("pass phrase", r.err)
        # Another certificate's key, of the same type or not: said as such.
        run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "stranger-rsa.key")
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "stranger-ec.key")
        for name in ("stranger-rsa.key", "stranger-ec.key"):
            stranger = os.path.join(tls, name)
            r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", stranger)
            self.assertEqual((r.code, r.err_lines()),
                             (2, [f"claimcheck: TLS key {stranger}: does not match the certificate"]))
        # Not a key at all.
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert)
        self.assertEqual((r.code, r.err_lines()), (2, [f"claimcheck: TLS key {cert}: cannot be loaded (PEM expected)"]))

    def test_relative_paths_in_the_config_file_are_under_its_directory(self):
        _, cert, key = self.make_tls()
        conf_dir = os.path.dirname(cert)
        os.makedirs(os.path.join(conf_dir, "team-b"))
        config = os.path.join(conf_dir, "claimcheck.conf")
        with open(config, "w") as f:
            f.write("serve_tls_cert = server.pem\nserve_tls_key = server.key\n"
                    "serve_namespace_store = team-b=team-b\n")
        # As a service starts it: in '/', the file named by its full path.
        server = self.serve("--config", config, cwd="/")
        self.assertEqual(server.scheme, "https")
        self.assertIn("; namespace team-b: file://" + os.path.join(conf_dir, "team-b"), server.lines[0])
        # A file that is not there says so, not "PEM expected".
        missing = self.path("absent.pem")
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", key)
        self.assertEqual((r.code, r.err_lines()),
                         (2, [f"claimcheck: TLS certificate {missing}: No such file or directory"]))
        # --token-file "$TOKEN" with TOKEN unset: refused, never a server without its token
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--token-file", "")
        self.assertEqual((r.code, r.err_lines()),
                         (2, ["claimcheck: --token-file: an empty file name (for none, leave it out)"]))
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", conf_dir)
        self.assertEqual((r.code, r.err_lines()), (2, [f"claimcheck: TLS key {conf_dir}: is a directory"]))

    def test_loopback_rule(self):
        r = self.run_cc("serve", "--listen", "0.0.0.0:0")
        self.assertEqual(r.code, 2)
        self.assertEqual(r.err_lines(), ["claimcheck: --listen 0.0.0.0: a non-loopback address needs "
                                         "--tls-cert, --tls-key and --token-file (or --insecure)"])
        # --insecure warns first; 192.0.2.1 (TEST-NET) is on no machine, so nothing is exposed
        r = self.run_cc("serve", "--listen", "192.0.2.1:0", "--insecure")
        self.assertIn("warning: serving on 192.0.2.1 without TLS or a token (--insecure)", r.err_lines()[0])
        self.assertEqual(r.code, 2)
        self.assertIn("cannot bind", r.err_lines()[1])
        r = self.run_cc("serve", "--listen", "nonsense")
        self.assertEqual(r.code, 2)

    def test_an_address_in_use_by_another_serve_is_refused(self):
        # Not shared with the first (as SO_REUSEPORT would), which would
        # answer a share of the requests with its own settings.
        first = self.serve()
        # A second server that did bind would run until killed: the timeout fails the test.
        r = servetest.Result(subprocess.run([servetest.BINARY, "serve", "--listen", f"127.0.0.1:{first.port}"],
                                            capture_output=True, env=self.env, timeout=30))
        self.assertEqual((r.code, r.err_lines()),
                         (2, [f"claimcheck: listen 127.0.0.1:{first.port}: cannot bind "
                              "(address in use, or not an address of this machine)"]))
        self.assertIsNone(first.proc.poll())
        self.assertFalse(any("another server listens" in line for line in first.lines), first.lines)
        # 127.0.0.1 and ::1 are two addresses, both bound at once: a server already on the
        # other one at that port is named, since a client that asks for localhost may reach it.
        try:
            other = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            other.bind(("::1", 0))
        except OSError:
            return  # no IPv6 loopback on this machine
        with other:
            other.listen(4)
            port = other.getsockname()[1]
            server = self.serve("--listen", f"127.0.0.1:{port}")
            self.assertIn(f"claimcheck: warning: another server listens on [::1]:{port}; a client that asks for "
                          f"localhost:{port} may reach it instead of this one", server.lines)

    def stop_with_a_request_in_flight(self, server, ref, number=signal.SIGTERM):
        """Sends `number` while a request's body (a payload that is `ref`) is
        still arriving; returns once the server stops listening: (the socket,
        the rest of the body)."""
        body = json.dumps({"payloads": [payload("json/plain", ref)]}).encode()
        sock = socket.create_connection(("127.0.0.1", server.port))
        head = ("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % len(body)).encode()
        sock.sendall(head + body[:10])
        client_port = sock.getsockname()[1]
        wait_until(lambda: unread_bytes(server.port, client_port) == 0, what="the server to read the headers")
        server.proc.send_signal(number)
        wait_until(lambda: refuses_connections(server.port), what="the server to stop listening")
        return sock, body[10:]

    @staticmethod
    def rest_of_the_exchange(sock, rest):
        """Sends the rest of the body; returns all the server sends until it closes."""
        sock.sendall(rest)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
        sock.close()
        return response

    def assert_whole_response(self, response, original):
        """A 200 whose body is all there and decodes to `original` (a
        reference's payload goes out as a piece of its own, streamed)."""
        self.assertTrue(response.startswith(b"HTTP/1.1 200 OK"), response[:200])
        head, _, body = response.partition(b"\r\n\r\n")
        lengths = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")]
        self.assertEqual(lengths, [str(len(body)).encode()])
        self.assertEqual(decoded(body)[0][1], original)

    def test_sigterm_answers_the_request_in_flight_then_exits_0(self):
        original = json.dumps({"rows": ["row %d" % i for i in range(30000)]}).encode()
        ref = self.offload(original)
        server = self.serve()
        sock, rest = self.stop_with_a_request_in_flight(server, ref)
        self.assert_whole_response(self.rest_of_the_exchange(sock, rest), original)
        self.assertEqual(server.wait_exit(), 0)
        self.assertEqual(server.lines[-1], "claimcheck: serve: stopped")

    def test_a_second_signal_during_the_shutdown_still_answers_the_request_in_flight(self):
        original = json.dumps({"rows": ["row %d" % i for i in range(30000)]}).encode()
        ref = self.offload(original)
        for second in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(second=second.name):
                server = self.serve()
                sock, rest = self.stop_with_a_request_in_flight(server, ref)
                send_signal_and_wait_taken(server.proc, second)
                self.assert_whole_response(self.rest_of_the_exchange(sock, rest), original)
                self.assertEqual(server.wait_exit(), 0)  # stopped by the first, SIGTERM
                self.assertEqual(server.lines[-1], "claimcheck: serve: stopped")

    def test_sighup_stops_it_as_sigterm_does_with_exit_129(self):
        # A hang-up (the terminal closed, `kill -HUP`) killed it at once: a
        # response in flight was cut, and no "stopped" line (eighth audit).
        original = json.dumps({"rows": ["row %d" % i for i in range(30000)]}).encode()
        ref = self.offload(original)
        server = self.serve()
        sock, rest = self.stop_with_a_request_in_flight(server, ref, signal.SIGHUP)
        self.assert_whole_response(self.rest_of_the_exchange(sock, rest), original)
        self.assertEqual(server.wait_exit(), 128 + signal.SIGHUP)
        self.assertEqual(server.lines[-1], "claimcheck: serve: stopped")

    def test_a_stop_ends_a_credential_process_that_holds_a_request(self):
        # A credential_process that never ends (a login prompt) held the
        # request, and so the SIGTERM, for ever (eighth audit).
        started = self.path("started")
        script = self.path("hang.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho $$ > {}.tmp && mv {}.tmp {}\nexec sleep 300\n".format(started, started, started))
        os.chmod(script, 0o700)
        os.makedirs(os.path.join(self.env["HOME"], ".aws"), exist_ok=True)
        with open(os.path.join(self.env["HOME"], ".aws", "config"), "w") as f:
            f.write("[default]\ncredential_process = {}\n".format(script))
        ref = json.loads(self.offload(b"x" * 60000))
        ref["store"] = "s3://held"
        # Port 9 (discard) on loopback: never reached, the credentials come first.
        server = self.serve("--store", "s3://held", "--endpoint", "http://127.0.0.1:9")
        answer = {}

        def post():
            answer["status"], _, answer["body"] = server.post(
                "/decode", {"payloads": [payload("json/plain", json.dumps(ref).encode())]})
        client = threading.Thread(target=post)
        client.start()
        wait_until(lambda: os.path.exists(started), what="the credential process to start")
        with open(started) as f:
            watch = os.pidfd_open(int(f.read()))
        server.proc.send_signal(signal.SIGTERM)
        try:
            self.assertEqual(server.wait_exit(timeout=60), 0)
            client.join(60)
            self.assertFalse(client.is_alive())
            self.assertNotEqual(answer["status"], 200, answer["body"])
            ended = select.poll()
            ended.register(watch, select.POLLIN)
            self.assertTrue(ended.poll(30000), "the credential process outlived the server")
        finally:
            os.close(watch)

    def test_a_namespace_store_directory_that_is_not_there_stops_serve(self):
        missing = self.path("no-such-store")
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--namespace-store", "team-b=" + missing)
        self.assertEqual((r.code, r.err_lines()),
                         (2, [f"claimcheck: namespace team-b: file://{missing}: no such directory"]))
        with open(missing, "w") as f:
            f.write("a file")
        r = self.run_cc("serve", "--listen", "127.0.0.1:0", "--namespace-store", "team-b=" + missing)
        self.assertEqual((r.code, r.err_lines()),
                         (2, [f"claimcheck: namespace team-b: file://{missing}: not a directory"]))

    def test_a_namespace_served_from_a_store_of_its_own(self):
        own = self.path("team-b-store")
        original_b = json.dumps({"team": "b", "rows": list(range(5000))}).encode()
        ref_b = self.offload(original_b, "--store", own)
        original_default = json.dumps({"team": "default", "rows": list(range(5000))}).encode()
        ref_default = self.offload(original_default)
        server = self.serve("--namespace-store", "team-b=" + own, "--offload")
        self.assertIn("; namespace team-b: file://" + own, server.lines[0])
        # team-b's store, named by the path segment or by X-Namespace
        for path, namespace in (("/team-b/decode", "default"), ("/decode", "team-b")):
            status, _, content = server.post(path, {"payloads": [payload("json/plain", ref_b)]}, namespace=namespace)
            self.assertEqual(status, 200, content)
            self.assertEqual(decoded(content)[0][1], original_b)
        # every other namespace: the store setting's
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", ref_default)]},
                                         namespace="team-c")
        self.assertEqual(decoded(content)[0][1], original_default)
        # neither reaches the other's store: the reference is left as it is, /download refuses it
        for namespace, ref in (("team-b", ref_default), ("default", ref_b)):
            status, _, content = server.post("/decode", {"payloads": [payload("json/plain", ref)]},
                                             namespace=namespace)
            self.assertEqual((status, decoded(content)[0][1]), (200, ref.encode()))
            status, _, content = server.post("/download", {"payloads": [payload("json/plain", ref)]},
                                             namespace=namespace)
            self.assertEqual(status, 403, content)
        # A Go runner's reference names no store and carries no digest: team-b looks for it in its
        # own store only, even once the default namespace has it in the cache.
        go_ref = json.dumps({k: v for k, v in json.loads(ref_default).items()
                             if k in ("_type", "key", "size_bytes", "compressed", "stored_at")})
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", go_ref)]})
        self.assertEqual((status, decoded(content)[0][1]), (200, original_default))
        status, _, content = server.post("/team-b/decode", {"payloads": [payload("json/plain", go_ref)]})
        self.assertEqual((status, content), (404, b"claimcheck serve: payloads[0]: object not found in the store\n"))
        # /encode --offload stores into the namespace's own store
        big = json.dumps({"rows": ["encoded %d" % i for i in range(10000)]}).encode()
        status, _, content = server.post("/team-b/encode", {"payloads": [payload("json/plain", big)]})
        self.assertEqual(status, 200, content)
        stored = json.loads(decoded(content)[0][1])
        self.assertEqual(stored["store"], "file://" + own)
        r = self.run_cc("retrieve", "--store", own, stdin=json.dumps(stored).encode())
        self.assertEqual((r.code, r.out), (0, big), r.err)
        self.assertIn("ns=team-b route=encode status=200", "\n".join(server.request_lines()))

    def test_store_down_is_503(self):
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret-for-test")
        ref = json.dumps({"_type": "claim_check_ref", "key": "claimcheck/k", "size_bytes": 3,
                          "compressed": False, "stored_at": "2026-01-09T13:24:00Z"})
        server = self.serve("--store", "s3://bucket", "--endpoint", "http://127.0.0.1:%d" % port, env=env)
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", ref)]})
        self.assertEqual((status, content), (503, b"claimcheck serve: payloads[0]: store unavailable\n"))
        self.assertNotIn(b"127.0.0.1", content)
        self.assertNotIn("secret-for-test", "\n".join(server.lines))

    def test_a_store_serve_cannot_use_as_configured_is_500_and_says_so(self):
        # A store directory gone (an unmounted volume) answered "internal
        # error", which sent engineers looking for a bug (so did credentials
        # that turn out missing only at the request: instance metadata's 403).
        # The body names no path; the log line says which. /encode made the
        # directory anew and stored there, on what lay beneath the volume
        # (forty-eighth audit): it is made at start, and never again.
        said = b"claimcheck serve: payloads[0]: serve cannot use its store as configured (credentials, or a " \
               b"store directory that is not there): its log says why\n"
        store = self.path("store")
        stored = self.run_cc("offload", "--store", store, "--force", stdin=b"a payload behind a reference " * 100)
        self.assertEqual(stored.code, 0, stored.err)
        server = self.serve("--store", store, "--offload", "--threshold", "10KiB")
        os.rename(store, store + ".gone")
        status, _, content = server.post("/decode", {"payloads": [payload("json/plain", stored.out)]})
        self.assertEqual((status, content), (500, said))
        status, _, content = server.post("/encode", {"payloads": [payload("binary/plain", os.urandom(20000))]})
        self.assertEqual((status, content), (500, said))
        self.assertFalse(os.path.exists(store))
        self.assertEqual(server.stop(), 0)  # its log, whole
        self.assertEqual(len(server.request_lines()), 2, server.lines)
        for line in server.request_lines():
            self.assertIn("status=500", line)
            self.assertIn("no such directory", line)

    def test_serve_offload_makes_its_store_directory_at_start(self):
        store = os.path.join(self.path("fresh"), "store")
        server = self.serve("--store", store, "--offload")
        self.assertTrue(os.path.isdir(store))
        self.assertEqual(server.stop(), 0)

    def test_allowed_origins_are_configurable(self):
        server = self.serve("--allow-origin", "https://cloud.temporal.io")
        status, headers, _ = server.request("OPTIONS", "/decode", headers={
            "Origin": "https://cloud.temporal.io", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace,authorization,authorization-extras"})
        self.assertEqual(status, 204)
        self.assertEqual(headers["access-control-allow-origin"], "https://cloud.temporal.io")
        status, headers, _ = server.request("OPTIONS", "/decode", headers={"Origin": "http://localhost:8233"})
        self.assertEqual(status, 403)  # the default list was replaced
        self.assertNotIn("access-control-allow-origin", headers)

    def test_settings_from_the_environment_and_the_config_file(self):
        with open(self.path("token"), "w") as f:
            f.write("t\n")
        os.makedirs(os.path.join(self.env["XDG_CONFIG_HOME"], "claimcheck"))
        with open(os.path.join(self.env["XDG_CONFIG_HOME"], "claimcheck", "config"), "w") as f:
            f.write("serve_token_file = %s\nserve_display_limit = 1KiB\n" % self.path("token"))
        env = dict(self.env, CLAIMCHECK_SERVE_ALLOW_ORIGIN="https://a.example,https://b.example",
                   CLAIMCHECK_SERVE_OFFLOAD="true")
        server = self.serve("-v", env=env)
        started = [line for line in server.lines if "listening on" in line][0]
        self.assertIn("(origins: https://a.example https://b.example; token: required; /encode: offloads)",
                      started)
        self.assertIn("claimcheck: config serve_display_limit = 1 KiB (file %s:2)"
                      % os.path.join(self.env["XDG_CONFIG_HOME"], "claimcheck", "config"), server.lines)
        self.assertIn("claimcheck: config serve_listen = 127.0.0.1:0 (flag --listen)", server.lines)
        status, _, _ = server.post("/decode", {"payloads": [payload("json/plain", b"[1]")]})
        self.assertEqual(status, 401)  # the token file named in the config file is in force
        server.stop()
        # claimcheck disabled: the offloader passes payloads through, and the banner says so.
        server = self.serve(env=dict(env, CLAIMCHECK_ENABLED="false"))
        started = [line for line in server.lines if "listening on" in line][0]
        self.assertIn("/encode: passes through)", started)


def needed_libraries():
    """The shared libraries claimcheck names (readelf's NEEDED entries)."""
    dynamic = subprocess.run(["readelf", "-d", servetest.BINARY], capture_output=True, text=True, check=True).stdout
    return [line.split("[")[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line]


def sanitized():
    # gcc links the sanitizer runtime as a shared library, clang links it in.
    return is_sanitized(servetest.BINARY)


class ServeExecutable(ServeTestCase):
    """claimcheck itself has no HTTP server: `serve` execs claimcheck-serve."""

    def test_the_server_is_claimcheck_serve_in_claimcheck_own_process(self):
        server = self.serve()
        # Same process id (a service manager's SIGTERM reaches the server), new program.
        self.assertEqual(os.readlink("/proc/%d/exe" % server.proc.pid),
                         os.path.join(os.path.dirname(os.path.realpath(servetest.BINARY)), "claimcheck-serve"))
        status, _, _ = server.post("/decode", {"payloads": [payload("json/plain", b"[1]")]})
        self.assertEqual(status, 200)
        self.assertEqual(server.stop(), 0)

    def test_offload_to_a_store_no_reference_can_name_stops_serve_at_start(self):
        # It started, then answered every large /encode with 500 "internal error".
        store = self.path("odd\tstore")
        os.makedirs(store)
        proc = subprocess.run([servetest.BINARY, "--store", store, "serve", "--listen", "127.0.0.1:0", "--offload"],
                              env=self.env, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("a reference cannot name this store: its location holds control character U+0009", lines[0])

    def test_without_claimcheck_serve_one_line_and_exit_1(self):
        installed = os.path.join(LIBEXEC_DIR, "claimcheck-serve")
        if os.path.exists(installed):
            self.skipTest("an installed claimcheck-serve is in " + LIBEXEC_DIR)
        alone = self.path("bin/claimcheck")
        os.makedirs(os.path.dirname(alone))
        shutil.copy(servetest.BINARY, alone)
        proc = subprocess.run([alone, "serve", "--listen", "127.0.0.1:0"], env=self.env, capture_output=True,
                              timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stderr.decode(),
                         "claimcheck: serve: cannot run claimcheck-serve: %s: No such file or directory; "
                         "%s: No such file or directory (it is installed with claimcheck)\n"
                         % (self.path("bin/claimcheck-serve"), installed))
        # An unknown flag is still claimcheck's own usage error, before any exec.
        proc = subprocess.run([alone, "serve", "--no-such-flag"], env=self.env, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"--no-such-flag", proc.stderr)

    def test_without_proc_one_line_and_exit_1(self):
        """The arguments handed over come from /proc/self/cmdline: without /proc, an error, not a
        claimcheck-serve started with none."""
        if sanitized():
            self.skipTest("AddressSanitizer needs /proc (it reads its stack bounds there)")
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
        if probe.returncode != 0:
            self.skipTest("needs unshare (root): " + probe.stderr.decode().strip())
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               'umount -l /proc && exec "$0" serve --listen 127.0.0.1:0', servetest.BINARY],
                              env=self.env, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stderr, b"claimcheck: serve: cannot read this command line from /proc/self/cmdline\n")

    def test_claimcheck_links_no_http_server_and_no_shared_cxx_runtime(self):
        libraries = needed_libraries()
        self.assertFalse([name for name in libraries if "httplib" in name], libraries)
        if not sanitized():  # sanitizer builds keep the shared C++ runtime
            self.assertFalse([name for name in libraries if name.startswith(("libstdc++", "libfmt", "libpugixml"))],
                             libraries)


if __name__ == "__main__":
    servetest.BINARY = sys.argv[1]
    LIBEXEC_DIR = sys.argv[2]
    sys.exit(max(run_suite(ServeLocal), run_suite(ServeExecutable)))
