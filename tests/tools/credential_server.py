#!/usr/bin/python3
"""Loopback stand-ins for the AWS credential services that cannot exist here,
speaking their documented wire formats, all on one port:

  EC2 instance metadata (IMDS)
    PUT /latest/api/token                         X-aws-ec2-metadata-token-ttl-seconds: 1..21600
                                                  -> the session token (IMDSv2)
    GET /latest/meta-data/iam/security-credentials/         -> the role name
    GET /latest/meta-data/iam/security-credentials/<role>   -> {"Code":"Success", "AccessKeyId", ...}
        with X-aws-ec2-metadata-token: <token>; without it only when --imds v1-allowed or v1-only
  container credentials (ECS, EKS Pod Identity)
    GET /container/<anything>                     Authorization: <--container-token>
                                                  -> {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
  IAM Identity Center (SSO) GetRoleCredentials
    GET /federation/credentials?account_id=..&role_name=..   x-amz-sso_bearer_token: <--sso-token>
                                                  -> {"roleCredentials": {..., "expiration": <ms>}}
  STS AssumeRoleWithWebIdentity (query API, form-encoded POST /)
    WebIdentityToken=<--web-identity-token>       -> AssumeRoleWithWebIdentityResponse XML
                                                  ("expired" as token: ExpiredTokenException)

Credentials handed out: --access-key/--secret-key (a real S3 user's keys) or
made-up ones tagged with the service ("AKIDIMDS0001"...), numbered by fetch;
--mint-sts ENDPOINT instead obtains each set from the real STS AssumeRole at
ENDPOINT (radosgw) with --access-key/--secret-key for --mint-role-arn.
--expires-in S1,S2,... sets each fetch's Expiration that many seconds from
now (the last value repeats; 0: no Expiration). --imds modes: v2 (default),
v1-allowed, v1-only (the token PUT gets 404), no-role (404 for the role),
refuse-token (403 for the token). --hang accepts connections and never
answers. --fail-first N answers the first N credential requests with 500.

The first line on stdout is the port. GET /__stats returns what was asked:
{"requests": [{"method", "path", "headers": {...}, "form": {STS fields but the
token}}...], "served": {service: n}, "issued": [every set handed out]}.
Runs until SIGTERM or --max-seconds.
"""

import argparse
import datetime
import http.server
import json
import os
import secrets
import signal
import socketserver
import sys
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

IMDS_ROLE = "claimcheck-test-role"
LOCK = threading.Lock()
REQUESTS = []
SERVED = {}
ISSUED = []  # every set handed out, secrets included: the tests check none of it is printed
STOP = threading.Event()
RECORDED_HEADERS = ("x-aws-ec2-metadata-token-ttl-seconds", "x-aws-ec2-metadata-token",
                    "authorization", "x-amz-sso_bearer_token", "content-type", "x-forwarded-for")


