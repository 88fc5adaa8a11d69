#!/usr/bin/python3
"""STS AssumeRole for real: radosgw's STS (the second radosgw that
tests/radosgw/start.sh runs with rgw_s3_auth_use_sts, CLAIMCHECK_TEST_S3_STS_ENDPOINT)
behind a role_arn + source_profile profile. claimcheck assumes the role,
offloads and retrieves with the temporary credentials (session token in the
headers and in the presigned URL of `inspect --url`), also with
credential_source = Environment, Ec2InstanceMetadata (loopback IMDS) and
EcsContainer (loopback agent), and through a chain of two roles; a clock
2 hours off (faketime); a role the user may not assume is exit 6 with one
line naming the role and the profile.

usage: test_sts.py CLAIMCHECK_EXE
"""
import os
import subprocess
import sys
from datetime import timedelta

import credtest
from credtest import S3, CredentialTestCase, run_suite, skip_without_s3


class AssumeRole(CredentialTestCase):
    def setUp(self):
        super().setUp()
        if not (credtest.STS_ENDPOINT and credtest.ROLE_ARN and credtest.DENIED_ROLE_ARN):
            self.fail("CLAIMCHECK_TEST_S3_STS_ENDPOINT / _ROLE_ARN / _DENIED_ROLE_ARN are not set")
        # S3 and STS on the radosgw that accepts the temporary credentials.
        self.env.update({"AWS_ENDPOINT_URL_S3": credtest.STS_ENDPOINT,
                         "AWS_ENDPOINT_URL_STS": credtest.STS_ENDPOINT})
        self.aws_file("credentials", "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n".format(
            S3["ACCESS_KEY"], S3["SECRET_KEY"]))

    def role_profile(self, name, role_arn, extra=""):
        self.aws_file("config", "[profile {}]\nrole_arn = {}\nsource_profile = base\n"
                                "role_session_name = claimcheck-test\nexternal_id = ext-1\n"
                                "duration_seconds = 900\n{}".format(name, role_arn, extra))
        self.env["AWS_PROFILE"] = name

    def test_the_role_is_assumed_and_its_credentials_offload_retrieve_and_presign(self):
        self.role_profile("worker", credtest.ROLE_ARN)
        offload = self.roundtrip(b"assumed role payload " * 10000, "--compress", "never")
        origin = self.credentials_origin(offload)
        self.assertTrue(origin.startswith("assume-role {} (aws profile worker), signed with aws profile base (".format(
            credtest.ROLE_ARN)), origin)
        verbose = self.run_cc("-vv", "offload", "--force", stdin=b"traced" * 20000)
        self.assertEqual(verbose.code, 0, verbose.err)
        self.assertIn("claimcheck: credentials: POST {}/ -> 200".format(credtest.STS_ENDPOINT), verbose.err)
        self.assertIn("claimcheck: credentials: fetched from assume-role " + credtest.ROLE_ARN, verbose.err)
        self.assert_no_secret(verbose, S3["SECRET_KEY"])
        report = self.run_cc("inspect", "--url", "--json", offload.out.strip())
        self.assertEqual(report.code, 0, report.err)
        url = report.json()["findings"][0]["url"]
        self.assertIn("X-Amz-Security-Token=", url)
        fetched = subprocess.run(["curl", "-sSf", "-o", "/dev/null", "-w", "%{http_code}", url],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(fetched.stdout, "200", fetched.stderr)

    def test_credential_source_environment_signs_the_assume_role_when_the_profile_is_a_flag(self):
        self.aws_file("config", "[profile ci]\nrole_arn = {}\ncredential_source = Environment\n".format(
            credtest.ROLE_ARN))
        self.env.update({"AWS_ACCESS_KEY_ID": S3["ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY": S3["SECRET_KEY"]})
        payload = b"ci job payload " * 10000
        offload = self.run_cc("-v", "--profile", "ci", "offload", "--force", stdin=payload)
        self.assertEqual(offload.code, 0, offload.err)
        self.assertEqual(self.credentials_origin(offload), "assume-role {} (aws profile ci), signed with env "
                                                           "AWS_ACCESS_KEY_ID".format(credtest.ROLE_ARN))
        retrieve = self.run_cc("--profile", "ci", "retrieve", stdin=offload.out.encode())
        self.assertEqual(retrieve.code, 0, retrieve.err)
        self.assertEqual(retrieve.out.encode(), payload)
        # Named by AWS_PROFILE instead, the profile comes after the
        # environment's keys, which are then used as they are (AWS CLI order).
        # -v names the profile's role as set and not used.
        self.env["AWS_PROFILE"] = "ci"
        self.assertRegex(self.credentials_origin(self.roundtrip()),
                         r"^env AWS_ACCESS_KEY_ID; also set, not used: aws profile ci \(.*/\.aws/config:2\)$")

    def test_credential_source_environment_sends_the_token_by_its_older_name_too(self):
        # Temporary keys in the environment, their token as AWS_SECURITY_TOKEN
        # (botocore's older name, read first): without it STS refuses them.
        import botocore.session
        sts = botocore.session.get_session().create_client(
            "sts", endpoint_url=credtest.STS_ENDPOINT, region_name="us-east-1",
            aws_access_key_id=S3["ACCESS_KEY"], aws_secret_access_key=S3["SECRET_KEY"])
        temporary = sts.assume_role(RoleArn=credtest.ROLE_ARN, RoleSessionName="older-token")["Credentials"]
        self.aws_file("config", "[profile ci]\nrole_arn = {}\ncredential_source = Environment\n".format(
            credtest.ROLE_ARN))
        self.env.update({"AWS_ACCESS_KEY_ID": temporary["AccessKeyId"],
                         "AWS_SECRET_ACCESS_KEY": temporary["SecretAccessKey"],
                         "AWS_SECURITY_TOKEN": temporary["SessionToken"]})
        offload = self.run_cc("--profile", "ci", "offload", "--force", stdin=b"older token " * 10000)
        self.assertEqual(offload.code, 0, offload.err)

    def test_credential_source_instance_metadata_and_container(self):
        """The source keys come from the loopback IMDS or container agent (the
        test user's keys); the role is radosgw's."""
        stand_in = self.server("--access-key", S3["ACCESS_KEY"], "--secret-key", S3["SECRET_KEY"],
                               "--container-token", "agent-token")
        self.aws_file("config", "[profile ec2]\nrole_arn = {0}\ncredential_source = Ec2InstanceMetadata\n"
                                "[profile ecs]\nrole_arn = {0}\ncredential_source = EcsContainer\n".format(
                                    credtest.ROLE_ARN))
        self.env.update({"AWS_EC2_METADATA_SERVICE_ENDPOINT": stand_in.url,
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI": stand_in.url + "/container/c",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "agent-token"})
        for profile, source, service in (("ec2", "EC2 instance metadata", "imds"),
                                         ("ecs", "container credentials", "container")):
            with self.subTest(profile=profile):
                self.env["AWS_PROFILE"] = profile
                origin = self.credentials_origin(self.roundtrip())
                self.assertTrue(origin.startswith("assume-role {} (aws profile {}), signed with {}".format(
                    credtest.ROLE_ARN, profile, source)), origin)
                self.assertEqual(stand_in.served(service), 2)  # offload, retrieve

    def test_chained_roles_each_signed_with_the_one_before(self):
        # A role that only the first role's session may assume.
        second = credtest.make_role({"AWS": ["arn:aws:sts:::assumed-role/{}/chain-first".format(
            credtest.ROLE_ARN.rsplit("/", 1)[1])]}, "sts:AssumeRole")
        self.aws_file("config", "[profile first]\nrole_arn = {}\nsource_profile = base\n"
                                "role_session_name = chain-first\n"
                                "[profile second]\nrole_arn = {}\nsource_profile = first\n".format(
                                    credtest.ROLE_ARN, second))
        self.env["AWS_PROFILE"] = "second"
        origin = self.credentials_origin(self.roundtrip())
        self.assertTrue(origin.startswith("assume-role {} (aws profile second), signed with assume-role {} "
                                          "(aws profile first), signed with aws profile base (".format(
                                              second, credtest.ROLE_ARN)), origin)

    def test_a_clock_hours_off_is_set_right_for_the_role_and_its_expiry(self):
        """radosgw's STS refuses an AssumeRole signed by a clock 2 hours off (RequestTimeTooSkewed,
        as S3 does): it is signed again at the time its answer's Date gives. The credentials'
        Expiration, by the server's clock, is read by ours: 15 minutes after the offload's own
        stored_at, so they are neither taken for expired on arrival (+2h) nor kept 2 hours too
        long (-2h). faketime moves claimcheck's clock only."""
        self.role_profile("worker", credtest.ROLE_ARN)
        sts = "claimcheck: credentials: POST {}/ -> ".format(credtest.STS_ENDPOINT)
        for shift in ("-2h", "+2h"):
            with self.subTest(shift=shift):
                offload = self.skewed_roundtrip(shift, b"signed by a skewed clock " * 10000, timedelta(minutes=15))
                self.assertEqual([line[len(sts):len(sts) + 3] for line in offload.err_lines() if line.startswith(sts)],
                                 ["403", "200"], offload.err)

    def test_a_role_the_user_may_not_assume_is_one_line_and_exit_6(self):
        self.role_profile("denied", credtest.DENIED_ROLE_ARN)
        result = self.run_cc("offload", "--force", stdin=b"never stored" * 10000)
        self.one_error_line(
            result, 6,
            "credentials from assume-role {} (aws profile denied): STS AssumeRole at {}: AccessDenied: access denied; check the credentials' permissions (HTTP 403)".format(
                credtest.DENIED_ROLE_ARN, credtest.STS_ENDPOINT))
        self.assert_no_secret(result, S3["SECRET_KEY"])

    def test_a_role_with_mfa_is_refused_before_anything_is_sent(self):
        self.role_profile("mfa", credtest.ROLE_ARN, "mfa_serial = arn:aws:iam::1:mfa/me\n")
        self.env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:1"
        result = self.run_cc("offload", "--force", stdin=b"x" * 100000)
        self.one_error_line(result, 2, "aws profile mfa: role_arn with mfa_serial: claimcheck cannot prompt")


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    skip_without_s3()
    sys.exit(run_suite(AssumeRole))
