#!/usr/bin/python3
"""Differential test: claimcheck's SigV4 signer against botocore.

Generates random S3 requests with a fixed seed, signs all of them with the C++
sign_tool (one process, JSON Lines) and each with botocore's S3SigV4Auth
(Authorization header) and S3SigV4QueryAuth (presigned URL) at the same fixed
time, and compares canonical request, string to sign, signature and the
resulting header or query. Prints the number compared and every mismatch;
exits non-zero on any mismatch, or when botocore cannot be imported.

Fairness: the C++ tool gets the raw key and parameters; botocore gets a URL
that is already correctly encoded (its S3 signers use the URL path as is and,
in header mode, the URL query as is), so neither encodes twice.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import random
import subprocess
import sys
from unittest import mock
from urllib.parse import quote, urlsplit

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError as error:  # a missing botocore is a failure, not a skip
    sys.exit(f"botocore_diff: cannot import botocore ({error}); "
             "install python3-botocore and run with /usr/bin/python3")

METHODS = ["GET", "PUT", "HEAD", "DELETE", "POST"]
# (scheme, host as signed, region): AWS, path and virtual-hosted, radosgw, R2.
ENDPOINTS = [
    ("https", "s3.amazonaws.com", "us-east-1"),
    ("https", "examplebucket.s3.eu-west-1.amazonaws.com", "eu-west-1"),
    ("http", "127.0.0.1:7480", "us-east-1"),
    ("http", "localhost:9000", "default"),
    ("https", "0123abcd.r2.cloudflarestorage.com", "auto"),
]
# Key material: S3-legal characters that need care when encoding.
KEY_PIECES = (list("abcXYZ019-_.~") + [" ", "  ", "+", "=", "&", "?", "#", "%", "!", "*",
              "'", "(", ")", "$", ",", ";", ":", "@", "[", "]", "{", "}", "^", "`", "|",
              "\\", "\"", "<", ">", "/", "//", ".", "..", "./", "../", "%20", "%2F",
              "é", "ü", "ሴ", "日本", "😀", "\u00a0", "\t"])
QUERY_NAMES = ["prefix", "delimiter", "list-type", "uploadId", "partNumber", "versionId",
               "delete", "max-keys", "continuation-token", "uploads", "encoding-type",
               "response-content-type", "x-id", "tag ging", "ä"]
HEADER_NAMES = ["Content-Type", "Content-MD5", "Content-Length", "Range", "If-None-Match",
                "If-Match", "Cache-Control", "Content-Encoding", "x-amz-storage-class",
                "x-amz-meta-claimcheck-sha256", "X-Amz-Meta-Size", "x-amz-copy-source",
                "x-amz-metadata-directive", "x-amz-checksum-crc32"]
HEADER_NAME_CHARS = "abcXYZ019!#$%&'*+-.^_`|~"
HEADER_VALUE_CHARS = "abcXYZ019 -_.~/:;,=+\"'()!*&?#%@<>[]{}\\|^`$\t"
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def random_text(rng, alphabet, low, high):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def random_key(rng):
    return "".join(rng.choice(KEY_PIECES) for _ in range(rng.randint(0, 12)))


def random_path(rng, host):
    key = random_key(rng)
    if host.startswith("examplebucket.") and rng.random() < 0.8:
        return "/" + key  # virtual-hosted: the bucket is in the host
    bucket = rng.choice(["bucket", "claimcheck-test", "b.1"])
    return f"/{bucket}" if rng.random() < 0.05 else f"/{bucket}/{key}"


def random_query(rng):
    query = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6])):
        if query and rng.random() < 0.2:
            name = rng.choice(query)[0]  # a repeated parameter
        elif rng.random() < 0.7:
            name = rng.choice(QUERY_NAMES)
        else:
            name = random_key(rng) or "n"
        value = "" if rng.random() < 0.25 else random_key(rng)
        query.append([name, value])
    return query


def random_header_value(rng):
    value = random_text(rng, HEADER_VALUE_CHARS, 0, 20)
    if rng.random() < 0.4:
        value = " " * rng.randint(1, 3) + value.replace(" ", "    ") + " " * rng.randint(0, 3)
    return value


def random_headers(rng):
    headers = []
    for _ in range(rng.choice([0, 1, 2, 3, 5])):
        if headers and rng.random() < 0.15:
            name = rng.choice(headers)[0]  # a repeated header
        elif rng.random() < 0.8:
            name = rng.choice(HEADER_NAMES)
            name = "".join(c.upper() if rng.random() < 0.3 else c for c in name)
        else:  # any RFC 9110 token character is legal in a name
            name = "x-amz-meta-" + random_text(rng, HEADER_NAME_CHARS, 1, 12)
        headers.append([name, random_header_value(rng)])
    return headers


def random_request(rng, index):
    scheme, host, region = rng.choice(ENDPOINTS)
    seconds = rng.randint(946684800, 2082758399)  # 2000 .. 2035
    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
    return {
        "id": index,
        "scheme": scheme,
        "method": rng.choice(METHODS),
        "host": host,
        "path": random_path(rng, host),
        "query": random_query(rng),
        "headers": random_headers(rng),
        "body": body.hex(),
        "unsigned_payload": rng.random() < 0.5,
        "access_key": "AKIA" + random_text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
        "secret_key": random_text(rng, TOKEN_CHARS, 40, 40),
        "token": random_text(rng, TOKEN_CHARS, 20, 300) if rng.random() < 0.5 else "",
        "region": region,
        "service": "s3",
        "time": datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
                .strftime("%Y%m%dT%H%M%SZ"),
        "expires": rng.choice([1, 60, 3600, 86400, 604800, rng.randint(1, 604800)]),
    }


def unique_names(query):
    """botocore's presigner keeps one value per name (parse_qs + dict)."""
    seen, unique = set(), []
    for name, value in query:
        if name not in seen:
            seen.add(name)
            unique.append([name, value])
    return unique


