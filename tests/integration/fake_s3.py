#!/usr/bin/python3
"""A scripted fake S3 server for the S3 client's resilience tests.

Each object path (bucket "fake") selects a behaviour the real server cannot be
made to show on demand: failures a given number of times, a body cut in the
middle, a stall, silence after a request body, an answer cut inside its headers, a trickle, a clock far off, per-key DeleteObjects errors, a 200 answer
carrying an <Error>. Signatures are not checked. Every request must have a
Content-Length when it has a body and must not carry an Expect header.

Prints the listening port on the first line of stdout, then serves until
SIGTERM, until its parent process is gone, or for --max-seconds.
"""

import argparse
import base64
import calendar
import hashlib
import http.server
import os
import re
import socketserver
import sys
import threading
import time
from email.utils import formatdate
from urllib.parse import unquote, urlsplit, parse_qs

SKEW_SECONDS = 2 * 3600
STATE_LOCK = threading.Lock()
attempts = {}   # path -> requests seen
objects = {}    # path -> stored body


def pattern(size):
    return bytes((i * 7919) % 251 for i in range(size))


def error_xml(code):
    return ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message></Message>'
            '<RequestId>fake-%s</RequestId></Error>' % (code, code)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # -- helpers -------------------------------------------------------------
    def count(self):
        with STATE_LOCK:
            attempts[self.key_path] = attempts.get(self.key_path, 0) + 1
            return attempts[self.key_path]

    def answer(self, status, body=b"", headers=None, date=None):
        self.send_response_only(status)
        self.send_header("Date", date or formatdate(usegmt=True))
        self.send_header("x-amz-request-id", "fake-request")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fail(self, status, code, date=None):
        self.answer(status, error_xml(code), {"Content-Type": "application/xml"}, date)

    def read_body(self):
        if self.command in ("PUT", "POST"):
            if "Content-Length" not in self.headers:
                return None
            return self.rfile.read(int(self.headers["Content-Length"]))
        return b""

    # -- dispatch ------------------------------------------------------------
    def handle_any(self):
        url = urlsplit(self.path)
        self.key_path = unquote(url.path)
        if self.headers.get("Host", "").startswith("fake."):  # virtual-hosted
            self.key_path = "/fake" + self.key_path
        self.query = parse_qs(url.query, keep_blank_values=True)
        if "Expect" in self.headers:
            return self.fail(400, "UnexpectedExpectHeader")
        body = self.read_body()
        if body is None:
            return self.fail(411, "MissingContentLength")
        name = self.key_path.split("/", 2)[2] if self.key_path.count("/") >= 2 else ""
        for prefix, method in ROUTES:
            if name.startswith(prefix):
                return method(self, name, body)
        if self.key_path == "/fake" and "delete" in self.query:
            return self.delete_objects(body)
        if self.key_path == "/fake" and "list-type" in self.query:
            return self.list_repeating(self.query.get("prefix", [""])[0])
        if self.key_path == "/fake" and "uploads" in self.query:
            return self.uploads_repeating(self.query.get("prefix", [""])[0])
        return self.fail(404, "NoSuchKey")

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any

    # -- behaviours ----------------------------------------------------------
    def echo(self, name, body):
        """Shows what arrived on the wire: the Host header and the raw target."""
        self.answer(200, ("%s %s" % (self.headers.get("Host"), self.path)).encode())

    def flaky(self, name, body):
        """flaky-<status>-<n>-...: fails n times with <status>, then works."""
        _, status, times = name.split("-")[:3]
        if self.count() <= int(times):
            code = {"500": "InternalError", "503": "SlowDown", "400": "RequestTimeout",
                    "429": "TooManyRequests"}.get(status, "InvalidArgument")
            return self.fail(int(status), code)
        self.answer(200, b"ok")

    def put_once_failing(self, name, body):
        """PUT fails once after reading the body; the retry must send it again, whole."""
        if self.command == "GET":
            return self.answer(200, objects.get(self.key_path, b""))
        if self.headers.get("x-amz-content-sha256") != hashlib.sha256(body).hexdigest():
            return self.fail(400, "XAmzContentSHA256Mismatch")
        if self.count() == 1:
            return self.fail(500, "InternalError")
        objects[self.key_path] = body
        self.answer(200, headers={"ETag": '"stored"'})

    def cut(self, name, body):
        """cut-<size>[-ignore-range]: the first answer stops halfway and closes."""
        size = int(name.split("-")[1])
        data = pattern(size)
        attempt = self.count()
        if attempt == 1:
            self.send_response_only(200)
            self.send_header("Content-Length", str(size))
            self.send_header("ETag", '"e1"')
            self.end_headers()
            self.wfile.write(data[: size // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if name.endswith("ignore-range"):
            return self.answer(200, data, {"ETag": '"e1"'})
        wanted = "bytes=%d-" % (size // 2)
        if self.headers.get("Range") != wanted or self.headers.get("If-Match") != '"e1"':
            return self.fail(400, "WrongResume")
        self.answer(206, data[size // 2:], {"ETag": '"e1"',
                    "Content-Range": "bytes %d-%d/%d" % (size // 2, size - 1, size)})

    def stall(self, name, body):
        """The first answer sends its headers, then stalls far longer than the client waits."""
        data = pattern(1000)
        if self.count() == 1:
            self.send_response_only(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            time.sleep(30)
            self.close_connection = True
            return
        self.answer(200, data)

    def headers_cut(self, name, body):
        """PUT: the first answer stops inside its headers (the status line and
        one header, then close), as a proxy cut short sends it; then works."""
        if self.command == "GET":
            return self.answer(200, objects.get(self.key_path, b""))
        if self.count() == 1:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nx-amz-request-id: cut\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        objects[self.key_path] = body
        self.answer(200, headers={"ETag": '"stored"'})

    def silent(self, name, body):
        """Reads the request (a PUT's body included) and never answers."""
        time.sleep(30)
        self.close_connection = True

    def trickle(self, name, body):
        """trickle-<n>: n bytes, one every 0.3 s: slow, but never still for long."""
        size = int(name.split("-")[1])
        data = pattern(size)
        self.send_response_only(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for i in range(size):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(0.3)

    def skewed(self, name, body):
        """The server's clock is 2 h ahead; requests dated otherwise are refused."""
        server_now = time.time() + SKEW_SECONDS
        stamp = self.headers.get("X-Amz-Date", "")
        sent = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")) if stamp else 0
        self.count()
        if abs(sent - server_now) > 15 * 60:
            code = "AccessDenied" if name.startswith("skew403") else "RequestTimeTooSkewed"
            return self.fail(403, code, formatdate(server_now, usegmt=True))
        self.answer(200, b"in sync", date=formatdate(server_now, usegmt=True))

    def complete_with_error(self, name, body):
        """CompleteMultipartUpload answers 200 with an <Error> the first time."""
        if self.count() == 1:
            return self.answer(200, error_xml("InternalError"))
        self.answer(200, b"<CompleteMultipartUploadResult><ETag>&quot;x-2&quot;</ETag>"
                         b"</CompleteMultipartUploadResult>")

    def list_repeating(self, prefix):
        """Every page truncated, always with the same token: an endless listing
        unless the client notices. Prefix repeat-token-empty: pages without objects."""
        contents = "" if prefix.startswith("repeat-token-empty") else (
            "<Contents><Key>%sk</Key><Size>1</Size></Contents>" % escape(prefix))
        self.answer(200, ("<ListBucketResult>%s<IsTruncated>true</IsTruncated>"
                          "<NextContinuationToken>SAME</NextContinuationToken></ListBucketResult>"
                          % contents).encode())

    def uploads_repeating(self, prefix):
        """Multipart uploads listed truncated, always with the same markers."""
        self.answer(200, ("<ListMultipartUploadsResult><Upload><Key>%sk</Key><UploadId>u</UploadId></Upload>"
                          "<IsTruncated>true</IsTruncated><NextKeyMarker>%sk</NextKeyMarker>"
                          "<NextUploadIdMarker>u</NextUploadIdMarker></ListMultipartUploadsResult>"
                          % (escape(prefix), escape(prefix))).encode())

    def delete_objects(self, body):
        expected = base64.b64encode(hashlib.md5(body).digest()).decode()
        if self.headers.get("Content-MD5") != expected:
            return self.fail(400, "BadDigest")
        keys = [unescape(k) for k in re.findall(rb"<Key>(.*?)</Key>", body)]
        parts = []
        for key in keys:
            if key.startswith("locked"):
                parts.append("<Error><Key>%s</Key><Code>AccessDenied</Code><Message>locked"
                             "</Message></Error>" % escape(key))
            else:
                parts.append("<Deleted><Key>%s</Key></Deleted>" % escape(key))
        self.answer(200, ("<DeleteResult>%s</DeleteResult>" % "".join(parts)).encode())


def unescape(raw):
    text = raw.decode()
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def escape(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


ROUTES = [
    ("echo", Handler.echo),
    ("flaky-", Handler.flaky),
    ("put-once-failing", Handler.put_once_failing),
    ("cut-", Handler.cut),
    ("stall", Handler.stall),
    ("silent", Handler.silent),
    ("headers-cut", Handler.headers_cut),
    ("trickle-", Handler.trickle),
    ("skew", Handler.skewed),
    ("complete-with-error", Handler.complete_with_error),
]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    parent = os.getppid()

    def watchdog():
        deadline = time.time() + args.max_seconds
        while time.time() < deadline and os.getppid() == parent:
            time.sleep(0.5)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
