#!/usr/bin/python3
"""`claimcheck serve` under malformed and hostile requests: bad JSON, wrong
types, 10,000 payloads in one body, bodies over the cap (declared, chunked,
with Expect), slowloris headers and bodies, junk request lines, a path of
8 KB, 64 concurrent clients mixing all of these with well-behaved ones, and
300 connections that send nothing while well-behaved clients are served.
Checked: no crash, the well-behaved clients all get their payloads, every
slow client is cut off by the server, and afterwards the server holds no
more descriptors or threads than before (no leak) and exits 0 on SIGTERM
(under AddressSanitizer, also with no leak reported).
Prints the requests sent per kind and the statuses received.
Usage: serve_hostile.py <claimcheck binary>"""
import collections
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli", "serve"))
import servetest  # noqa: E402
from servetest import Server, b64, decoded, payload, wait_until  # noqa: E402
from claimcheck_test import sealed_env  # noqa: E402

TIMEOUT_S = 5         # --request-timeout of the server under test: long enough for the 10,000-payload body under a loaded CI machine
CAP = 1 << 20         # --max-body
CLIENT_DEADLINE = 60  # no client waits longer than this for the server to act


class Client:
    """A raw HTTP/1.1 client on one socket, so hostile requests can be sent
    byte by byte exactly as written."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_DEADLINE)

    def send(self, data):
        self.sock.sendall(data)

    def status(self):
        """The status of the next response (its body read in full), or
        'closed' / 'reset' when the server ended the connection instead."""
        buffer = b""
        try:
            while b"\r\n\r\n" not in buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return "closed"
                buffer += chunk
            head, _, rest = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                rest += chunk
            self.body = rest[:length]
            return int(head.split()[1])
        except (ConnectionResetError, BrokenPipeError):
            return "reset"

    def close(self):
        self.sock.close()


def request(path, body, extra=b""):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"X-Namespace: hostile\r\n" + extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class Scenario:
    def __init__(self, port, reference, original):
        self.port = port
        self.reference = reference
        self.original = original
        many = {"payloads": [payload("json/plain", b'{"i":%d}' % i) for i in range(10_000)]}
        self.many = json.dumps(many).encode()
        self.counts = collections.defaultdict(collections.Counter)
        self.problems = []
        self.lock = threading.Lock()

    def record(self, kind, status, ok, why=""):
        with self.lock:
            self.counts[kind][status] += 1
            if not ok:
                self.problems.append(f"{kind}: {status} {why}")

    def one(self, kind, data, expect):
        c = Client(self.port)
        try:
            c.send(data)
            status = c.status()
        except (ConnectionResetError, BrokenPipeError):
            status = "reset"
        finally:
            c.close()
        self.record(kind, status, status in expect)

    # --- the kinds -------------------------------------------------------
    def well_behaved(self):
        """Two requests on one kept-alive connection, both with the payload."""
        c = Client(self.port)
        body = json.dumps({"payloads": [payload("json/plain", self.reference)]}).encode()
        for _ in range(2):
            try:
                c.send(request(b"/decode", body))
                status = c.status()
            except (ConnectionResetError, BrokenPipeError):  # a failure to count, not a crash
                status = "reset"
            ok = status == 200 and decoded(c.body)[0][1] == self.original
            self.record("well-behaved", status, ok, "payload missing or wrong")
        c.close()

    def bad_json(self):
        self.one("bad JSON", request(b"/decode", b'{"payloads":[{"data":'), {400})

    def wrong_types(self):
        body = random.choice([b'{"payloads":{}}', b'{"payloads":[{"metadata":{"encoding":7}}]}',
                              b'{"payloads":[{"externalPayloads":[{"sizeBytes":"-3"}]}]}', b'[]', b'"x"',
                              b'{"payloads":[' + b"[" * 100 + b"]" * 100 + b"]}"])
        self.one("wrong types", request(b"/decode", body), {400})

    def ten_thousand(self):
        c = Client(self.port)
        try:
            c.send(request(b"/decode", self.many))
            status = c.status()
        except (ConnectionResetError, BrokenPipeError):  # a failure to count, not a crash
            status = "reset"
        ok = status == 200 and len(json.loads(c.body)["payloads"]) == 10_000
        c.close()
        self.record("10,000 payloads", status, ok)

    def over_cap_declared(self):
        # Refused on its headers: the answer comes before any body is sent.
        c = Client(self.port)
        c.send(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % (CAP * 4))
        status = c.status()
        c.close()
        self.record("over cap (Content-Length)", status, status == 413)

    def over_cap_expect(self):
        c = Client(self.port)
        c.send(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
               b"Content-Length: %d\r\n\r\n" % (CAP + 1))
        status = c.status()
        c.close()
        self.record("over cap (Expect)", status, status == 413)

    def over_cap_chunked(self):
        # No length up front: read up to the cap, then 413 and the connection
        # is closed (the rest is never read, so the kernel may reset instead).
        c = Client(self.port)
        c.send(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b" " * 64 * 1024)
        try:
            for _ in range(CAP // (64 * 1024) + 8):
                c.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status = c.status()
        c.close()
        self.record("over cap (chunked)", status, status in (413, "reset", "closed"))

    def slowloris_headers(self):
        c = Client(self.port)
        start = time.monotonic()
        status = None
        try:
            c.send(b"POST /decode HTTP/1.1\r\nHost: x\r\n")
            for byte in b"X-Slow: " + b"a" * 1000:
                c.send(bytes([byte]))
                time.sleep(0.1)
                if time.monotonic() - start > CLIENT_DEADLINE:
                    break
        except (BrokenPipeError, ConnectionResetError):
            status = "cut off"
        if status is None:
            status = c.status()
            status = "cut off" if status in ("closed", "reset") else status
        c.close()
        self.record("slowloris headers", status, status == "cut off")

    def slowloris_body(self):
        c = Client(self.port)
        start = time.monotonic()
        status = None
        try:
            c.send(b"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                c.send(b" ")
                time.sleep(0.1)
                if time.monotonic() - start > CLIENT_DEADLINE:
                    break
        except (BrokenPipeError, ConnectionResetError):
            status = "cut off"
        if status is None:
            status = c.status()
        if status in ("closed", "reset"):
            status = "cut off"
        c.close()
        # the server may answer 400 (body not received in full) as it closes
        self.record("slowloris body", status, status in ("cut off", 400))

    def junk(self):
        data = random.choice([b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\x01\x02\r\n\r\n",
                              b"POST /" + b"a" * 9000 + b"/decode HTTP/1.1\r\nHost: x\r\n\r\n",
                              b"POST /decode HTTP/1.1\r\n" + b"X-H: v\r\n" * 300 + b"\r\n"])
        self.one("junk request line/headers", data, {400, 414, 413, 415, 431, "closed", "reset"})

    def long_path(self):
        self.one("8 KB path", request(b"/" + b"p" * 8000 + b"/decode", b"{}"), {200})

    def wrong_method_and_route(self):
        self.one("wrong method or route",
                 random.choice([b"GET /decode HTTP/1.1\r\nHost: x\r\n\r\n",
                                b"DELETE /decode HTTP/1.1\r\nHost: x\r\n\r\n",
                                request(b"/nothing-here", b"{}")]), {404, 405})

    KINDS = ["well_behaved", "bad_json", "wrong_types", "ten_thousand", "over_cap_declared", "over_cap_expect",
             "over_cap_chunked", "slowloris_headers", "slowloris_body", "junk", "long_path",
             "wrong_method_and_route"]


def process_counts(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    threads = len(os.listdir(f"/proc/{pid}/task"))
    return fds, threads


def main():
    servetest.BINARY = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="cc-serve-hostile-")
    server = None
    try:
        env = sealed_env(tmp)
        original = json.dumps({"context": ["turn %d" % i for i in range(30_000)]}).encode()
        reference = subprocess.run([servetest.BINARY, "offload", "--force"], input=original, env=env,
                                   capture_output=True, check=True).stdout.strip()
        server = Server(env, "--listen", "127.0.0.1:0", "--request-timeout", f"{TIMEOUT_S}s",
                        "--max-body", str(CAP))
        scenario = Scenario(server.port, reference, original)
        scenario.well_behaved()  # warm up: the pool and the cache exist from now on
        base_fds, base_threads = process_counts(server.proc.pid)

        # 1. each kind alone, then 2. 64 concurrent clients mixing all of them
        for kind in Scenario.KINDS:
            getattr(scenario, kind)()
        plan = [Scenario.KINDS[i % len(Scenario.KINDS)] for i in range(64 * 3)]
        random.Random(13).shuffle(plan)
        with ThreadPoolExecutor(max_workers=64) as pool:
            for future in [pool.submit(getattr(scenario, kind)) for kind in plan]:
                future.result()
        # 3. connections that send nothing hold no worker: with 300 of them
        # open (more than the 128 workers), well-behaved clients are answered
        # while every one of the 300 is still open, i.e. before any idle one
        # timed out and freed a worker.
        silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(300)]
        for _ in range(3):
            scenario.well_behaved()
        for sock in silent:
            sock.setblocking(False)
            try:
                if sock.recv(1) == b"":
                    scenario.problems.append("an idle connection was closed before the well-behaved were answered")
                    break
            except BlockingIOError:
                pass  # still open, nothing sent: as it should be
            sock.close()
        alive = server.proc.poll() is None

        # no leak: descriptors and threads back where they were
        settled = True
        try:
            wait_until(lambda: process_counts(server.proc.pid) <= (base_fds, base_threads), timeout=30,
                       what="descriptors and threads to return to their baseline")
        except AssertionError:
            settled = False
        fds, threads = process_counts(server.proc.pid)
        code = server.stop(timeout=60)

        print(f"{'kind':28} {'sent':>5}  statuses")
        total = 0
        for kind, statuses in scenario.counts.items():
            sent = sum(statuses.values())
            total += sent
            print(f"{kind:28} {sent:5}  " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)))
        print(f"{'total':28} {total:5}")
        print(f"server alive after the mix: {alive}; descriptors {base_fds} -> {fds}, threads {base_threads} -> "
              f"{threads}; exit status after SIGTERM: {code}")
        lines = server.request_lines()
        print(f"log lines: {len(lines)}")
        failures = list(scenario.problems)
        if not alive:
            failures.append("the server died")
        if not settled:
            failures.append(f"descriptors or threads did not return to baseline ({base_fds}, {base_threads}) "
                            f"-> ({fds}, {threads})")
        if code != 0:
            failures.append(f"exit status {code} after SIGTERM: " + "\n".join(server.lines[-20:]))
        if any("hostile" in line and "ns=hostile" not in line for line in lines):
            failures.append("a log line carries request data")
        for failure in failures[:20]:
            print("FAIL:", failure)
        return 1 if failures else 0
    finally:
        # A test that fails on the way must not leave its server running.
        if server is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