def encode(text):
    return quote(text.encode("utf-8"), safe="-_.~")


def tool_input(request, mode):
    body = bytes.fromhex(request["body"])
    query = request["query"] if mode == "header" else unique_names(request["query"])
    if mode == "query" or request["unsigned_payload"]:
        payload_hash = "UNSIGNED-PAYLOAD"
    else:
        payload_hash = hashlib.sha256(body).hexdigest()
    fields = {k: request[k] for k in ("id", "method", "host", "path", "headers", "access_key",
                                      "secret_key", "token", "region", "service", "time",
                                      "expires")}
    return dict(fields, mode=mode, query=query, payload_hash=payload_hash)


class Recording:
    """Mixin keeping botocore's intermediate stages for comparison."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign


class RecordingHeaderAuth(Recording, botocore.auth.S3SigV4Auth):
    pass


class RecordingQueryAuth(Recording, botocore.auth.S3SigV4QueryAuth):
    pass


def botocore_request(request, mode):
    query = request["query"] if mode == "header" else unique_names(request["query"])
    url = f"{request['scheme']}://{request['host']}{quote(request['path'].encode('utf-8'), safe='/~')}"
    if query:
        url += "?" + "&".join(f"{encode(n)}={encode(v)}" for n, v in query)
    # A presigned URL carries no body (botocore would move one into the query).
    body = bytes.fromhex(request["body"]) if mode == "header" else b""
    aws_request = AWSRequest(method=request["method"], url=url, data=body)
    for name, value in request["headers"]:
        aws_request.headers[name] = value  # HTTPHeaders appends repeated names
    aws_request.context["client_config"] = Config(
        s3={"payload_signing_enabled": not request["unsigned_payload"]})
    return aws_request


@contextlib.contextmanager
def fixed_clock():
    """Yields a dict whose "now" botocore's signers read as the current time.

    Newer botocore reads get_current_datetime(); older calls
    datetime.datetime.utcnow() on its module import.
    """
    clock = {}
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch.object(botocore.auth, "get_current_datetime",
                               lambda *args, **kwargs: clock["now"]):
            yield clock
    else:
        with mock.patch.object(botocore.auth, "datetime") as module:
            module.datetime.utcnow.side_effect = lambda: clock["now"]
            yield clock


def botocore_sign(request, mode, clock):
    credentials = Credentials(request["access_key"], request["secret_key"],
                              request["token"] or None)
    if mode == "header":
        auth = RecordingHeaderAuth(credentials, request["service"], request["region"])
    else:
        auth = RecordingQueryAuth(credentials, request["service"], request["region"],
                                  expires=request["expires"])
    aws_request = botocore_request(request, mode)
    clock["now"] = datetime.datetime.strptime(request["time"], "%Y%m%dT%H%M%SZ")
    auth.add_auth(aws_request)
    if aws_request.context["timestamp"] != request["time"]:
        sys.exit("botocore_diff: could not fix botocore's signing time")
    return auth, aws_request


def differences(request, mode, ours, auth, aws_request):
    if "error" in ours:
        return [f"sign_tool error: {ours['error']}"]
    found = []
    if ours["canonical_request"] != auth.recorded_canonical_request:
        found.append("canonical request")
    if ours["string_to_sign"] != auth.recorded_string_to_sign:
        found.append("string to sign")
    if mode == "header":
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if ours["headers"].get(name) != aws_request.headers.get(name):
                found.append(f"header {name}")
        if ours["headers"].get("x-amz-content-sha256") != aws_request.headers.get(
                "X-Amz-Content-SHA256"):
            found.append("header x-amz-content-sha256")
    else:
        theirs = sorted(urlsplit(aws_request.url).query.split("&"))
        if sorted(ours["query_string"].split("&")) != theirs:
            found.append("presigned query")
        if not aws_request.url.endswith("&X-Amz-Signature=" + ours["signature"]):
            found.append("signature")
    return found


def run_tool(tool, inputs):
    text = "".join(json.dumps(item) + "\n" for item in inputs)
    completed = subprocess.run([tool], input=text.encode("utf-8"), capture_output=True,
                               check=False)
    if completed.returncode != 0:
        sys.exit(f"botocore_diff: {tool} exited with {completed.returncode}: "
                 f"{completed.stderr.decode('utf-8', 'replace')}")
    outputs = [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]
    if len(outputs) != len(inputs):
        sys.exit(f"botocore_diff: sign_tool answered {len(outputs)} of {len(inputs)} requests")
    return outputs


def report(request, mode, ours, auth, problems):
    print(f"MISMATCH request {request['id']} ({mode} mode): {', '.join(problems)}")
    print("  request:", json.dumps(request, ensure_ascii=False))
    print("  ours canonical request:\n" + ours.get("canonical_request", ""))
    print("  botocore canonical request:\n" + getattr(auth, "recorded_canonical_request", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="path to the sigv4 sign_tool")
    parser.add_argument("--count", type=int, default=5000, help="random requests to generate")
    parser.add_argument("--seed", type=int, default=20260529)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    requests = [random_request(rng, index) for index in range(args.count)]
    jobs = [(request, mode) for request in requests for mode in ("header", "query")]
    outputs = run_tool(args.tool, [tool_input(request, mode) for request, mode in jobs])

    mismatches = 0
    with fixed_clock() as clock:
        for (request, mode), ours in zip(jobs, outputs):
            auth, aws_request = botocore_sign(request, mode, clock)
            problems = differences(request, mode, ours, auth, aws_request)
            if problems:
                mismatches += 1
                report(request, mode, ours, auth, problems)
    print(f"botocore {botocore.__version__}: compared {len(requests)} random requests, "
          f"{len(jobs)} signatures ({len(requests)} header, {len(requests)} presigned): "
          f"{mismatches} mismatches")
    return 1 if mismatches or not requests else 0


if __name__ == "__main__":
    sys.exit(main())
