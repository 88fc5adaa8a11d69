"""Shared by the credential-chain tests: the built claimcheck in a private HOME
with an S3 store, the loopback stand-ins of tests/tools/credential_server.py
(IMDS, container agent, SSO), the OpenID Connect issuer whose tokens
radosgw's real STS accepts for AssumeRoleWithWebIdentity, the fault proxy, profiles
written into ~/.aws, and the checks every provider's output must pass (one
error line, no secret)."""
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
from claimcheck_test import (S3, Result, is_sanitized, run_suite, s3_client, s3_configured, sealed_env,  # noqa: F401
                             skip_without_s3, with_faketime)

TOOLS = os.path.join(HERE, "..", "..", "tools")
PYTHON = "/usr/bin/python3"
BINARY = None  # set by each test script from argv[1]
STS_ENDPOINT = os.environ.get("CLAIMCHECK_TEST_S3_STS_ENDPOINT")
ROLE_ARN = os.environ.get("CLAIMCHECK_TEST_S3_ROLE_ARN")
DENIED_ROLE_ARN = os.environ.get("CLAIMCHECK_TEST_S3_DENIED_ROLE_ARN")
AUDIENCE = "sts.amazonaws.com"  # what EKS puts in service account tokens
# A full signature (64 hex digits) after Signature= or X-Amz-Signature=.
SIGNATURE = re.compile(r"Signature=[0-9a-f]{64}")


