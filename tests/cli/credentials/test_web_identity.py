#!/usr/bin/python3
"""STS AssumeRoleWithWebIdentity for real, as EKS IRSA uses it: radosgw's STS
(CLAIMCHECK_TEST_S3_STS_ENDPOINT) trusts a loopback OpenID Connect issuer
(tests/tools/oidc_issuer.py, registered with IAM CreateOpenIDConnectProvider)
and checks each token's signature against the issuer's certificate, its
audience and its expiry. claimcheck reads the token file, assumes the role,
and offloads and retrieves with the temporary credentials; an expired token
is exit 6 with one line naming the provider; no token is ever printed.

usage: test_web_identity.py CLAIMCHECK_EXE
"""
import os
import sys

import credtest
from credtest import S3, CredentialTestCase, OidcIssuer, run_suite, skip_without_s3, trust_web_identity


class WebIdentity(CredentialTestCase):
    @classmethod
    def setUpClass(cls):
        if not credtest.STS_ENDPOINT:
            raise AssertionError("CLAIMCHECK_TEST_S3_STS_ENDPOINT is not set")
        cls.issuer = OidcIssuer()  # one issuer and role for all: each makes an RSA key, registers with IAM
        cls.role_arn = trust_web_identity(cls.issuer)

    @classmethod
    def tearDownClass(cls):
        cls.issuer.stop()

    def setUp(self):
        super().setUp()
        # S3 and STS on the radosgw that accepts the temporary credentials.
        self.env.update({"AWS_ENDPOINT_URL_S3": credtest.STS_ENDPOINT,
                         "AWS_ENDPOINT_URL_STS": credtest.STS_ENDPOINT})

    def irsa(self, token):
        """The variables EKS sets in a pod with a service account role."""
        self.env.update({"AWS_WEB_IDENTITY_TOKEN_FILE": self.write("token", token),
                         "AWS_ROLE_ARN": self.role_arn, "AWS_ROLE_SESSION_NAME": "pod-7"})

    def test_the_role_is_assumed_with_the_token_of_the_environment(self):
        token = self.issuer.token()
        self.irsa(token)
        served = self.issuer.info()["certs_served"]
        offload = self.roundtrip(b"irsa payload " * 10000, "--compress", "never")
        self.assertEqual(self.credentials_origin(offload),
                         "web identity {} (env AWS_WEB_IDENTITY_TOKEN_FILE)".format(self.role_arn))
        # radosgw checked the token of each process (offload, retrieve) against the issuer's certificate
        self.assertEqual(self.issuer.info()["certs_served"] - served, 2)
        verbose = self.run_cc("-vv", "offload", "--force", stdin=b"traced" * 20000)
        self.assertEqual(verbose.code, 0, verbose.err)
        self.assertIn("claimcheck: credentials: POST {}/ -> 200".format(credtest.STS_ENDPOINT), verbose.err)
        self.assertIn("claimcheck: credentials: fetched from web identity " + self.role_arn, verbose.err)
        self.assert_no_secret(verbose, token, S3["SECRET_KEY"])

    def test_the_role_is_assumed_with_the_token_file_of_a_profile(self):
        token_file = self.write("token", self.issuer.token())
        self.aws_file("config", "[profile pod]\nweb_identity_token_file = {}\nrole_arn = {}\n".format(
            token_file, self.role_arn))
        self.env["AWS_PROFILE"] = "pod"
        origin = self.credentials_origin(self.roundtrip())
        self.assertTrue(origin.startswith("web identity {} (aws profile pod (".format(self.role_arn)), origin)

    def test_an_expired_token_is_one_line_and_exit_6_without_the_token(self):
        token = self.issuer.token(ttl=-60)
        self.irsa(token)
        result = self.run_cc("offload", "--force", stdin=b"never stored" * 10000)
        self.one_error_line(result, 6, "claimcheck: credentials from web identity {}: STS AssumeRoleWithWebIdentity "
                                       "at {}: AccessDenied".format(self.role_arn, credtest.STS_ENDPOINT))
        self.assert_no_secret(result, token)
        verbose = self.run_cc("-vv", "offload", "--force", stdin=b"never stored" * 10000)
        self.assertEqual(verbose.code, 6, verbose.err)
        self.assert_no_secret(verbose, token)

    def test_a_token_for_another_audience_is_refused(self):
        token = self.issuer.token(audience="someone-else")
        self.irsa(token)
        result = self.run_cc("offload", "--force", stdin=b"never stored" * 10000)
        self.one_error_line(result, 6, "credentials from web identity " + self.role_arn, "AccessDenied")
        self.assert_no_secret(result, token)


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    skip_without_s3()
    sys.exit(run_suite(WebIdentity))
