#!/usr/bin/python3
"""A minimal OpenID Connect issuer on loopback, for radosgw's real STS
AssumeRoleWithWebIdentity (how EKS IRSA works): radosgw fetches the issuer's
signing certificate from <issuer>/protocol/openid-connect/certs (the JWKS with
an x5c chain, Keycloak's path, which radosgw 16.2 asks for) and checks the
token's RS256 signature, expiry and audience against it.

The key and a self-signed certificate are made with the openssl command at
start; tokens are JSON Web Tokens signed with `openssl dgst -sha256 -sign`.

usage: oidc_issuer.py [--max-seconds N]
The first line on stdout is the port. Then:
  GET /__info                       {"issuer": URL, "thumbprint": SHA-1 of the certificate (hex)}
  GET /__token?sub=S&aud=A&ttl=T    a token for S and A, expiring T seconds from now (negative: expired)
  GET /protocol/openid-connect/certs  the JWKS; the number of such requests is in /__info as "certs_served"
Runs until SIGTERM or --max-seconds.
"""
import argparse
import base64
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

STATE = {"certs_served": 0}
LOCK = threading.Lock()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    def __init__(self, folder):
        self.key = os.path.join(folder, "key.pem")
        cert = os.path.join(folder, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key,
                        "-out", cert, "-days", "2", "-subj", "/CN=claimcheck test issuer"],
                       check=True, capture_output=True)
        self.der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True,
                                  capture_output=True).stdout
        fingerprint = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha1"],
                                     check=True, capture_output=True, text=True).stdout
        self.thumbprint = fingerprint.strip().split("=", 1)[1].replace(":", "").lower()
        self.url = None

    def jwks(self):
        return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "claimcheck-test",
                          "x5c": [base64.b64encode(self.der).decode()]}]}

    def token(self, sub, aud, ttl):
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": "claimcheck-test"}
        claims = {"iss": self.url, "sub": sub, "aud": aud, "iat": now - 5, "exp": now + ttl}
        signing_input = "{}.{}".format(b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()))
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input.encode(),
                                   check=True, capture_output=True).stdout
        return signing_input + "." + b64url(signature)


class Handler(http.server.BaseHTTPRequestHandler):
    issuer = None

    def log_message(self, *args):
        pass

    def answer(self, code, body, content_type="application/json"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            return self.answer(200, json.dumps({"issuer": self.issuer.url,
                                                "jwks_uri": self.issuer.url + "/protocol/openid-connect/certs"}))
        if url.path == "/protocol/openid-connect/certs":
            with LOCK:
                STATE["certs_served"] += 1
            return self.answer(200, json.dumps(self.issuer.jwks()))
        if url.path == "/__info":
            with LOCK:
                info = dict(STATE, issuer=self.issuer.url, thumbprint=self.issuer.thumbprint)
            return self.answer(200, json.dumps(info))
        if url.path == "/__token":
            token = self.issuer.token(query.get("sub", "system:serviceaccount:default:claimcheck"),
                                      query.get("aud", "sts.amazonaws.com"), int(query.get("ttl", "3600")))
            return self.answer(200, token, "text/plain")
        with LOCK:
            STATE.setdefault("not_found", []).append(url.path)
        self.answer(404, json.dumps({"error": "not found"}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oidc-issuer-") as folder:
        Handler.issuer = Issuer(folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        port = server.server_address[1]
        Handler.issuer.url = "http://127.0.0.1:{}".format(port)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
        threading.Timer(args.max_seconds, server.shutdown).start()
        print(port, flush=True)
        server.serve_forever()
    os._exit(0)  # the --max-seconds timer thread need not be waited for


if __name__ == "__main__":
    sys.exit(main())