class ScriptServer:
    """A tests/tools script that prints its port first; stopped with SIGTERM."""

    def __init__(self, script, *args):
        self.proc = subprocess.Popen([PYTHON, os.path.join(TOOLS, script), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError("{} did not print its port".format(script))
        self.url = "http://127.0.0.1:{}".format(int(line))

    def get_json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as answer:
            return json.load(answer)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


class CredentialServer(ScriptServer):
    def __init__(self, *args):
        super().__init__("credential_server.py", "--max-seconds", "600", *args)

    def stats(self):
        return self.get_json("/__stats")

    def requests(self):
        return self.stats()["requests"]

    def served(self, service):
        return self.stats()["served"].get(service, 0)


class FaultProxy(ScriptServer):
    def __init__(self, upstream, *args):
        super().__init__("fault_proxy.py", "--upstream", upstream, "--max-seconds", "600", *args)

    def stats(self):
        return self.get_json("/__proxy_stats")


class OidcIssuer(ScriptServer):
    """tests/tools/oidc_issuer.py: signs web identity tokens that radosgw's
    real STS checks against its certificate."""

    def __init__(self):
        super().__init__("oidc_issuer.py", "--max-seconds", "600")

    def info(self):
        return self.get_json("/__info")

    def token(self, ttl=3600, audience=AUDIENCE):
        query = urllib.parse.urlencode({"ttl": ttl, "aud": audience})
        with urllib.request.urlopen("{}/__token?{}".format(self.url, query), timeout=30) as answer:
            return answer.read().decode()


def iam():
    """radosgw's IAM API, as the test user (it has the roles and oidc-provider caps)."""
    import botocore.session  # only the tests with radosgw need it
    return botocore.session.get_session().create_client(
        "iam", endpoint_url=STS_ENDPOINT, region_name="us-east-1",
        aws_access_key_id=S3["ACCESS_KEY"], aws_secret_access_key=S3["SECRET_KEY"])


def compact_json(document):
    """radosgw 16.2 refuses policy documents with blanks after ':' and ','."""
    return json.dumps(document, separators=(",", ":"))


def make_role(principal, action):
    """A new role whose trust policy lets `principal` ({"AWS": [...]} or
    {"Federated": [...]}) call `action`, allowed every S3 action; its ARN."""
    client = iam()
    name = "claimcheck-" + os.urandom(4).hex()
    trust = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Principal": principal, "Action": [action]}]}
    role = client.create_role(RoleName=name, Path="/", AssumeRolePolicyDocument=compact_json(trust))
    client.put_role_policy(RoleName=name, PolicyName="all-s3", PolicyDocument=compact_json({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::*"}}))
    return role["Role"]["Arn"]


def trust_web_identity(issuer):
    """Registers `issuer` with radosgw as an OpenID Connect provider (IAM
    CreateOpenIDConnectProvider, audience AUDIENCE) and makes a role its tokens
    may assume; returns the role's ARN."""
    provider = iam().create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                                     ThumbprintList=[issuer.info()["thumbprint"]])
    return make_role({"Federated": [provider["OpenIDConnectProviderArn"]]}, "sts:AssumeRoleWithWebIdentity")


class CredentialTestCase(unittest.TestCase):
    """A fresh HOME per test, an S3 store on the test bucket with no
    credentials of its own, and instance metadata pointed at a closed port
    unless a test says otherwise (a test never reaches a real IMDS)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cc-creds-")
        self.env = sealed_env(self.tmp)
        self.home = self.env["HOME"]
        self.env.update({
            "CLAIMCHECK_STORE": "s3://{}/".format(S3["BUCKET"] or "bucket"),
            "CLAIMCHECK_PREFIX": "claimcheck-creds/{}/".format(os.urandom(6).hex()),
            "AWS_ENDPOINT_URL_S3": S3["ENDPOINT"] or "http://127.0.0.1:1",
            "AWS_REGION": S3["REGION"] or "us-east-1",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1",
        })
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server(self, *args):
        server = CredentialServer(*args)
        self.servers.append(server)
        return server

    def proxy(self, upstream, *args):
        proxy = FaultProxy(upstream, *args)
        self.servers.append(proxy)
        return proxy

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data, mode=None):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        if mode is not None:
            os.chmod(path, mode)
        return path

    def aws_file(self, name, text):
        return self.write(os.path.join("home", ".aws", name), text)

    def run_cc(self, *args, stdin=b"", env=None, timeout=600):
        proc = subprocess.run([BINARY, *args], input=stdin, capture_output=True,
                              env=env or self.env, timeout=timeout)
        return Result(proc, text=True)

    def skewed_roundtrip(self, shift, payload, lifetime, env=None):
        """offload (-vv) then retrieve with claimcheck's clock moved by `shift` (faketime, "+2h"; the
        servers keep the real time). The credentials must be valid for `lifetime` (a timedelta,
        to the minute) from claimcheck's own now, the reference's stored_at. Returns the offload."""
        def run(*args, stdin):
            argv, skewed_env = with_faketime(shift, [BINARY, *args], env or self.env)
            return Result(subprocess.run(argv, input=stdin, capture_output=True, env=skewed_env, timeout=600),
                          text=True)

        offload = run("-vv", "offload", "--force", stdin=payload)
        self.assertEqual(offload.code, 0, offload.err)
        found = re.search(r"valid until (\S+)Z", offload.err)
        self.assertIsNotNone(found, offload.err)
        stored_at = offload.json()["stored_at"].rstrip("Z")
        valid = datetime.datetime.fromisoformat(found.group(1)) - datetime.datetime.fromisoformat(stored_at)
        self.assertLessEqual(abs(valid - lifetime), datetime.timedelta(minutes=1), (stored_at, found.group(1)))
        retrieve = run("retrieve", stdin=offload.out.encode())
        self.assertEqual(retrieve.code, 0, retrieve.err)
        self.assertEqual(retrieve.out.encode(), payload)
        return offload

    def roundtrip(self, payload=b"credential chain payload " * 4096, *flags):
        """offload then retrieve with -v; returns the offload's result."""
        offload = self.run_cc("-v", "offload", "--force", *flags, stdin=payload)
        self.assertEqual(offload.code, 0, offload.err)
        retrieve = self.run_cc("retrieve", stdin=offload.out.encode())
        self.assertEqual(retrieve.code, 0, retrieve.err)
        self.assertEqual(retrieve.out.encode(), payload)
        return offload

    def credentials_origin(self, result):
        """What -v says the credentials came from."""
        for line in result.err_lines():
            if line.startswith("claimcheck: config credentials ("):
                return line[len("claimcheck: config credentials ("):-1]
        self.fail("-v printed no credentials line:\n" + result.err)

    def one_error_line(self, result, code, *fragments):
        """Exit `code` and exactly one line on stderr, holding each fragment."""
        lines = result.err_lines()
        self.assertEqual(result.code, code, result.err)
        self.assertEqual(len(lines), 1, result.err)
        self.assertTrue(lines[0].startswith("claimcheck: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        return lines[0]

    def assert_no_secret(self, result, *secrets):
        text = result.out + "\n" + result.err
        for secret in secrets:
            if secret:
                self.assertNotIn(secret, text)
        self.assertIsNone(SIGNATURE.search(text), "a full signature was printed")
