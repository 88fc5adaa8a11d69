#!/usr/bin/python3
"""A fault-injecting HTTP/1.1 forwarding proxy for claimcheck's reliability tests.

claimcheck talks to the proxy (path-style S3, `--endpoint http://127.0.0.1:<port>`);
the proxy forwards the request line, headers and body unchanged to the real
server (radosgw) and relays the answer, except that a configurable share of
requests meets a fault:

  reset-request   read the headers and part of the body, then RST (SO_LINGER 0)
  reset-response  forward, send the response headers and part of the body, then RST
  500 / 503       answer InternalError / SlowDown with an S3 error XML, not forwarded
  slow            wait --slow-seconds, then forward
  truncate        forward, send the full Content-Length but only part of the body, close
  skew            forward, with the response's Date moved by --skew-hours
  error-200       (only on request) 200 OK with an InternalError body, not forwarded
  slow-answer     (only on request) forward, then wait --slow-seconds before relaying
                  the answer: the server has acted, the client does not know it yet
  acted-500       (only on request) forward, then answer 500 InternalError instead of
                  the server's answer: the server has acted, the client is told it failed

--permanent fails every request (503 or reset-request; nothing is forwarded, so a
failure never leaves state behind on the server). --pass-through REGEX exempts
requests whose "METHOD target" matches (e.g. let CreateMultipartUpload and
AbortMultipartUpload through while every part fails); --only REGEX limits faults
to the requests that match (e.g. only CompleteMultipartUpload). --max-faults-per-request N
forwards a request cleanly once the same method + target has been faulted N
times, so that a client with enough retries always gets through.

--throttle BYTES_PER_SECOND relays request bodies to the server at no more than
that rate in total (one budget shared by every connection): a slow link that
makes a large upload last long enough for something to happen during it.
The access key id each request is signed with (from its Authorization header
or X-Amz-Credential) is counted, in the order first seen: which credentials
signed which part of a long transfer.

The first line on stdout is the listening port. Counters go to --stats FILE as
JSON on SIGTERM/SIGINT, at --max-seconds (then the proxy exits by itself), and
on `GET /__proxy_stats` (also returned as the response body).

Standard library only; one thread per client connection; a new upstream
connection per request (closed once its response has been relayed).
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime

DEFAULT_FAULTS = ("reset-request", "reset-response", "500", "503", "slow", "truncate", "skew")
# error-200: "200 OK" whose body is an S3 <Error>, not forwarded. S3 documents
# this answer for CompleteMultipartUpload and CopyObject (the error comes
# after the status line was sent); elsewhere it is not a realistic answer.
FAULT_KINDS = DEFAULT_FAULTS + ("error-200", "slow-answer", "acted-500")
MAX_HEADER_BYTES = 64 * 1024
RELAY_CHUNK = 64 * 1024
IDLE_TIMEOUT_SECONDS = 60
MAX_CONNECTIONS = 128


class ClientGone(Exception):
    """The client closed its side; nothing more to do on this connection."""


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.forwarded = 0
        self.faults = {kind: 0 for kind in FAULT_KINDS}
        self.by_method = {}
        self.upstream_errors = 0
        self.access_keys = {}  # access key id -> requests signed with it (insertion order: first seen)

    def count_request(self, method):
        with self.lock:
            self.requests += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1

    def count_fault(self, kind):
        with self.lock:
            self.faults[kind] += 1

    def count_forwarded(self):
        with self.lock:
            self.forwarded += 1

    def count_access_key(self, access_key_id):
        with self.lock:
            self.access_keys[access_key_id] = self.access_keys.get(access_key_id, 0) + 1

    def count_upstream_error(self):
        with self.lock:
            self.upstream_errors += 1

    def snapshot(self, reason):
        with self.lock:
            return {
                "requests": self.requests,
                "forwarded": self.forwarded,
                "faults": dict(self.faults),
                "faults_total": sum(self.faults.values()),
                "by_method": dict(self.by_method),
                "upstream_errors": self.upstream_errors,
                "access_keys": [[key, count] for key, count in self.access_keys.items()],
                "reason": reason,
            }


class FaultPlan:
    """Decides, per request, which fault (if any) it meets. Thread-safe."""

    def __init__(self, args):
        self.rate = args.fault_rate
        self.kinds = args.faults
        self.permanent = args.permanent
        self.max_per_request = args.max_faults_per_request
        self.pass_through = re.compile(args.pass_through) if args.pass_through else None
        self.only = re.compile(args.only) if args.only else None
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.faulted = {}  # "METHOD target" -> times faulted

    def choose(self, method, target):
        identity = method + " " + target
        if self.pass_through is not None and self.pass_through.search(identity):
            return None
        if self.only is not None and not self.only.search(identity):
            return None
        with self.lock:
            if self.permanent:
                return self.rng.choice(("503", "reset-request"))
            if self.max_per_request >= 0 and self.faulted.get(identity, 0) >= self.max_per_request:
                return None
            if not self.kinds or self.rng.random() >= self.rate:
                return None
            self.faulted[identity] = self.faulted.get(identity, 0) + 1
            return self.rng.choice(self.kinds)

    def fraction(self):
        """A random cut point in (0, 1) for partial sends."""
        with self.lock:
            return self.rng.uniform(0.1, 0.9)

    def delay(self, low, high):
        with self.lock:
            return self.rng.uniform(low, high)


class Throttle:
    """Lets bytes through at `rate` bytes/s in total, whichever connection sends them."""

    def __init__(self, rate):
        self.rate = rate
        self.lock = threading.Lock()
        self.next_free = time.monotonic()

    def wait_for(self, size):
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + size / self.rate
            delay = self.next_free - now
        if delay > 0:
            time.sleep(delay)


CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
QUERY_CREDENTIAL = re.compile(r"[?&]X-Amz-Credential=([^&%]+)(?:%2F|/)", re.IGNORECASE)


def access_key_of(request):
    """The access key id the request is signed with, or "unsigned"."""
    match = CREDENTIAL.search(header(request.headers, "Authorization") or "")
    if match is None:
        match = QUERY_CREDENTIAL.search(request.target)
    return match.group(1) if match else "unsigned"


def parse_head(raw):
    """Splits a header block into its first line and (name, value) pairs."""
    lines = raw.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


def header(headers, name):
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def read_head(reader):
    """Reads up to and including the blank line; b'' when the peer closed first."""
    raw = b""
    while True:
        line = reader.readline(MAX_HEADER_BYTES)
        if not line:
            if raw:
                raise ClientGone()
            return b""
        raw += line
        if len(raw) > MAX_HEADER_BYTES:
            raise ClientGone()
        if line in (b"\r\n", b"\n"):
            if raw in (b"\r\n", b"\n"):  # tolerate blank lines between requests
                raw = b""
                continue
            return raw


def is_chunked(headers):
    value = header(headers, "Transfer-Encoding")
    return value is not None and "chunked" in value.lower()


def read_chunked_raw(reader):
    """Reads a chunked body and returns it with its framing, byte for byte."""
    out = bytearray()
    while True:
        size_line = reader.readline(MAX_HEADER_BYTES)
        if not size_line:
            raise ClientGone()
        out += size_line
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers, then the final blank line
                trailer = reader.readline(MAX_HEADER_BYTES)
                if not trailer:
                    raise ClientGone()
                out += trailer
                if trailer in (b"\r\n", b"\n"):
                    return bytes(out)
        data = reader.read(size + 2)
        if len(data) != size + 2:
            raise ClientGone()
        out += data


def copy_exact(reader, send, length):
    """Relays exactly `length` bytes; raises ClientGone when the source ends early."""
    remaining = length
    while remaining > 0:
        data = reader.read(min(RELAY_CHUNK, remaining))
        if not data:
            raise ClientGone()
        send(data)
        remaining -= len(data)


def reset(sock):
    """Closes with SO_LINGER 0 so the peer sees a TCP RST, not a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def s3_error_response(status, code, message, close):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Error><Code>{}</Code><Message>{}</Message>"
        "<RequestId>fault-proxy-{}</RequestId></Error>".format(code, message, random.getrandbits(32))
    ).encode()
    reason = {200: "OK", 500: "Internal Server Error"}.get(status, "Service Unavailable")
    head = [
        "HTTP/1.1 {} {}".format(status, reason),
        "Content-Type: application/xml",
        "Content-Length: {}".format(len(body)),
        "Date: {}".format(formatdate(usegmt=True)),
    ]
    if status == 503:
        head.append("Retry-After: 1")
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def skew_date(raw_head, hours):
    """Rewrites the Date header of a response head by `hours`."""
    first, headers = parse_head(raw_head)
    lines = [first]
    for name, value in headers:
        if name.lower() == "date":
            try:
                moved = parsedate_to_datetime(value).timestamp() + hours * 3600
                value = formatdate(moved, usegmt=True)
            except (TypeError, ValueError):
                pass
        lines.append("{}: {}".format(name, value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Request:
    def __init__(self, raw_head):
        self.raw_head = raw_head
        first, self.headers = parse_head(raw_head)
        parts = first.split(" ")
        if len(parts) != 3:
            raise ClientGone()
        self.method, self.target, self.version = parts
        length = header(self.headers, "Content-Length")
        self.length = int(length) if length and length.isdigit() else 0
        self.chunked = is_chunked(self.headers)
        self.expects_continue = (header(self.headers, "Expect") or "").lower() == "100-continue"
        connection = (header(self.headers, "Connection") or "").lower()
        self.wants_close = connection == "close" or self.version == "HTTP/1.0"


class Response:
    def __init__(self, raw_head, request_method):
        self.raw_head = raw_head
        first, self.headers = parse_head(raw_head)
        parts = first.split(" ", 2)
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        length = header(self.headers, "Content-Length")
        self.length = int(length) if length and length.isdigit() else None
        self.chunked = is_chunked(self.headers)
        self.bodiless = (request_method == "HEAD" or self.status in (204, 304)
                         or 100 <= self.status < 200)
        self.until_close = not self.bodiless and not self.chunked and self.length is None
        self.wants_close = (header(self.headers, "Connection") or "").lower() == "close"


class ProxyHandler(socketserver.BaseRequestHandler):
    """One client connection: requests in a keep-alive loop."""

    def handle(self):
        server = self.server
        if not server.slots.acquire(blocking=False):
            reset(self.request)
            return
        try:
            self.request.settimeout(IDLE_TIMEOUT_SECONDS)
            if server.tls_context is not None:
                self.request = server.tls_context.wrap_socket(self.request, server_side=True)
            self.reader = self.request.makefile("rb")
            while self.serve_one():
                pass
        except (ClientGone, OSError, ssl.SSLError, ValueError):
            pass
        finally:
            server.slots.release()
            self.close_client()

    def close_client(self):
        # The socket's descriptor stays open while a makefile() reader exists.
        reader = getattr(self, "reader", None)
        if reader is not None:
            reader.close()
        try:
            self.request.close()
        except OSError:
            pass

    def reset_client(self):
        reader = getattr(self, "reader", None)
        if reader is not None:
            reader.close()
        reset(self.request)

    def send(self, data):
        self.request.sendall(data)

    def serve_one(self):
        """Handles one request; False when the connection must end."""
        raw = read_head(self.reader)
        if not raw:
            return False
        request = Request(raw)
        server = self.server
        if request.target == "/__proxy_stats":
            return self.answer_stats(request)
        server.counters.count_request(request.method)
        server.counters.count_access_key(access_key_of(request))
        fault = server.plan.choose(request.method, request.target)
        if fault is not None:
            server.counters.count_fault(fault)
        if fault == "reset-request":
            self.read_part_of_body(request)
            self.reset_client()
            return False
        if fault in ("500", "503", "error-200"):
            return self.answer_error(request, 200 if fault == "error-200" else int(fault))
        if fault == "slow":
            time.sleep(server.plan.delay(*server.slow_seconds))
        return self.forward(request, fault)

    def answer_stats(self, request):
        body = json.dumps(self.server.write_stats("request"), indent=2).encode()
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n"
        self.send(head.format(len(body)).encode() + body)
        return not request.wants_close

    def read_part_of_body(self, request):
        if request.length > 0 and not request.expects_continue:
            part = max(1, int(request.length * self.server.plan.fraction()))
            self.reader.read(min(part, request.length))

    def discard_body(self, request):
        if request.chunked:
            read_chunked_raw(self.reader)
        else:
            copy_exact(self.reader, lambda _data: None, request.length)

    def answer_error(self, request, status):
        # A client waiting for 100-continue may or may not send the body: close.
        close = request.wants_close or request.expects_continue
        if not request.expects_continue:
            self.discard_body(request)
        code, message = (("SlowDown", "Please reduce your request rate.") if status == 503 else
                         ("InternalError", "We encountered an internal error. Please try again."))
        self.send(s3_error_response(status, code, message, close))
        return not close

    def forward(self, request, fault):
        server = self.server
        try:
            upstream = socket.create_connection(server.upstream, timeout=IDLE_TIMEOUT_SECONDS)
        except OSError:
            server.counters.count_upstream_error()
            self.send(s3_error_response(503, "ServiceUnavailable", "upstream unreachable", True))
            return False
        upstream_reader = upstream.makefile("rb")
        try:
            return self.exchange(request, fault, upstream, upstream_reader)
        finally:
            upstream_reader.close()
            try:
                upstream.close()
            except OSError:
                pass

    def exchange(self, request, fault, upstream, upstream_reader):
        upstream.sendall(request.raw_head)
        if request.expects_continue:
            # We answer 100 ourselves; upstream's own interim answer is skipped below.
            self.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        send = upstream.sendall
        if self.server.throttle is not None:
            throttle = self.server.throttle

            def send(data):
                throttle.wait_for(len(data))
                upstream.sendall(data)
        if request.chunked:
            send(read_chunked_raw(self.reader))
        else:
            copy_exact(self.reader, send, request.length)
        response = self.read_final_response(upstream_reader, request.method)
        if response is None:
            self.server.counters.count_upstream_error()
            self.send(s3_error_response(503, "ServiceUnavailable", "upstream closed", True))
            return False
        self.server.counters.count_forwarded()
        if fault == "slow-answer":
            time.sleep(self.server.plan.delay(*self.server.slow_seconds))
        if fault == "acted-500":
            self.drain(response, upstream_reader)
            self.send(s3_error_response(500, "InternalError", "We encountered an internal error.", True))
            return False
        return self.relay(request, response, upstream_reader, fault)

    @staticmethod
    def drain(response, upstream_reader):
        if response.chunked:
            read_chunked_raw(upstream_reader)
        elif response.until_close:
            upstream_reader.read()
        elif not response.bodiless:
            copy_exact(upstream_reader, lambda _data: None, response.length or 0)

    def read_final_response(self, upstream_reader, method):
        while True:
            raw = read_head(upstream_reader)
            if not raw:
                return None
            response = Response(raw, method)
            if not 100 <= response.status < 200:
                return response

    def relay(self, request, response, upstream_reader, fault):
        if fault == "skew":
            self.send(skew_date(response.raw_head, self.server.skew_hours))
        elif fault in ("reset-response", "truncate"):
            return self.relay_partially(response, upstream_reader, fault)
        else:
            self.send(response.raw_head)
        if response.chunked:
            self.send(read_chunked_raw(upstream_reader))
        elif response.until_close:
            while True:
                data = upstream_reader.read1(RELAY_CHUNK)
                if not data:
                    return False
                self.send(data)
        elif not response.bodiless:
            copy_exact(upstream_reader, self.send, response.length or 0)
        return not (request.wants_close or response.wants_close)

    def relay_partially(self, response, upstream_reader, fault):
        """Sends the head and part of the body (or part of the head when there
        is no body), then ends the connection: RST or a plain close."""
        if response.chunked:
            body = read_chunked_raw(upstream_reader)
        elif response.bodiless or response.until_close:
            body = b"" if response.bodiless else upstream_reader.read()
        else:
            body = None  # streamed below
        total = len(body) if body is not None else (response.length or 0)
        cut = int(total * self.server.plan.fraction())
        if total == 0:
            head_cut = max(1, int(len(response.raw_head) * self.server.plan.fraction()))
            self.send(response.raw_head[:head_cut])
        else:
            self.send(response.raw_head)
            if body is not None:
                self.send(body[:cut])
            else:
                copy_exact(upstream_reader, self.send, cut)
        if fault == "reset-response":
            self.reset_client()
        else:
            self.request.shutdown(socket.SHUT_RDWR)
        return False


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, args, tls_context):
        self.tls_context = tls_context
        super().__init__((args.host, args.port), ProxyHandler)
        self.upstream = parse_upstream(args.upstream)
        self.plan = FaultPlan(args)
        self.counters = Counters()
        self.slow_seconds = args.slow_seconds
        self.skew_hours = args.skew_hours
        self.throttle = Throttle(args.throttle) if args.throttle else None
        self.stats_path = args.stats
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.stats_lock = threading.Lock()

    def handle_error(self, request, client_address):
        pass  # a client that vanished is not the proxy's problem

    def write_stats(self, reason):
        snapshot = self.counters.snapshot(reason)
        if self.stats_path:
            with self.stats_lock:
                temporary = self.stats_path + ".tmp"
                with open(temporary, "w") as out:
                    json.dump(snapshot, out, indent=2)
                os.replace(temporary, self.stats_path)
        return snapshot


def parse_upstream(url):
    rest = url.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = rest.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit("fault_proxy: --upstream must look like http://HOST:PORT, got " + url)
    return host, int(port)


def parse_faults(text):
    kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if unknown:
        raise argparse.ArgumentTypeError("unknown fault kind(s): " + ", ".join(unknown))
    return kinds


def parse_seconds_range(text):
    low, _, high = text.partition("-")
    low, high = float(low), float(high or low)
    if low < 0 or high < low:
        raise argparse.ArgumentTypeError("expected SECONDS or LOW-HIGH, got " + text)
    return low, high


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="http://HOST:PORT of the real server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--faults", type=parse_faults, default=list(DEFAULT_FAULTS))
    parser.add_argument("--permanent", action="store_true", help="fail every request")
    parser.add_argument("--pass-through", metavar="REGEX",
                        help='never fault requests whose "METHOD target" matches')
    parser.add_argument("--only", metavar="REGEX",
                        help='fault only requests whose "METHOD target" matches')
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-faults-per-request", type=int, default=-1,
                        help="forward a METHOD+target cleanly after N faults (-1: no cap)")
    parser.add_argument("--slow-seconds", type=parse_seconds_range, default=(1.0, 2.0))
    parser.add_argument("--skew-hours", type=float, default=3.0)
    parser.add_argument("--throttle", type=float, default=0.0, metavar="BYTES_PER_SECOND",
                        help="relay request bodies at no more than this rate in total (0: no limit)")
    parser.add_argument("--stats", help="write counters here as JSON")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="private key of --tls-cert (PEM)")
    args = parser.parse_args(argv)
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error("--fault-rate must be within 0..1")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def tls_context_for(args):
    if not args.tls_cert:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    return context


def main(argv):
    args = parse_args(argv)
    server = ProxyServer(args, tls_context_for(args))

    def stop(reason):
        server.write_stats(reason)
        sys.stdout.flush()
        os._exit(0)  # serve_forever runs in this thread: do not wait for it

    signal.signal(signal.SIGTERM, lambda *_: stop("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: stop("SIGINT"))
    timer = threading.Timer(args.max_seconds, stop, args=("max-seconds",))
    timer.daemon = True
    timer.start()
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main(sys.argv[1:])
