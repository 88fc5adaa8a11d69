#!/usr/bin/python3
"""The chain's order against the AWS CLI's own: botocore's credential resolver
(Debian's python3-botocore, the chain `aws` runs), called in this process
because starting `aws` takes seconds. In each scenario several sources offer
credentials with different access key ids, and botocore and claimcheck must
pick the same one.
claimcheck's pick is read at the wire: its request goes through the fault
proxy, which records the access key id it is signed with. (Scenarios that need
STS are left out: this botocore version cannot be pointed at another STS.)
Also checks that the loopback stand-ins are faithful: botocore accepts the
IMDS and container answers of tests/tools/credential_server.py.

usage: test_aws_cli_order.py CLAIMCHECK_EXE
"""
import os
import sys
import unittest.mock

import botocore.exceptions
import botocore.session

import credtest
from credtest import CredentialTestCase, run_suite


class ChainOrder(CredentialTestCase):
    def setUp(self):
        super().setUp()
        self.stand_in = self.server("--container-token", "agent-token")
        # S3 requests go to the proxy, which records their key and forwards
        # them to the stand-in, which answers 404 at once: nothing is stored.
        self.recorder = self.proxy(self.stand_in.url)
        self.env.update({"AWS_ENDPOINT_URL_S3": self.recorder.url, "CLAIMCHECK_STORE": "s3://bucket/",
                         "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.stand_in.url})
        self.process = self.write("process.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
                                                "\"AKIDPROCESS\", \"SecretAccessKey\": \"s\"}'\n", mode=0o700)

    def aws_cli_key(self):
        """The access key id the AWS CLI's chain (botocore's, which `aws`
        runs) resolves in this test's environment and HOME."""
        # botocore appends "latest/api/token" to the endpoint as it is: it
        # needs the trailing slash that claimcheck does without.
        env = dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT=self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] + "/")
        with unittest.mock.patch.dict(os.environ, env, clear=True):
            credentials = botocore.session.Session().get_credentials()
            self.assertIsNotNone(credentials, "botocore found no credentials")
            return credentials.get_frozen_credentials().access_key

    def claimcheck_key(self):
        before = {key for key, _count in self.recorder.stats()["access_keys"]}
        self.run_cc("offload", "--force", stdin=b"k" * 100000)
        new = [key for key, _count in self.recorder.stats()["access_keys"] if key not in before]
        self.assertEqual(len(new), 1, self.recorder.stats())
        return new[0]

    def same_pick(self, expected_prefix):
        aws = self.aws_cli_key()
        ours = self.claimcheck_key()
        self.assertTrue(aws.startswith(expected_prefix), aws)
        self.assertTrue(ours.startswith(expected_prefix), ours)

    def container(self):
        self.env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.stand_in.url + "/container/c",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "agent-token"})

    def test_instance_metadata_alone(self):
        self.same_pick("AKIDIMDS")

    def test_container_before_instance_metadata(self):
        self.container()
        self.same_pick("AKIDCONTAINER")

    def test_profile_before_container(self):
        self.container()
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(self.process))
        self.same_pick("AKIDPROCESS")

    def test_credentials_file_before_credential_process_before_config_file(self):
        self.aws_file("config", "[default]\ncredential_process = {}\naws_access_key_id = AKIDCONFIGFILE\n"
                                "aws_secret_access_key = s\n".format(self.process))
        self.same_pick("AKIDPROCESS")
        self.aws_file("credentials", "[default]\naws_access_key_id = AKIDCREDSFILE\naws_secret_access_key = s\n")
        self.same_pick("AKIDCREDSFILE")
        self.aws_file("credentials", "")
        self.aws_file("config", "[default]\naws_access_key_id = AKIDCONFIGFILE\naws_secret_access_key = s\n")
        self.same_pick("AKIDCONFIGFILE")

    def test_keys_come_from_one_file_as_botocore_reads_them(self):
        # A session token in the config file does not go with the credentials
        # file's keys (botocore's; claimcheck's: config_credential_chain).
        self.aws_file("credentials", "[default]\naws_access_key_id = AKIDCREDSFILE\naws_secret_access_key = s\n")
        self.aws_file("config", "[default]\naws_session_token = config-token\n")
        with unittest.mock.patch.dict(os.environ, self.env, clear=True):
            self.assertIsNone(botocore.session.Session().get_credentials().get_frozen_credentials().token)
        self.same_pick("AKIDCREDSFILE")
        r = self.run_cc("-v", "offload", "--force", stdin=b"k" * 100000)
        self.assertIn("also set, not used: aws profile default (%s:2)" % self.path("home/.aws/config"), r.err)
        # The key in one file and its secret in the other: both refuse.
        self.aws_file("credentials", "[default]\naws_access_key_id = AKIDCREDSFILE\n")
        self.aws_file("config", "[default]\naws_access_key_id = AKIDCONFIGFILE\naws_secret_access_key = s\n")
        with unittest.mock.patch.dict(os.environ, self.env, clear=True):
            with self.assertRaises(botocore.exceptions.PartialCredentialsError):
                botocore.session.Session().get_credentials()
        r = self.run_cc("offload", "--force", stdin=b"k" * 100000)
        self.assertEqual(r.code, 2, r.err)
        self.assertIn("aws_access_key_id is set but aws_secret_access_key is not, in the same file", r.err)
        # A secret without its key: the file is passed over, the next source signs.
        self.aws_file("credentials", "[default]\naws_secret_access_key = s\n")
        self.same_pick("AKIDCONFIGFILE")

    def test_environment_before_the_profile_named_by_aws_profile(self):
        self.aws_file("credentials", "[named]\naws_access_key_id = AKIDCREDSFILE\naws_secret_access_key = s\n")
        self.env.update({"AWS_PROFILE": "named", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"})
        self.same_pick("AKIDENV")

    def test_aws_default_profile_names_the_profile_when_aws_profile_does_not(self):
        # It was ignored: [default] gave its keys, region and endpoint.
        self.aws_file("credentials", "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n"
                                     "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s\n"
                                     "[named]\naws_access_key_id = AKIDNAMED\naws_secret_access_key = s\n")
        self.env["AWS_DEFAULT_PROFILE"] = "prod"
        self.same_pick("AKIDPROD")
        # Both set: AWS_PROFILE wins, as in the AWS CLI v2 (this botocore
        # version reads AWS_DEFAULT_PROFILE first, so only ours is checked).
        self.env["AWS_PROFILE"] = "named"
        self.assertTrue(self.claimcheck_key().startswith("AKIDNAMED"))

    def test_the_stand_ins_satisfy_the_aws_cli(self):
        requests = self.stand_in.requests
        self.aws_cli_key()
        imds = [(r["method"], r["path"]) for r in requests()]
        self.assertEqual(imds[0], ("PUT", "/latest/api/token"))
        self.container()
        self.aws_cli_key()
        self.assertEqual(requests()[-1]["headers"]["authorization"], "agent-token")


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    sys.exit(run_suite(ChainOrder))
