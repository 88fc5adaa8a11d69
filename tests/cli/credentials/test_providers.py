#!/usr/bin/python3
"""Every provider of the credential chain, end to end: claimcheck offloads to
and retrieves from radosgw with the credentials each one supplies, and -v
names the provider. The loopback stand-ins (tests/tools/credential_server.py)
for instance metadata, the container agent and SSO hand out the radosgw test
user's keys; credential_process is a script; STS AssumeRole (test_sts.py) and
AssumeRoleWithWebIdentity (test_web_identity.py) are radosgw's own.

usage: test_providers.py CLAIMCHECK_EXE
"""
import hashlib
import os
import sys
from datetime import timedelta

import credtest
from credtest import S3, CredentialTestCase, run_suite, skip_without_s3


class Providers(CredentialTestCase):
    def keys_server(self, *args):
        """A stand-in handing out the test user's keys."""
        return self.server("--access-key", S3["ACCESS_KEY"], "--secret-key", S3["SECRET_KEY"], *args)

    def test_static_keys_in_the_environment_never_touch_instance_metadata(self):
        imds = self.keys_server()
        self.env.update({"AWS_ACCESS_KEY_ID": S3["ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY": S3["SECRET_KEY"],
                         "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url})
        self.assertEqual(self.credentials_origin(self.roundtrip()), "env AWS_ACCESS_KEY_ID")
        self.assertEqual(imds.requests(), [])

    def test_instance_metadata_v2(self):
        imds = self.keys_server()
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
        offload = self.roundtrip()
        self.assertEqual(self.credentials_origin(offload), "EC2 instance metadata (nothing found before it)")
        first = imds.requests()[:3]
        self.assertEqual([(r["method"], r["path"]) for r in first], [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/iam/security-credentials/"),
            ("GET", "/latest/meta-data/iam/security-credentials/claimcheck-test-role")])
        self.assertEqual(first[0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"], "21600")
        self.assertTrue(first[1]["headers"]["x-aws-ec2-metadata-token"].startswith("imds-token-"))

    def test_instance_metadata_v1_only_when_enabled(self):
        imds = self.keys_server("--imds", "v1-only")
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
        refused = self.run_cc("offload", "--force", stdin=b"x" * 100)
        self.one_error_line(refused, 2, "IMDSv2 token request and IMDSv1 is not enabled")
        self.env["CLAIMCHECK_EC2_METADATA_V1"] = "true"
        self.roundtrip()
        self.assertNotIn("x-aws-ec2-metadata-token", imds.requests()[-1]["headers"])

    def test_container_credentials_with_a_token_file(self):
        agent = self.keys_server("--container-token", "Bearer pod-identity-token")
        self.env.update({
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/container/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": self.write("token", "Bearer pod-identity-token\n"),
            # The file wins; -v listed this one as if it were used.
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a-token-not-used",
        })
        offload = self.roundtrip()
        self.assertEqual(self.credentials_origin(offload),
                         "container credentials (env AWS_CONTAINER_CREDENTIALS_FULL_URI)")
        self.assertEqual(agent.requests()[0]["headers"]["authorization"], "Bearer pod-identity-token")
        self.assertIn("claimcheck: config container_authorization_token (env AWS_CONTAINER_AUTHORIZATION_TOKEN); "
                      "not used: container_authorization_token_file wins", offload.err_lines())
        self.assertNotIn("a-token-not-used", offload.err)

    def test_container_credentials_with_a_token_variable(self):
        agent = self.keys_server("--container-token", "ecs-token")
        self.env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/container/x",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ecs-token"})
        self.roundtrip()
        self.assertEqual(agent.served("container"), 2)  # one per process

    def test_sso_session_profile(self):
        portal = self.keys_server("--sso-token", "cached-sso-token")
        self.aws_file("config", "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
                                "sso_role_name = Storage\n[sso-session corp]\n"
                                "sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n")
        name = hashlib.sha1(b"corp").hexdigest() + ".json"
        self.write(os.path.join("home", ".aws", "sso", "cache", name),
                   '{"accessToken": "cached-sso-token", "expiresAt": "2200-01-01T00:00:00Z"}')
        self.env.update({"AWS_PROFILE": "dev", "AWS_ENDPOINT_URL_SSO": portal.url})
        offload = self.roundtrip()
        self.assertEqual(self.credentials_origin(offload), "SSO 123456789012/Storage (aws profile dev)")
        request = portal.requests()[0]
        self.assertEqual(request["path"], "/federation/credentials?account_id=123456789012&role_name=Storage")

    def test_legacy_sso_profile(self):
        portal = self.keys_server("--sso-token", "legacy-token")
        start_url = "https://legacy.awsapps.com/start"
        self.aws_file("config", "[default]\nsso_start_url = {}\nsso_region = us-east-1\n"
                                "sso_account_id = 1\nsso_role_name = r\n".format(start_url))
        name = hashlib.sha1(start_url.encode()).hexdigest() + ".json"
        self.write(os.path.join("home", ".aws", "sso", "cache", name),
                   '{"accessToken": "legacy-token", "expiresAt": "2200-01-01T00:00:00Z"}')
        self.env["AWS_ENDPOINT_URL_SSO"] = portal.url
        self.assertEqual(self.credentials_origin(self.roundtrip()), "SSO 1/r (aws profile default)")

    def test_an_expiration_by_the_servers_clock_is_read_by_ours(self):
        """The container agent, instance metadata and the SSO portal give an Expiration by their
        clock (an hour ahead here). With claimcheck's clock 2 hours ahead (faketime), such
        credentials were taken for expired on arrival; 2 hours behind, kept 2 hours after they end.
        Read by the answer's Date, they are valid an hour from claimcheck's own now (the offload's
        stored_at)."""
        server = self.keys_server("--container-token", "agent-token", "--sso-token", "sso-token")
        self.aws_file("config", "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n"
                                "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                                "sso_region = eu-west-1\n")
        self.write(os.path.join("home", ".aws", "sso", "cache", hashlib.sha1(b"corp").hexdigest() + ".json"),
                   '{"accessToken": "sso-token", "expiresAt": "2200-01-01T00:00:00Z"}')
        providers = {
            "container": {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/container/x",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "agent-token"},
            "instance metadata": {"AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url},
            "SSO": {"AWS_PROFILE": "dev", "AWS_ENDPOINT_URL_SSO": server.url},
        }
        payload = b"read by our clock " * 10000
        for name, variables in providers.items():
            for shift in ("+2h", "-2h"):
                with self.subTest(provider=name, shift=shift):
                    self.skewed_roundtrip(shift, payload, timedelta(hours=1), env=dict(self.env, **variables))

    def test_credential_process(self):
        script = self.write("creds.sh", "#!/bin/sh\n"
                            "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\"}' "
                            "\"$1\" \"$2\"\n", mode=0o700)
        self.aws_file("config", "[profile tool]\ncredential_process = {} {} {}\n".format(
            script, S3["ACCESS_KEY"], S3["SECRET_KEY"]))
        self.env["AWS_PROFILE"] = "tool"
        origin = self.credentials_origin(self.roundtrip())
        # The profile is named once (it was twice: "... tool (aws profile tool (...").
        self.assertTrue(origin.startswith("credential_process of aws profile tool (/"), origin)
        self.assertEqual(origin.count("aws profile tool"), 1, origin)

    def test_keys_of_a_profile(self):
        self.aws_file("credentials", "[stored]\naws_access_key_id = {}\naws_secret_access_key = {}\n".format(
            S3["ACCESS_KEY"], S3["SECRET_KEY"]))
        self.env["AWS_PROFILE"] = "stored"
        self.assertTrue(self.credentials_origin(self.roundtrip()).startswith("aws profile stored ("))

    def test_profile_flag_wins_over_the_environment(self):
        self.aws_file("credentials", "[flagged]\naws_access_key_id = {}\naws_secret_access_key = {}\n".format(
            S3["ACCESS_KEY"], S3["SECRET_KEY"]))
        self.env.update({"AWS_ACCESS_KEY_ID": "AKIDWRONG", "AWS_SECRET_ACCESS_KEY": "wrong"})
        payload = b"flag" * 1000
        offload = self.run_cc("-v", "--profile", "flagged", "offload", "--force", stdin=payload)
        self.assertEqual(offload.code, 0, offload.err)
        self.assertTrue(self.credentials_origin(offload).startswith("aws profile flagged ("))


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    skip_without_s3()
    sys.exit(run_suite(Providers))
