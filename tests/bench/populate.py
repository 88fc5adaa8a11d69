#!/usr/bin/python3
"""Fills a bucket with many small objects for the gc/stats benchmark, using
botocore's signer (not claimcheck's code) over keep-alive connections.

Keys follow claimcheck's layout `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>` where
the date is the expiry: the first `--expired` keys expire in the past, the
rest in the future.
Usage: populate.py --endpoint URL --bucket B --prefix P --count N --expired M
Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""
import argparse
import datetime
import http.client
import os
import queue
import threading
import urllib.parse
import uuid

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def key_for(prefix, expires):
    return f"{prefix}{expires:%Y-%m-%d}/{expires:%H%M%S}Z-{uuid.uuid4()}"


def worker(args, creds, jobs, errors):
    url = urllib.parse.urlsplit(args.endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    body = b"x" * args.size
    while True:
        key = jobs.get()
        if key is None:
            return
        path = "/" + args.bucket + "/" + urllib.parse.quote(key, safe="/~")
        req = AWSRequest(method="PUT", url=args.endpoint + path, data=body,
                         headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
        S3SigV4Auth(creds, "s3", args.region).add_auth(req)
        conn.request("PUT", path, body=body, headers=dict(req.headers.items()))
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            errors.append(f"{key}: HTTP {resp.status}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--bucket", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--expired", type=int, required=True)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--threads", type=int, default=16)
    args = p.parse_args()

    # Read here, not in the workers: a worker that dies leaves main blocked on a full queue.
    if "AWS_ACCESS_KEY_ID" not in os.environ or "AWS_SECRET_ACCESS_KEY" not in os.environ:
        raise SystemExit("populate.py: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    jobs, errors = queue.Queue(maxsize=4096), []
    threads = [threading.Thread(target=worker, args=(args, creds, jobs, errors)) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for i in range(args.count):
        if i < args.expired:
            expires = now - datetime.timedelta(days=1 + i % 60, seconds=i % 86400)
        else:
            expires = now + datetime.timedelta(days=1 + i % 60, seconds=i % 86400)
        jobs.put(key_for(args.prefix, expires))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    if errors:
        print(f"{len(errors)} PUTs failed, first: {errors[0]}")
        raise SystemExit(1)
    print(f"populated {args.count} objects ({args.expired} expired) under {args.prefix}")


if __name__ == "__main__":
    main()
