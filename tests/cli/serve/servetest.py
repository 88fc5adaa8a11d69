"""Shared helpers for the end-to-end tests of `claimcheck serve`: start the
built binary on a free loopback port in a private HOME, talk to it as the
Web UI and the `temporal` CLI do, stop it with SIGTERM."""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from claimcheck_test import (S3, Result, open_to_all, run_suite, s3_client, sealed_env,  # noqa: F401
                             skip_without_s3, with_thread_limit)

BINARY = None  # set by the test script from argv[1]


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


def payload(encoding, data, **metadata):
    """A payload in protojson (the UI's form)."""
    meta = {"encoding": b64(encoding)}
    meta.update({k: b64(v) for k, v in metadata.items()})
    return {"metadata": meta, "data": b64(data)}


def decoded(response_body):
    """[(metadata as text, data as bytes, externalPayloads or None)]."""
    out = []
    for p in json.loads(response_body)["payloads"]:
        meta = {k: base64.b64decode(v).decode() for k, v in p.get("metadata", {}).items()}
        out.append((meta, base64.b64decode(p.get("data", "")), p.get("externalPayloads")))
    return out


def wait_until(condition, timeout=30, what="condition"):
    """Polls `condition` until it holds (a condition, not a guessed delay)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.01)


def unread_bytes(server_port, client_port):
    """Bytes the server has not read yet on the connection from `client_port`
    (the socket's receive queue, from /proc/net/tcp), or None when absent."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.readlines()[1:]:
                fields = row.split()
                local, remote, queues = fields[1], fields[2], fields[4]
                if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
                    return int(queues.split(":")[1], 16)
    return None


def pending_connections(server_port):
    """Connections waiting in the kernel's queue to be accepted on `server_port` (the listening
    socket's receive queue, from /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.readlines()[1:]:
                fields = row.split()
                if int(fields[1].split(":")[1], 16) == server_port and fields[3] == "0A":  # LISTEN
                    return int(fields[4].split(":")[1], 16)
    return 0


def refuses_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except OSError:
        return True


def clients_take_turns(server, body, clients):
    """`clients` threads POST `body` to /decode back to back, each on a kept-alive
    connection (opened again after a Connection: close), until every client
    has had an answer. Returns (the most answers one connection carried
    meanwhile, the set of statuses)."""
    answered = [0] * clients
    on_one_connection = [0] * clients  # answers since the client last connected
    most = [0]
    statuses = set()
    done = threading.Event()
    lock = threading.Lock()
    def client(index):
        conn = server.connection()
        try:
            while not done.is_set():
                status, headers, _ = server.post("/decode", body, conn=conn)
                with lock:
                    statuses.add(status)
                    answered[index] += 1
                    on_one_connection[index] += 1
                    most[0] = max(most[0], on_one_connection[index])
                    if headers.get("connection") == "close":
                        on_one_connection[index] = 0
        finally:
            conn.close()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: min(answered) >= 1, what="an answer for every client")
        with lock:
            return most[0], set(statuses)
    finally:
        done.set()
        for thread in threads:
            thread.join(30)


class Server:
    """One `claimcheck serve` process; stderr is collected line by line."""

    def __init__(self, env, *args, expect_start=True, cwd=None, preexec_fn=None):
        self.proc = subprocess.Popen([os.path.abspath(BINARY), "serve", *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        self.lines = []
        self.port = None
        self.scheme = "http"
        self._started = threading.Event()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        if expect_start:
            if not self._started.wait(30) or self.port is None:
                self.proc.kill()
                raise AssertionError("serve did not start: " + "\n".join(self.lines))

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            m = re.search(r"listening on (https?)://\S+:(\d+) ", line)
            if m:
                self.scheme, self.port = m.group(1), int(m.group(2))
                self._started.set()
        self._started.set()

    def connection(self, context=None, timeout=30):
        if self.scheme == "https":
            return http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=timeout)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None, context=None):
        """(status, headers as a dict with lower-case names, body bytes)."""
        own = conn is None
        conn = conn or self.connection(context)
        try:
            data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            content = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            if own:
                conn.close()

    def post(self, path, body, namespace="default", extra=None, conn=None, context=None):
        headers = {"Content-Type": "application/json", "X-Namespace": namespace}
        headers.update(extra or {})
        return self.request("POST", path, body, headers, conn=conn, context=context)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(5)
        return code

    def wait_exit(self, timeout=30):
        code = self.proc.wait(timeout=timeout)
        self._reader.join(5)
        return code

    def raw(self, data, timeout=20):
        """Sends `data` as it is, ends the sending side and reads to the end: (status, or None for
        no answer; the head; the body)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            response = b""
            while chunk := sock.recv(65536):
                response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        return (int(head.split(b" ")[1]) if head else None), head, body

    def peak_rss_kib(self):
        with open("/proc/{}/status".format(self.proc.pid)) as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    def request_lines(self):
        return [line for line in self.lines if line.startswith("claimcheck: serve ns=")]


class ServeTestCase(unittest.TestCase):
    """Fresh HOME/XDG folders per test (the local store is the default one)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cc-serve-")
        self.env = sealed_env(self.tmp)
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            if server.proc.poll() is None:
                server.proc.kill()
                server.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def serve(self, *args, env=None, expect_start=True, cwd=None, preexec_fn=None):
        args = list(args)
        if not any(a == "--listen" for a in args):
            args = ["--listen", "127.0.0.1:0", *args]
        server = Server(env or self.env, *args, expect_start=expect_start, cwd=cwd, preexec_fn=preexec_fn)
        self.servers.append(server)
        return server

    def run_cc(self, *args, stdin=b"", env=None):
        proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True, env=env or self.env,
                              timeout=300)
        return Result(proc)

    def offload(self, data, *args, env=None):
        """A reference to `data` (forced offload), as claimcheck writes it."""
        r = self.run_cc("offload", "--force", *args, stdin=data, env=env)
        self.assertEqual(r.code, 0, r.err)
        return r.out.decode().strip()

    def make_tls(self):
        """A test CA and a certificate for 127.0.0.1/localhost signed by it;
        returns (ca file, cert file, key file)."""
        d = self.path("tls")
        os.makedirs(d)
        run = lambda *a: subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True)
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=claimcheck test CA")
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
        with open(os.path.join(d, "ext.cnf"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                    "extendedKeyUsage=serverAuth\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
        return tuple(os.path.join(d, n) for n in ("ca.pem", "server.pem", "server.key"))
