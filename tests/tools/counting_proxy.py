#!/usr/bin/python3
"""A request-counting HTTP/1.1 forwarding proxy for claimcheck's tests.

claimcheck talks to the proxy (path-style S3, `--endpoint http://127.0.0.1:<port>`);
the proxy forwards each request (method, target, headers, body) unchanged to the
real server and relays the answer. The Host header is left as the client signed
it, so SigV4 signatures stay valid.

Each request is counted under an S3 operation name decided from the method and
query: ListObjectsV2, DeleteObjects, PutObject, GetObject, HeadObject,
DeleteObject, HeadBucket, CreateMultipartUpload, UploadPart,
CompleteMultipartUpload, AbortMultipartUpload, CopyObject, or "<METHOD> other".

A ListObjectsV2 page that is truncated yet holds fewer keys than max-keys (S3
allows it; radosgw does it now and then) is also counted, as
"ListObjectsV2 short page": a client that needs one extra request per such page
is still making one request per page.

The first line on stdout is the listening port. The counts go to --counts FILE
as JSON ({"total": N, "by_operation": {...}}) on SIGTERM/SIGINT and on
`GET /__counts` (also returned as the response body; nothing is forwarded).

--delay OPERATION=SECONDS (repeatable) waits before forwarding that operation:
a slow server, for tests that interrupt a command while requests are in flight.

Standard library only; one thread per client connection.
"""

import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Hop-by-hop headers are the proxy's own business, never forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "expect"}
CHUNK = 1 << 16


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_operation = {}

    def add(self, operation):
        with self.lock:
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1

    def snapshot(self):
        with self.lock:
            ops = dict(sorted(self.by_operation.items()))
        return {"total": sum(ops.values()), "by_operation": ops}


def operation_of(method, target):
    """The S3 operation a path-style request performs."""
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    has_key = len([p for p in parts.path.split("/") if p]) >= 2
    if method == "GET" and not has_key:
        return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
    if method == "POST" and "delete" in query:
        return "DeleteObjects"
    if method == "POST" and "uploads" in query:
        return "CreateMultipartUpload"
    if method == "POST" and "uploadId" in query:
        return "CompleteMultipartUpload"
    if method == "PUT" and "uploadId" in query:
        return "UploadPart"
    if method == "DELETE" and "uploadId" in query:
        return "AbortMultipartUpload"
    if method == "HEAD" and not has_key:
        return "HeadBucket"
    simple = {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}
    if method in simple and has_key:
        return simple[method]
    return f"{method} other"


def is_short_page(target, body):
    """Truncated, yet fewer keys than asked for."""
    max_keys = int(parse_qs(urlsplit(target).query).get("max-keys", ["1000"])[0])
    return b"<IsTruncated>true</IsTruncated>" in body and body.count(b"<Key>") < max_keys


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "counting-proxy"

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the port only
        pass

    def do_GET(self):
        if self.path == "/__counts":
            return self.answer_counts()
        self.forward()

    def do_PUT(self):
        self.forward()

    def do_POST(self):
        self.forward()

    def do_HEAD(self):
        self.forward()

    def do_DELETE(self):
        self.forward()

    def answer_counts(self):
        body = json.dumps(self.server.write_counts()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def forward(self):
        operation = operation_of(self.command, self.path)
        self.server.counts.add(operation)
        delay = self.server.delays.get(operation)
        if delay:
            time.sleep(delay)
        body = self.read_body()
        upstream = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port, timeout=120)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    upstream.putheader(name, value)
            upstream.endheaders(body if body else None)
            self.relay(upstream.getresponse(), operation)
        finally:
            upstream.close()

    def relay(self, response, operation):
        self.send_response_only(response.status, response.reason)
        length = response.getheader("Content-Length")
        buffered = operation == "ListObjectsV2" or (length is None and self.command != "HEAD")
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and not (buffered and name.lower() == "content-length"):
                self.send_header(name, value)
        if buffered:
            data = response.read()  # listings are small: look at them; chunked: relay with a length
            if operation == "ListObjectsV2" and is_short_page(self.path, data):
                self.server.counts.add("ListObjectsV2 short page")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.end_headers()
        if self.command == "HEAD":
            return
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            self.wfile.write(chunk)


class CountingProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, upstream, counts_file, delays):
        super().__init__(("127.0.0.1", port), Handler)
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.counts_file = counts_file
        self.delays = delays
        self.counts = Counts()

    def write_counts(self):
        snapshot = self.counts.snapshot()
        if self.counts_file:
            with open(self.counts_file + ".tmp", "w") as f:
                json.dump(snapshot, f)
            # replace atomically: a reader never sees half a file
            os.replace(self.counts_file + ".tmp", self.counts_file)
        return snapshot


def parse_delays(items):
    delays = {}
    for item in items:
        name, _, seconds = item.partition("=")
        if not name or not seconds:
            raise SystemExit(f"counting_proxy: --delay wants OPERATION=SECONDS, got {item!r}")
        delays[name] = float(seconds)
    return delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="http://host:port of the real server")
    parser.add_argument("--port", type=int, default=0, help="listening port (0: any free one)")
    parser.add_argument("--counts", help="file the counts are written to")
    parser.add_argument("--delay", action="append", default=[], metavar="OPERATION=SECONDS")
    args = parser.parse_args()

    proxy = CountingProxy(args.port, args.upstream, args.counts, parse_delays(args.delay))

    def stop(signum, frame):
        proxy.write_counts()
        sys.stdout.flush()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(proxy.server_address[1], flush=True)
    proxy.serve_forever()


if __name__ == "__main__":
    main()