def rfc3339(seconds_from_now):
    """Whole seconds, rounded up: a set lives at least as long as asked."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    if moment.microsecond:
        moment += datetime.timedelta(microseconds=1_000_000 - moment.microsecond)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Issuer:
    """Hands out numbered credentials, real or made up, with the planned expirations."""

    def __init__(self, args):
        self.args = args
        self.count = 0
        self.sts = None
        if args.mint_sts:
            import botocore.session
            self.sts = botocore.session.get_session().create_client(
                "sts", endpoint_url=args.mint_sts, region_name="us-east-1",
                aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key)

    def next(self, service):
        with LOCK:
            self.count += 1
            number = self.count
            SERVED[service] = SERVED.get(service, 0) + 1
        plan = self.args.expires_in
        lifetime = plan[min(number, len(plan)) - 1]
        credentials = {"Expiration": rfc3339(lifetime) if lifetime > 0 else None}
        if self.sts is not None:
            minted = self.sts.assume_role(RoleArn=self.args.mint_role_arn,
                                          RoleSessionName="credential-server-%d" % number)["Credentials"]
            credentials.update(AccessKeyId=minted["AccessKeyId"], SecretAccessKey=minted["SecretAccessKey"],
                               Token=minted["SessionToken"])
        elif self.args.access_key:
            credentials.update(AccessKeyId=self.args.access_key, SecretAccessKey=self.args.secret_key,
                               Token=self.args.session_token)
        else:
            credentials.update(AccessKeyId="AKID%s%04d" % (service.upper(), number),
                               SecretAccessKey="secret-%s-%s" % (service, secrets.token_hex(12)),
                               Token="token-%s-%s" % (service, secrets.token_hex(24)))
        with LOCK:
            ISSUED.append(dict(credentials))
        return credentials


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def record(self, form=None):
        headers = {name: self.headers[name] for name in RECORDED_HEADERS if self.headers[name] is not None}
        entry = {"method": self.command, "path": self.path, "headers": headers}
        if form is not None:  # STS fields but the token itself
            entry["form"] = {name: values[0] for name, values in form.items() if name != "WebIdentityToken"}
        with LOCK:
            REQUESTS.append(entry)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def failing(self):
        """--fail-first: the first N credential requests get a 500."""
        with LOCK:
            if self.server.failures_left > 0:
                self.server.failures_left -= 1
                return True
        return False

    def handle_one_request(self):
        if self.server.args.hang:
            STOP.wait()  # a server that accepted the connection and never answers
            self.close_connection = True
            return
        super().handle_one_request()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/__stats":
            with LOCK:
                stats = {"requests": list(REQUESTS), "served": dict(SERVED), "issued": list(ISSUED)}
            return self.answer(200, json.dumps(stats))
        self.record()
        if path.path.startswith("/latest/meta-data/iam/security-credentials/"):
            return self.imds_get(path.path[len("/latest/meta-data/iam/security-credentials/"):])
        if path.path.startswith("/container/"):
            return self.container()
        if path.path == "/federation/credentials":
            return self.sso(urllib.parse.parse_qs(path.query))
        self.answer(404, '{"message":"not found"}')

    def do_PUT(self):
        self.record()
        self.body()
        if self.path != "/latest/api/token":
            return self.answer(404, "not found", "text/plain")
        mode = self.server.args.imds
        if mode == "v1-only":
            return self.answer(404, "not found", "text/plain")
        if mode == "refuse-token":
            return self.answer(403, "forbidden", "text/plain")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if self.headers.get("X-Forwarded-For") is not None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.answer(400, "bad request", "text/plain")
        token = "imds-token-" + secrets.token_hex(16)
        with LOCK:
            self.server.imds_tokens.add(token)
        self.answer(200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def do_POST(self):
        form = urllib.parse.parse_qs(self.body().decode())
        self.record(form)
        if self.path != "/" or form.get("Action") != ["AssumeRoleWithWebIdentity"]:
            return self.sts_error(400, "InvalidAction", "only AssumeRoleWithWebIdentity is served here")
        if self.headers.get("Authorization") is not None:
            return self.sts_error(400, "InvalidRequest", "AssumeRoleWithWebIdentity is not signed")
        token = (form.get("WebIdentityToken") or [""])[0]
        if token == "expired":
            return self.sts_error(400, "ExpiredTokenException", "Token expired: current date/time is after exp")
        if token == "skewed":  # as radosgw refuses: a code and an empty Message
            return self.sts_error(403, "RequestTimeTooSkewed", "")
        if token == "bad-argument":  # radosgw's answer to an argument it refuses
            return self.sts_error(400, "InvalidArgument", "")
        if token != self.server.args.web_identity_token:
            return self.sts_error(400, "InvalidIdentityToken", "The token could not be validated")
        if not form.get("RoleArn") or not form.get("RoleSessionName"):
            return self.sts_error(400, "ValidationError", "RoleArn and RoleSessionName are required")
        if self.failing():
            return self.sts_error(500, "InternalFailure", "failing as asked")
        issued = self.server.issuer.next("sts")
        elements = "".join("<%s>%s</%s>" % (name, escape(issued[key]), name)
                           for name, key in (("AccessKeyId", "AccessKeyId"),
                                             ("SecretAccessKey", "SecretAccessKey"),
                                             ("SessionToken", "Token"), ("Expiration", "Expiration"))
                           if issued.get(key))
        body = ('<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                "<AssumeRoleWithWebIdentityResult><Credentials>%s</Credentials>"
                "<SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>"
                "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-1</RequestId>"
                "</ResponseMetadata></AssumeRoleWithWebIdentityResponse>" % elements)
        self.answer(200, body, "text/xml")

    def sts_error(self, status, code, message):
        body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
                "<Code>%s</Code><Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
                % (code, escape(message)))
        self.answer(status, body, "text/xml")

    def imds_get(self, role):
        mode = self.server.args.imds
        token = self.headers.get("X-aws-ec2-metadata-token")
        with LOCK:
            token_ok = token in self.server.imds_tokens
        if not token_ok and not (token is None and mode in ("v1-allowed", "v1-only")):
            return self.answer(401, "unauthorized", "text/plain")
        if mode == "no-role":
            return self.answer(404, "not found", "text/plain")
        if role == "":
            return self.answer(200, IMDS_ROLE, "text/plain")
        if role != IMDS_ROLE:
            return self.answer(404, "not found", "text/plain")
        if self.failing():
            return self.answer(500, "failing as asked", "text/plain")
        issued = self.server.issuer.next("imds")
        body = {"Code": "Success", "LastUpdated": rfc3339(0), "Type": "AWS-HMAC",
                "AccessKeyId": issued["AccessKeyId"], "SecretAccessKey": issued["SecretAccessKey"],
                "Token": issued["Token"], "Expiration": issued["Expiration"] or rfc3339(6 * 3600)}
        self.answer(200, json.dumps(body))

    def container(self):
        expected = self.server.args.container_token
        if expected and self.headers.get("Authorization") != expected:
            return self.answer(401, json.dumps({"code": "AccessDeniedException",
                                                "message": "authorization token refused"}))
        if self.failing():
            return self.answer(500, json.dumps({"code": "InternalServerError", "message": "failing"}))
        issued = self.server.issuer.next("container")
        body = {key: issued[key] for key in ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
                if issued.get(key)}
        body["RoleArn"] = "arn:aws:iam::123456789012:role/claimcheck-test"
        self.answer(200, json.dumps(body))

    def sso(self, query):
        if self.headers.get("x-amz-sso_bearer_token") != self.server.args.sso_token:
            return self.answer(401, json.dumps({"message": "Session token not found or invalid"}),
                               headers={"x-amzn-ErrorType": "UnauthorizedException:http://internal"})
        if not query.get("account_id") or not query.get("role_name"):
            return self.answer(400, json.dumps({"message": "account_id and role_name are required"}),
                               headers={"x-amzn-ErrorType": "InvalidRequestException"})
        if query.get("role_name") == ["NotYours"]:  # the token is good, the role is not the user's
            return self.answer(403, json.dumps({"message": "No access to role",
                                                "__type": "com.amazonaws.switchboard.portal#ForbiddenException"}))
        if self.failing():
            return self.answer(500, json.dumps({"message": "failing"}))
        issued = self.server.issuer.next("sso")
        expiration = issued["Expiration"]
        milliseconds = None
        if expiration:
            moment = datetime.datetime.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ")
            milliseconds = int(moment.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
        role = {"accessKeyId": issued["AccessKeyId"], "secretAccessKey": issued["SecretAccessKey"],
                "sessionToken": issued["Token"], "expiration": milliseconds}
        self.answer(200, json.dumps({"roleCredentials": role}))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--access-key")
    parser.add_argument("--secret-key")
    parser.add_argument("--session-token")
    parser.add_argument("--mint-sts", help="real STS endpoint to obtain each set from")
    parser.add_argument("--mint-role-arn")
    parser.add_argument("--expires-in", default="3600",
                        type=lambda text: [int(part) for part in text.split(",")])
    parser.add_argument("--container-token", default="")
    parser.add_argument("--sso-token", default="sso-access-token")
    parser.add_argument("--web-identity-token", default="web-identity-token")
    parser.add_argument("--imds", default="v2", choices=("v2", "v1-allowed", "v1-only", "no-role",
                                                         "refuse-token"))
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.args = args
    server.issuer = Issuer(args)
    server.imds_tokens = set()
    server.failures_left = args.fail_first
    print(server.server_address[1], flush=True)

    def stop(*_):
        STOP.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.max_seconds, stop)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
