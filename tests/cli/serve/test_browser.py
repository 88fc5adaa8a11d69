#!/usr/bin/python3
"""A real browser: headless Chromium (Debian's) loads a page from an allowed
origin on loopback that makes exactly the Temporal Web UI's calls to
`claimcheck serve` over https with a test CA (preflight, Content-Type,
X-Namespace, Authorization, Authorization-Extras): the small payload arrives
decoded, the large one as a stored-externally reference that /download
returns in full. Then a page from an origin that is not allowed makes the
same call, and the browser itself blocks it.
Skips (77) where chromium or certutil is missing, unless
CLAIMCHECK_TEST_REQUIRE_BROWSER=1 (CI installs both).
Usage: test_browser.py <claimcheck binary>"""
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.parse

import servetest
from servetest import ServeTestCase, b64, payload, run_suite

HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = shutil.which("chromium")
CERTUTIL = shutil.which("certutil")


class PageServer:
    """Serves the check page on its own loopback origin and collects the
    result the page posts back."""

    def __init__(self):
        self.results = []
        self.arrived = threading.Condition()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(os.path.join(HERE, "browser_page.html"), "rb") as f:
                    page = f.read()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(204)
                self.end_headers()
                with owner.arrived:
                    owner.results.append(json.loads(body))
                    owner.arrived.notify_all()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_result(self, timeout=90):
        with self.arrived:
            if not self.arrived.wait_for(lambda: self.results, timeout):
                raise AssertionError("the page at %s reported nothing" % self.origin)
            return self.results[0]

    def close(self):
        self.httpd.shutdown()


class Browser(ServeTestCase):

    def trust_ca(self, ca):
        """Chromium on Linux reads user-added roots from ~/.pki/nssdb."""
        nssdb = os.path.join(self.env["HOME"], ".pki", "nssdb")
        os.makedirs(nssdb)
        subprocess.run([CERTUTIL, "-N", "-d", "sql:" + nssdb, "--empty-password"], check=True)
        subprocess.run([CERTUTIL, "-A", "-d", "sql:" + nssdb, "-n", "claimcheck test CA", "-t", "C,,",
                        "-i", ca], check=True)

    def test_the_web_ui_calls_from_a_real_browser(self):
        ca, cert, key = self.make_tls()
        self.trust_ca(ca)
        with open(self.path("token"), "w") as f:
            f.write("browser-token\n")
        big = json.dumps({"messages": ["message %d" % i for i in range(40_000)]}).encode()
        small = b'{"hello":"world"}'
        payloads = [payload("json/plain", self.offload(big)), payload("json/plain", self.offload(small))]
        allowed, other = PageServer(), PageServer()
        try:
            server = self.serve("--tls-cert", cert, "--tls-key", key, "--token-file", self.path("token"),
                                "--allow-origin", allowed.origin)
            endpoint = "https://localhost:%d" % server.port
            query = lambda extra: urllib.parse.urlencode(dict(
                endpoint=endpoint, token="browser-token", expected=json.dumps({"payloads": payloads}), **extra))
            blocked_url = other.origin + "/page?" + query({})
            start_url = allowed.origin + "/page?" + query({"next": blocked_url})
            browser = subprocess.Popen(
                [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-dev-shm-usage", "--user-data-dir=" + self.path("chromium"), start_url],
                env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                seen = allowed.wait_result()
                refused = other.wait_result()
            finally:
                os.killpg(browser.pid, signal.SIGKILL)
                browser.wait()
        finally:
            allowed.close()
            other.close()

        self.assertNotIn("error", seen, seen)
        self.assertEqual(seen["small"], small.decode())
        self.assertEqual(seen["smallEncoding"], "json/plain")
        self.assertEqual(seen["bigMessageType"], "temporal.api.sdk.v1.ExternalStorageReference")
        self.assertEqual(seen["bigSizeBytes"], str(len(big)))
        self.assertEqual(seen["downloadedSha256"], hashlib.sha256(big).hexdigest())
        self.assertEqual(seen["downloadedEncoding"], "json/plain")
        # the browser blocked the other origin: fetch failed, and no POST from it reached a route
        self.assertEqual(refused.get("error"), "TypeError: Failed to fetch", refused)
        self.assertEqual(server.stop(), 0)
        lines = server.request_lines()
        preflights = [line for line in lines if "route=preflight" in line]
        self.assertIn("status=204", preflights[0])
        self.assertIn("status=403", preflights[-1])  # the other origin's preflight
        posts = [line for line in lines if "route=decode" in line or "route=download" in line]
        self.assertEqual(len(posts), 2, lines)
        self.assertTrue(all("status=200" in line for line in posts), lines)
        self.assertNotIn("browser-token", "\n".join(server.lines))


if __name__ == "__main__":
    if not (CHROMIUM and CERTUTIL):
        if os.environ.get("CLAIMCHECK_TEST_REQUIRE_BROWSER") == "1":
            print("chromium or certutil missing")
            sys.exit(1)
        print("skipped: chromium or certutil (libnss3-tools) not installed")
        sys.exit(77)
    servetest.BINARY = sys.argv[1]
    sys.exit(run_suite(Browser))
