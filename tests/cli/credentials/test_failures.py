#!/usr/bin/python3
"""When credentials cannot be had: one stderr line naming the provider and
exit 2 (configuration the user must fix) or 6 (a provider unreachable, refusing
or answering nonsense); credential_process's own stderr passed through. And
secrets: with -vv, and in every provider's error line, no secret key, session
token, container or SSO token appears (web identity tokens: test_web_identity.py). No radosgw needed:
the S3 endpoint is a closed port, the stand-ins hand out made-up credentials.

usage: test_failures.py CLAIMCHECK_EXE
"""
import base64
import hashlib
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import credtest
from credtest import CredentialTestCase, run_suite

PAYLOAD = b"payload that never leaves " * 4000


class Failures(CredentialTestCase):
    def setUp(self):
        super().setUp()
        self.env.update({"CLAIMCHECK_STORE": "s3://bucket/", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1"})

    def offload(self, *flags, timeout=600):
        return self.run_cc(*flags, "offload", "--force", stdin=PAYLOAD, timeout=timeout)

    def issued_secrets(self, server):
        return [value for issued in server.stats()["issued"]
                for value in (issued["SecretAccessKey"], issued["Token"])]

    # -- no credentials anywhere ---------------------------------------------
    def test_nothing_anywhere_with_instance_metadata_disabled_is_exit_2(self):
        self.env["AWS_EC2_METADATA_DISABLED"] = "true"
        self.one_error_line(self.offload(), 2, "no credentials: tried R2_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID",
                            "EC2 instance metadata is disabled")

    def test_one_file_named_by_both_variables_is_listed_once(self):
        self.env["AWS_EC2_METADATA_DISABLED"] = "true"
        shared = self.write("aws-shared", "")
        self.env.update({"AWS_CONFIG_FILE": shared, "AWS_SHARED_CREDENTIALS_FILE": shared})
        line = self.one_error_line(self.offload(), 2, "aws profile default ({}), container credentials".format(shared))
        self.assertEqual(line.count(shared), 1, line)

    def test_nothing_anywhere_and_instance_metadata_unreachable_is_exit_6(self):
        line = self.one_error_line(self.offload(), 6, "no credentials: tried ", "aws profile default (",
                                   "container credentials; EC2 instance metadata at http://127.0.0.1:1 not reachable")
        self.assertNotIn("EC2 instance metadata: EC2", line)

    def test_instance_metadata_that_never_answers_is_given_up_after_a_second(self):
        # The hang guard (timeout) is far above the bound: without the 1 s
        # limit the default 30 s stall timeout would exceed it.
        hung = self.server("--hang")
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = hung.url
        result = self.run_cc("offload", "--force", stdin=PAYLOAD, timeout=20)
        self.one_error_line(result, 6, "EC2 instance metadata at {} not reachable: Timeout (no answer within 1 s)"
                            .format(hung.url))
        self.env["AWS_METADATA_SERVICE_TIMEOUT"] = "0.3"  # the AWS CLI's variable sets the bound
        result = self.run_cc("offload", "--force", stdin=PAYLOAD, timeout=20)
        self.one_error_line(result, 6, "not reachable: Timeout (no answer within 300 ms)")

    def test_an_instance_without_a_role_is_exit_2(self):
        imds = self.server("--imds", "no-role")
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
        self.one_error_line(self.offload(), 2, "no IAM role is attached to this instance")

    # -- STS within the limits of S3 requests ----------------------------------
    def sts_attempts(self, result):
        """(milliseconds, "n/max") of each STS request -vv traced."""
        return re.findall(r"credentials: POST \S+ -> \S+ \(.*\), (\d+) ms, attempt (\d+/\d+)", result.err)

    def assert_silent_sts_given_up_at_once(self, provider):
        """STS accepts and never answers: with --read-timeout 1s --max-attempts 1
        one attempt ends about a second later (36 s, three times, before)."""
        sts = self.server("--hang")
        self.env["AWS_ENDPOINT_URL_STS"] = sts.url
        flags = ("--read-timeout", "1s", "--max-attempts", "1")
        traced = self.offload("-vv", *flags, timeout=60)
        self.assertEqual(traced.code, 6, traced.err)
        attempts = self.sts_attempts(traced)
        self.assertEqual([n for _, n in attempts], ["1/1"], traced.err)
        self.assertLess(int(attempts[0][0]), 4000, traced.err)
        self.one_error_line(self.offload(*flags, timeout=60), 6,
                            "credentials from {}: STS at {} not reachable: Timeout (".format(provider, sts.url),
                            "Operation too slow. Less than 1 bytes/sec transferred the last 1 seconds)")

    def test_silent_sts_for_web_identity_is_given_up_after_read_timeout_and_max_attempts(self):
        self.env.update({"AWS_WEB_IDENTITY_TOKEN_FILE": self.write("token", "web-identity-token-secret"),
                         "AWS_ROLE_ARN": "arn:aws:iam::1:role/x"})
        self.assert_silent_sts_given_up_at_once("web identity arn:aws:iam::1:role/x")

    def test_silent_sts_for_a_profile_role_is_given_up_after_read_timeout_and_max_attempts(self):
        self.aws_file("config", "[profile ci]\nrole_arn = arn:aws:iam::1:role/writer\nsource_profile = base\n")
        self.aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        self.env["AWS_PROFILE"] = "ci"
        self.assert_silent_sts_given_up_at_once("assume-role arn:aws:iam::1:role/writer (aws profile ci)")

    def test_silent_sts_ends_at_the_deadline_whatever_the_attempts(self):
        sts = self.server("--hang")
        self.env.update({"AWS_ENDPOINT_URL_STS": sts.url,
                         "AWS_WEB_IDENTITY_TOKEN_FILE": self.write("token", "web-identity-token-secret"),
                         "AWS_ROLE_ARN": "arn:aws:iam::1:role/x"})
        started = time.monotonic()
        result = self.offload("-vv", "--deadline", "2s", "--read-timeout", "30s", "--max-attempts", "5",
                              timeout=60)
        elapsed = time.monotonic() - started
        self.assertEqual(result.code, 6, result.err)
        self.assertEqual([n for _, n in self.sts_attempts(result)], ["1/5"], result.err)
        self.assertLess(elapsed, 8, result.err)  # 2 s and the start-up; 30 s (and 3 attempts) before
        self.assertIn("STS at {} not reachable: Timeout (".format(sts.url), result.err_lines()[-1])

    def test_silent_sso_portal_is_given_up_after_read_timeout_and_max_attempts(self):
        portal = self.server("--hang")
        self.write(os.path.join("home", ".aws", "sso", "cache", hashlib.sha1(b"s").hexdigest() + ".json"),
                   '{"accessToken": "sso-access-secret", "expiresAt": "2200-01-01T00:00:00Z"}')
        self.aws_file("config", "[profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n"
                                "[sso-session s]\nsso_start_url = https://s\nsso_region = us-east-1\n")
        self.env.update({"AWS_PROFILE": "sso", "AWS_ENDPOINT_URL_SSO": portal.url})
        result = self.offload("-vv", "--read-timeout", "1s", "--max-attempts", "1", timeout=60)
        self.assertEqual(result.code, 6, result.err)
        attempts = re.findall(r"credentials: GET \S+ -> Timeout \(.*\), (\d+) ms, attempt (\d+/\d+)", result.err)
        self.assertEqual([n for _, n in attempts], ["1/1"], result.err)
        self.assertLess(int(attempts[0][0]), 4000, result.err)

    def test_container_agent_keeps_the_aws_sdk_bounds_whatever_the_s3_limits(self):
        agent = self.server("--hang")
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url + "/container/c"
        result = self.offload("-vv", "--read-timeout", "1s", "--max-attempts", "1", timeout=60)
        self.assertEqual(result.code, 6, result.err)
        self.assertIn("attempt 3/3", result.err)
        self.assertIn("container credentials at {} not reachable: Timeout (no answer within 2 s)".format(agent.url),
                      result.err_lines()[-1])

    # -- each provider's failures ---------------------------------------------
    def test_expired_sso_token_says_to_log_in(self):
        self.aws_file("config", "[profile dev]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                                "sso_account_id = 1\nsso_role_name = r\n")
        name = hashlib.sha1(b"https://x.awsapps.com/start").hexdigest() + ".json"
        self.write(os.path.join("home", ".aws", "sso", "cache", name),
                   '{"accessToken": "expired-sso-secret", "expiresAt": "2020-01-01T00:00:00Z"}')
        self.env["AWS_PROFILE"] = "dev"
        result = self.offload()
        self.one_error_line(result, 2, "credentials from SSO 1/r (aws profile dev): the SSO token cached in ",
                            "expired at 2020-01-01T00:00:00Z: run `aws sso login --profile dev`")
        self.assert_no_secret(result, "expired-sso-secret")

    def test_container_agent_refusing_the_token(self):
        agent = self.server("--container-token", "the-right-token")
        self.env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/container/c",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a-wrong-token-secret"})
        result = self.offload("-vv")
        self.assertEqual(result.code, 6, result.err)
        self.assertIn("answered HTTP 401 (AccessDeniedException)", result.err_lines()[-1])
        self.assert_no_secret(result, "a-wrong-token-secret", "the-right-token")

    def test_offline_url_whose_credentials_are_refused_is_exit_6_without_a_url(self):
        # Presigning makes no request, but its credentials may: a provider
        # that refuses is the store failing to answer (6), not a fine finding.
        agent = self.server("--container-token", "the-right-token")
        self.env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url + "/container/c",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a-wrong-token-secret"})
        reference = self.write("ref.json", json.dumps({
            "_type": "claim_check_ref", "v": 1, "store": "s3://bucket",
            "key": "claimcheck/2099-01-03/015203Z-01a16056-c06f-49db-ba3b-96da1c4baccd",
            "size_bytes": 135091, "compressed": True, "stored_bytes": 102072, "sha256": "9f" * 32,
            "stored_at": "2026-12-04T01:52:03Z", "expires_at": "2099-01-03T01:52:03Z"}))
        result = self.run_cc("inspect", "--offline", "--url", "--json", reference)
        self.assertEqual(result.code, 6, result.err)
        finding = json.loads(result.out)["findings"][0]
        self.assertIsNone(finding["url"])
        self.assertIn("answered HTTP 401", " ".join(finding["problems"]))
        self.assert_no_secret(result, "a-wrong-token-secret", "the-right-token")

    def test_files_that_never_end_are_refused_and_a_fifo_never_blocks(self):
        # /dev/zero filled memory until the process was killed; opening a
        # FIFO without a writer blocked for ever.
        self.env["AWS_EC2_METADATA_DISABLED"] = "true"
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/zero"
        self.one_error_line(self.offload(timeout=30), 2, "/dev/zero: larger than 1048576 bytes")
        del self.env["AWS_SHARED_CREDENTIALS_FILE"]
        self.one_error_line(self.offload("--config", "/dev/zero", timeout=30), 2,
                            "config file '/dev/zero' is larger than 1048576 bytes")
        self.env.update({"AWS_WEB_IDENTITY_TOKEN_FILE": "/dev/zero", "AWS_ROLE_ARN": "arn:aws:iam:::role/r"})
        self.one_error_line(self.offload(timeout=30), 2, "web identity token file /dev/zero is larger than")
        del self.env["AWS_WEB_IDENTITY_TOKEN_FILE"], self.env["AWS_ROLE_ARN"]
        fifo = self.path("fifo")
        os.mkfifo(fifo)
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = fifo
        self.one_error_line(self.offload(timeout=30), 2, "no credentials: tried")

    def assert_file_limit_named(self, provider):
        """Offloads under every RLIMIT_NOFILE from nearly none to enough: a fetch that meets the
        limit is this process's (exit 1, the limit named, not retried), never the provider's
        failure (exit 6, as it was) nor a missing credential."""
        if credtest.is_sanitized(credtest.BINARY):
            self.skipTest("the sanitizers need descriptors of their own")  # as in test_s3
        named = 0
        for limit in range(4, 16):
            def limit_files(limit=limit):
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            proc = subprocess.run([credtest.BINARY, "-vv", "offload", "--force"], input=PAYLOAD,
                                  capture_output=True, env=self.env, timeout=120, preexec_fn=limit_files)
            last = proc.stderr.decode().splitlines()[-1]
            self.assertNotIn("no credentials", last, limit)
            if provider in last and "Too many open files" in last:
                named += 1
                self.assertEqual(proc.returncode, 1, (limit, last))
                self.assertTrue(last.endswith("(the limit on open files: ulimit -n %d)" % limit), last)
                self.assertNotIn("attempt 2/", proc.stderr.decode())
        self.assertGreaterEqual(named, 1)

    def test_a_file_limit_met_by_a_container_credentials_fetch_is_named(self):
        agent = self.server()
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url + "/container/c"
        self.assert_file_limit_named("credentials from container credentials: ")

    def test_a_file_limit_met_starting_a_credential_process_is_named(self):
        script = self.write("creds.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AK\", "
                                        "\"SecretAccessKey\": \"sk\"}'\n", mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        self.assert_file_limit_named("credentials from credential_process of aws profile default: ")

    def test_container_relative_uri_naming_another_host_is_refused(self):
        # Pasted after the agent's address, it sent the request and the token to 10.255.255.1.
        self.env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "@10.255.255.1/creds"
        self.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer token-secret"
        result = self.offload()
        self.one_error_line(result, 2, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path beginning with '/'")
        self.assertNotIn("token-secret", result.err)

    def test_container_full_uri_to_another_host_over_http_is_refused(self):
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://198.51.100.7/creds"
        self.one_error_line(self.offload(), 2, "must name a loopback address or the container agent")

    def test_credential_process_failing_passes_its_stderr_through(self):
        script = self.write("fail.sh", "#!/bin/sh\necho 'token expired, run: corp-login' >&2\nexit 3\n", mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        result = self.offload()
        self.assertEqual(result.code, 6, result.err)
        self.assertEqual(result.err_lines(), [
            "token expired, run: corp-login",
            "claimcheck: credentials from credential_process of aws profile default: it exited with status 3"])

    def interrupt_while_the_credential_process_runs(self, number, send, exec_sleep=True, command=None,
                                                    line="interrupted: {}, nothing kept", status=None,
                                                    body=None):
        """Runs `command` (an offload) whose credential_process never ends, sends
        `number` with send(claimcheck's pid) once the command runs, and checks
        that claimcheck exits `status` (128 + number), says `line` and ends the
        credential_process too. Without `exec_sleep` the script's own child,
        `sleep`, keeps its output open. A `body` of the script's own says its
        pid and its child's on stderr."""
        # The line on stderr says the command runs; without exec, only once
        # its `sleep` has started (and holds the output).
        body = body or ("echo $$ >&2\nexec sleep 300\n" if exec_sleep else "sleep 300 &\necho $$ $! >&2\nwait\n")
        script = self.write("hang.sh", "#!/bin/sh\n" + body, mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        command = command or ["offload", "--force", self.write("payload", PAYLOAD)]
        proc = subprocess.Popen([credtest.BINARY, *command], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                                start_new_session=True)
        try:
            # The command is running: its pid, and its `sleep`'s when that is its child.
            watches = [os.pidfd_open(int(pid)) for pid in proc.stderr.readline().split()]
            send(proc.pid, number)
            # Not communicate(): a `sleep` left by the script holds stderr open.
            self.assertEqual(proc.wait(timeout=60), 128 + number if status is None else status)
            for watch in watches:  # a pidfd becomes readable when its process has ended
                ended = select.poll()
                ended.register(watch, select.POLLIN)
                self.assertTrue(ended.poll(30000), "the credential process or its child outlived claimcheck")
                os.close(watch)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _out, err = proc.communicate(timeout=60)
            self.assertEqual(err.decode().splitlines(), ["claimcheck: " + line.format(signal.Signals(number).name[3:])])
        finally:
            proc.kill()
            proc.wait()
            try:  # the whole group: the script's `sleep` too
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def test_credential_process_ends_with_a_signal_to_the_process_group(self):
        # It inherited claimcheck's blocked signals, so Ctrl-C or `timeout`
        # (which signal the whole group) ended claimcheck and left it running.
        self.interrupt_while_the_credential_process_runs(signal.SIGTERM, os.killpg)

    def test_credential_process_is_ended_when_claimcheck_alone_is_interrupted(self):
        # `kill -INT <claimcheck's pid>` left it running for as long as it
        # would (a login prompt: for ever).
        self.interrupt_while_the_credential_process_runs(signal.SIGINT, os.kill)

    def test_an_interrupt_does_not_wait_for_the_output_a_command_s_child_holds_open(self):
        # The script ends; its `sleep` still holds the output pipe, and
        # claimcheck waited for its end: 300 s. The `sleep` is ended too: it
        # outlived claimcheck, holding its stderr (forty-third audit).
        self.interrupt_while_the_credential_process_runs(signal.SIGTERM, os.kill, exec_sleep=False)

    def test_a_ctrl_c_ends_the_children_a_credential_process_started_in_the_background(self):
        # Ctrl-C signals the whole group: the script ends at once, and its `&`
        # child, which a shell starts with SIGINT ignored, moved to init
        # before claimcheck looked for it, and outlived it (forty-fourth audit).
        self.interrupt_while_the_credential_process_runs(signal.SIGINT, os.killpg, exec_sleep=False)

    def test_an_interrupt_kills_a_credential_process_that_ignores_sigterm(self):
        # It, and the child that inherits the ignored signal, ran on for ever.
        self.interrupt_while_the_credential_process_runs(signal.SIGINT, os.kill,
                                                         body="trap '' TERM\nsleep 300 &\necho $$ $! >&2\nwait\n")

    def credential_process_leaving_an_orphan(self):
        """Configures a credential_process that prints credentials and leaves a `sleep 300`
        whose parent has ended; returns the file its pid is written to."""
        pid_file = self.write("orphan.pid", "")
        script = self.write("creds.sh", "#!/bin/sh\n( sleep 300 </dev/null >/dev/null 2>&1 & echo $! > {} )\n"
                            "printf '{{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}}'\n"
                            .format(pid_file), mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        return pid_file

    def test_what_a_credential_process_that_finished_left_running_outlives_claimcheck(self):
        # A browser a login opened, say: as when it was init's, it is not
        # claimcheck's to end once the command is done.
        pid_file = self.credential_process_leaving_an_orphan()
        result = self.offload()
        self.assertEqual(result.code, 6, result.err)  # the store is a closed port
        with open(pid_file) as f:
            orphan = int(f.read())
        try:
            with open("/proc/{}/stat".format(orphan)) as f:
                self.assertNotEqual(f.read().split()[2], "Z")  # running, or asleep
        finally:
            os.kill(orphan, signal.SIGKILL)

    def test_serve_reaps_an_orphan_its_credential_process_left_as_soon_as_it_ends(self):
        # It waited as a zombie of serve's until the next fetch: with
        # credentials that last an hour, an hour (forty-sixth audit).
        pid_file = self.credential_process_leaving_an_orphan()
        serve = subprocess.Popen([credtest.BINARY, "--max-attempts", "1", "serve", "--offload", "--listen",
                                  "127.0.0.1:0"], env=self.env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            port = int(re.search(r"listening on http://\S+:(\d+) ", serve.stderr.readline()).group(1))
            # An offload needs the credentials; the store is a closed port.
            payload = base64.b64encode(PAYLOAD * 10).decode()
            body = json.dumps({"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                                             "data": payload}]}).encode()
            request = urllib.request.Request("http://127.0.0.1:%d/encode" % port, data=body,
                                             headers={"Content-Type": "application/json"})
            with self.assertRaises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=60)
            self.assertEqual(answer.exception.code, 503)
            with open(pid_file) as f:
                orphan = int(f.read())

            def state():  # (state, parent), or None once reaped
                try:
                    with open("/proc/{}/stat".format(orphan)) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    return fields[0], int(fields[1])
                except FileNotFoundError:
                    return None
            self.assertEqual(state()[1], serve.pid)  # adopted
            os.kill(orphan, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while state() is not None and time.monotonic() < deadline:
                time.sleep(0.05)  # polling for the reap, which has no event to wait on
            self.assertIsNone(state(), "still serve's zombie")
        finally:
            serve.terminate()
            self.assertEqual(serve.wait(30), 0)
            serve.stderr.close()

    def test_inspect_and_stats_interrupted_end_their_credential_process_and_say_so(self):
        # They took the signal's default action: no line, and the credential_process
        # (a login prompt) outlived them, holding their stderr: `2>&1 | cat` waited
        # for it, past the 60 s bound claimcheck was no longer there to enforce.
        ref = self.write("ref.json", '{"_type":"claim_check_ref","key":"claimcheck/x","size_bytes":5,"compressed":false,'
                                         '"stored_at":"2026-12-01T00:00:00Z"}')
        for command, number in ((["inspect", ref], signal.SIGINT), (["stats", "--storage"], signal.SIGTERM),
                                (["inspect", ref], signal.SIGHUP)):
            with self.subTest(command=command[0], signal=number):
                # The signal's default action: the shell reports 128 + N.
                self.interrupt_while_the_credential_process_runs(number, os.kill, exec_sleep=False, command=command,
                                                                 line="interrupted: {}", status=-number)

    def test_gc_interrupted_while_its_credential_process_runs_says_interrupted_not_a_listing_failure(self):
        # The stop ends the credential_process, whose "ended: the program is
        # exiting" was reported as the listing failing.
        script = self.write("hang.sh", "#!/bin/sh\necho $$ >&2\nexec sleep 300\n", mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(script))
        proc = subprocess.Popen([credtest.BINARY, "--store", "s3://bucket", "--endpoint", "http://127.0.0.1:9",
                                 "--region", "us-east-1", "gc"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, start_new_session=True)
        try:
            int(proc.stderr.readline())  # the credential_process runs
            os.kill(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 130, err)
            self.assertIn("interrupted: stopped after the batches in flight", out.decode())
            self.assertNotIn("listing failed", out.decode())
            self.assertEqual(err.decode(), "claimcheck: interrupted: INT, stopped after the batches in flight\n")
        finally:
            proc.kill()
            proc.wait()

    def test_credential_process_garbage_and_expired_output(self):
        garbage = self.write("garbage.sh", "#!/bin/sh\necho 'AccessKeyId=AKID SecretAccessKey=garbage-secret'\n",
                             mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(garbage))
        result = self.offload()
        self.one_error_line(result, 6, "credential_process of aws profile default: it did not print a JSON object")
        self.assert_no_secret(result, "garbage-secret")
        expired = self.write("expired.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", "
                                           "\"SecretAccessKey\": \"expired-secret\", "
                                           "\"Expiration\": \"2020-01-01T00:00:00Z\"}'\n", mode=0o700)
        self.aws_file("config", "[default]\ncredential_process = {}\n".format(expired))
        result = self.offload()
        self.one_error_line(result, 6, "it gave credentials that expired at 2020-01-01T00:00:00Z")
        self.assert_no_secret(result, "expired-secret")

    def test_profiles_that_cannot_work_name_what_they_use(self):
        self.aws_file("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                                "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n")
        self.env["AWS_PROFILE"] = "a"
        self.one_error_line(self.offload(), 2, "aws profile a: source_profile loop: a -> b -> a")

    # -- secrets with -vv ------------------------------------------------------
    def test_verbose_output_of_every_provider_holds_no_secret(self):
        """Each provider hands out made-up credentials with a session token;
        the S3 endpoint is closed, so every run ends in one error after -vv
        traced the whole chain."""
        server = self.server("--container-token", "container-auth-secret", "--sso-token", "sso-access-secret")
        sso_cache = os.path.join("home", ".aws", "sso", "cache", hashlib.sha1(b"s").hexdigest() + ".json")
        self.write(sso_cache, '{"accessToken": "sso-access-secret", "expiresAt": "2200-01-01T00:00:00Z"}')
        process = self.write("process.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                                           "\"SecretAccessKey\": \"process-secret\", \"SessionToken\": "
                                           "\"process-session-token\"}'\n", mode=0o700)
        self.aws_file("config", "[profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n"
                                "[sso-session s]\nsso_start_url = https://s\nsso_region = us-east-1\n"
                                "[profile process]\ncredential_process = {}\n".format(process))
        cases = {
            "instance metadata": {"AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url},
            "container": {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/container/c",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-secret"},
            "sso": {"AWS_PROFILE": "sso", "AWS_ENDPOINT_URL_SSO": server.url},
            "credential_process": {"AWS_PROFILE": "process"},
            "environment": {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret",
                            "AWS_SESSION_TOKEN": "env-session-token"},
        }
        base = dict(self.env)
        for name, variables in cases.items():
            with self.subTest(provider=name):
                self.env = dict(base, **variables)
                result = self.offload("-vv")
                self.assertEqual(result.code, 6, result.err)
                self.assertIn("credentials", result.err)
                self.assertIn(" -> ", result.err)  # the trace is really there
                self.assert_no_secret(result, "container-auth-secret", "sso-access-secret",
                                      "process-secret", "process-session-token",
                                      "env-secret", "env-session-token", *self.issued_secrets(server))
        self.assertEqual(server.stats()["served"], {"imds": 1, "container": 1, "sso": 1})


if __name__ == "__main__":
    credtest.BINARY = os.path.abspath(sys.argv[1])
    sys.exit(run_suite(Failures))
