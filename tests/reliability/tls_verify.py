#!/usr/bin/python3
"""TLS is verified by default. A throw-away CA and server certificate are made
with `openssl`; tests/tools/fault_proxy.py terminates TLS with them (no
faults) in front of radosgw. claimcheck must:

  - refuse the server when it does not know the CA (exit 6, one stderr line
    that mentions the certificate), for offload and retrieve;
  - work (exact round trip) once given that CA through AWS_CA_BUNDLE;
  - still refuse, with the CA, a certificate issued for another host name.

usage: tls_verify.py CLAIMCHECK_EXE
"""

import os
import subprocess
import sys
import tempfile

from claimcheck_test import (Claimcheck, FaultProxy, Failures, s3_env,
                        s3_settings_or_skip, sha256, unique_prefix)

STORE_ERROR = 6


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(folder):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=claimcheck reliability test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    return os.path.join(folder, "ca.pem")


def make_server_cert(folder, name, subject_alt_names):
    """A server certificate signed by the CA in `folder`; returns (cert, key)."""
    extensions = os.path.join(folder, name + ".ext")
    with open(extensions, "w") as f:
        f.write("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                "subjectAltName=" + subject_alt_names + "\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
            "-out", name + ".csr", "-subj", "/CN=" + name, cwd=folder)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", extensions,
            cwd=folder)
    return os.path.join(folder, name + ".pem"), os.path.join(folder, name + ".key")


def check_refused(failures, label, run):
    where = "{}: {}".format(label, run.describe())
    failures.check(run.returncode == STORE_ERROR, "want exit 6: " + where)
    lines = run.stderr_lines()
    failures.check(len(lines) == 1 and lines[0].startswith("claimcheck: "),
                   "want exactly one 'claimcheck: ' stderr line: " + where)
    failures.check("certificate" in run.stderr_text.lower(),
                   "the message does not mention the certificate: " + where)
    failures.check(run.stdout == b"", "printed on stdout: " + where)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    settings = s3_settings_or_skip("tls_verify")
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="cc-tls-") as root:
        pki = os.path.join(root, "pki")
        os.makedirs(pki)
        ca = make_ca(pki)
        good_cert, good_key = make_server_cert(pki, "server", "IP:127.0.0.1,DNS:localhost")
        other_cert, other_key = make_server_cert(pki, "other", "DNS:other.example.invalid")
        claimcheck = Claimcheck(os.path.abspath(sys.argv[1]), root)
        payload = os.urandom(256 * 1024)
        # A reference to an object that exists, written without TLS.
        prefix = unique_prefix("tls")
        seeded = claimcheck.run(["offload", "--force"], stdin_bytes=payload,
                                env=s3_env(settings, prefix=prefix))
        if not failures.check(seeded.returncode == 0, "seed offload failed: " + seeded.describe()):
            failures.finish()
        with FaultProxy(settings.endpoint, "--tls-cert", good_cert, "--tls-key", good_key) as proxy:
            env = s3_env(settings, endpoint=proxy.url("https"), prefix=prefix)
            check_refused(failures, "offload, unknown CA",
                          claimcheck.run(["offload", "--force"], stdin_bytes=payload, env=env))
            check_refused(failures, "retrieve, unknown CA",
                          claimcheck.run(["retrieve"], stdin_bytes=seeded.stdout, env=env))
            trusted = dict(env, AWS_CA_BUNDLE=ca)
            offload = claimcheck.run(["offload", "--force"], stdin_bytes=payload, env=trusted)
            failures.check(offload.returncode == 0, "offload with AWS_CA_BUNDLE: " + offload.describe())
            for label, reference in (("new", offload.stdout), ("seeded", seeded.stdout)):
                back = claimcheck.run(["retrieve"], stdin_bytes=reference, env=trusted)
                failures.check(back.returncode == 0 and sha256(back.stdout) == sha256(payload),
                               "retrieve ({}) with AWS_CA_BUNDLE not exact: {}".format(
                                   label, back.describe()))
            print("with AWS_CA_BUNDLE: offload exit {}".format(offload.returncode))
        with FaultProxy(settings.endpoint, "--tls-cert", other_cert, "--tls-key", other_key) as proxy:
            env = s3_env(settings, endpoint=proxy.url("https"), prefix=prefix)
            check_refused(failures, "offload, certificate for another host",
                          claimcheck.run(["offload", "--force"], stdin_bytes=payload,
                                         env=dict(env, AWS_CA_BUNDLE=ca)))
    failures.finish()


if __name__ == "__main__":
    sys.exit(main())
