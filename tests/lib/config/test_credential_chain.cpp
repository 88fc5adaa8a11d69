// Which provider the credential chain picks, in the AWS CLI's order, from
// shared files written here and an injected environment; and the one-line
// errors of profiles that cannot work. Nothing is contacted: only the
// decision and the names -v prints are checked (the providers themselves
// are tested in tests/sigv4, the whole chain end to end in tests/cli).
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <map>
#include <optional>
#include <string>

#include "config/credential_chain.hpp"
#include "core/error.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using testing::TempDir;
using testing::write_file;

namespace {

// The chain's settings as load_config leaves them without any variable.
S3Settings defaults() {
  S3Settings s3;
  s3.region = "us-east-1";
  s3.chain.profile = "default";
  s3.chain.imds_timeout = sigv4::kImdsTimeout;
  s3.chain.imds_attempts = sigv4::kImdsAttempts;
  return s3;
}

struct Chain {
  TempDir home;
  std::map<std::string, std::string> env{{"HOME", home.path()}};
  S3Settings s3 = defaults();
  CredentialChainSettings& settings = s3.chain;

  void credentials(const std::string& text) const { write_file(home / ".aws/credentials", text); }
  void config(const std::string& text) const { write_file(home / ".aws/config", text); }
  Getenv getenv() const {
    return [vars = env](const std::string& name) -> std::optional<std::string> {
      const auto it = vars.find(name);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  ResolvedChain resolve() const {
    const auto get = getenv();
    return resolve_credential_chain(s3, read_aws_shared_files(get), get);
  }
  /// The Error(Usage) resolving must throw.
  Error error() const {
    try {
      resolve();
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Usage);
      return e;
    }
    FAIL("no error");
    return Error(ErrorKind::Internal, "", "");
  }
  std::string config_path() const { return home / ".aws/config"; }
  std::string credentials_path() const { return home / ".aws/credentials"; }
};

constexpr const char* kRole = "arn:aws:iam::123456789012:role/worker";

}  // namespace

TEST_CASE("nothing configured: EC2 instance metadata, named as the last resort") {
  Chain chain;
  const ResolvedChain resolved = chain.resolve();
  REQUIRE(resolved.make);
  CHECK(resolved.origin == "EC2 instance metadata (nothing found before it)");
  CHECK(resolved.tried == "R2_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID, the config file, web identity, aws profile default (" +
                              chain.credentials_path() + ", " + chain.config_path() + "), container credentials");
  chain.settings.imds_disabled = true;
  const ResolvedChain disabled = chain.resolve();
  CHECK_FALSE(disabled.make);
  CHECK(disabled.tried.ends_with("; EC2 instance metadata is disabled"));
}

TEST_CASE("instance metadata failing before it ever answered is 'no credentials'; a refresh failing is its own") {
  // A refresh that failed said "no credentials: tried R2_ACCESS_KEY_ID, ...",
  // as if the whole chain had been read again.
  struct Metadata final : sigv4::CredentialsProvider {
    bool failing = true;
    std::string name() const override { return "EC2 instance metadata"; }
    sigv4::TimedCredentials fetch() override {
      if (failing)
        throw sigv4::CredentialsError(sigv4::CredentialsError::Cause::Provider, name(), "answered HTTP 500");
      return {{"AKID", "secret", "token"}, std::nullopt};
    }
  };
  auto metadata = std::make_shared<Metadata>();
  const auto provider = last_resort_provider(metadata, "AWS_ACCESS_KEY_ID, container credentials");
  auto reason_of = [&] {
    try {
      provider->fetch();
    } catch (const sigv4::CredentialsError& e) {
      return e.provider() + ": " + e.reason();
    }
    return std::string("no error");
  };
  CHECK(reason_of() == "no credentials: tried AWS_ACCESS_KEY_ID, container credentials; answered HTTP 500");
  metadata->failing = false;
  CHECK(reason_of() == "no error");
  metadata->failing = true;
  CHECK(reason_of() == "EC2 instance metadata: answered HTTP 500");
}

TEST_CASE("a profile's role wins over web identity, which wins over its keys") {
  Chain chain;
  chain.credentials("[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  chain.config(std::string("[default]\nrole_arn = ") + kRole + "\nsource_profile = default\n");
  chain.settings.web_identity_token_file = "/var/run/token";
  chain.settings.role_arn = "arn:aws:iam::123456789012:role/irsa";
  const ResolvedChain role = chain.resolve();
  CHECK(role.origin == std::string("assume-role ") + kRole + " (aws profile default), signed with aws profile default (" +
                           chain.credentials_path() + ":2)");
  CHECK_FALSE(role.fixed);

  chain.config("[default]\nregion = eu-west-1\n");
  CHECK(chain.resolve().origin == "web identity arn:aws:iam::123456789012:role/irsa (env AWS_WEB_IDENTITY_TOKEN_FILE)");

  chain.settings.web_identity_token_file.clear();
  const ResolvedChain keys = chain.resolve();
  CHECK(keys.origin == "aws profile default (" + chain.credentials_path() + ":2)");
  REQUIRE(keys.fixed);
  CHECK(keys.fixed->access_key_id == "AKIDBASE");
}

TEST_CASE("--profile turns the web identity variables off, as botocore's disable_env_vars does") {
  // Every EKS pod with IRSA has them: `--profile p1` there signed with the pod's role.
  Chain chain;
  chain.credentials("[p1]\naws_access_key_id = AKIDP1\naws_secret_access_key = p1-secret\n");
  chain.settings.web_identity_token_file = "/var/run/token";
  chain.settings.role_arn = "arn:aws:iam::123456789012:role/irsa";
  chain.settings.profile = "p1";
  // AWS_PROFILE=p1: the variables still count, over the profile's keys.
  CHECK(chain.resolve().origin == "web identity arn:aws:iam::123456789012:role/irsa (env AWS_WEB_IDENTITY_TOKEN_FILE)");
  chain.settings.profile_from_flag = true;
  const ResolvedChain keys = chain.resolve();
  REQUIRE(keys.fixed);
  CHECK(keys.fixed->access_key_id == "AKIDP1");
  // A profile of its own web identity uses its own role and token file, not the variables'.
  chain.config(std::string("[profile p1]\nrole_arn = ") + kRole + "\nweb_identity_token_file = /p1/token\n");
  chain.credentials("");
  CHECK(chain.resolve().origin ==
        std::string("web identity ") + kRole + " (aws profile p1 (" + chain.config_path() + ":3))");
}

TEST_CASE("keys in the credentials file beat credential_process, which beats keys in the config file") {
  Chain chain;
  chain.settings.profile = "p";
  chain.config("[profile p]\ncredential_process = /bin/creds --x\naws_access_key_id = AKIDCONFIG\n"
               "aws_secret_access_key = config-secret\n");
  const ResolvedChain process = chain.resolve();
  CHECK(process.origin == "credential_process of aws profile p (" + chain.config_path() + ":2)");
  CHECK(process.losers == std::vector<std::string>{"aws profile p (" + chain.config_path() + ":3)"});
  chain.credentials("[p]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDCREDS");
  chain.credentials("");
  chain.config("[profile p]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config-secret\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDCONFIG");
}

TEST_CASE("a profile's keys come from one file: the credentials file's outrank the config file's, named by -v") {
  Chain chain;
  chain.settings.profile = "p";
  chain.credentials("[p]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n");
  chain.config("[profile p]\nregion = eu-west-1\naws_access_key_id = AKIDCONFIG\n"
               "aws_secret_access_key = config-secret\naws_session_token = config-token\n");
  const ResolvedChain keys = chain.resolve();
  REQUIRE(keys.fixed);
  CHECK(keys.fixed->access_key_id == "AKIDCREDS");
  CHECK(keys.fixed->session_token.empty());  // the config file's token never goes with the other file's keys
  CHECK(keys.losers == std::vector<std::string>{"aws profile p (" + chain.config_path() + ":3)"});
  chain.config("[profile p]\naws_session_token = config-token\n");
  CHECK(chain.resolve().losers == std::vector<std::string>{"aws profile p (" + chain.config_path() + ":2)"});
  // The token's older name, read first as botocore reads it.
  chain.credentials("[p]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n"
                    "aws_security_token = older-token\naws_session_token = newer-token\n");
  CHECK(chain.resolve().fixed->session_token == "older-token");
  chain.credentials("[p]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n"
                    "aws_security_token = older-token\n");
  CHECK(chain.resolve().fixed->session_token == "older-token");
  // A key in one file and its secret in the other: the AWS CLI refuses the
  // credentials file's half (PartialCredentialsError), and so does claimcheck.
  chain.credentials("[p]\naws_access_key_id = AKIDCREDS\n");
  chain.config("[profile p]\naws_secret_access_key = config-secret\n");
  CHECK(chain.error().why() == "aws_access_key_id is set but aws_secret_access_key is not, in the same file");
  // The key makes a file's keys count: a secret alone is passed over, as
  // the AWS CLI passes it over, for the next source (or the same key's
  // file missing its secret: the config file named).
  chain.credentials("[p]\naws_secret_access_key = creds-secret\n");
  chain.config("[profile p]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config-secret\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDCONFIG");
  chain.config("[profile p]\naws_access_key_id = AKIDCONFIG\n");
  CHECK(chain.error().what_failed() == "aws profile p (" + chain.config_path() + ":2)");
}

TEST_CASE("chained roles: each source_profile followed; a profile with keys is a source as it is") {
  Chain chain;
  chain.settings.profile = "top";
  chain.credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  chain.config(std::string("[profile top]\nrole_arn = ") + kRole + "-top\nsource_profile = middle\n" +
               "[profile middle]\nrole_arn = " + kRole + "-middle\nsource_profile = base\n" +
               "[profile base]\nrole_arn = " + kRole + "-ignored\n");
  CHECK(chain.resolve().origin == std::string("assume-role ") + kRole + "-top (aws profile top), signed with " +
                                      "assume-role " + kRole + "-middle (aws profile middle), signed with " +
                                      "aws profile base (" + chain.credentials_path() + ":2)");
}

TEST_CASE("a source_profile loop is reported with its path") {
  Chain chain;
  chain.settings.profile = "a";
  chain.config(std::string("[profile a]\nrole_arn = ") + kRole + "\nsource_profile = b\n[profile b]\nrole_arn = " +
               kRole + "\nsource_profile = c\n[profile c]\nrole_arn = " + kRole + "\nsource_profile = a\n");
  const Error loop = chain.error();
  CHECK(loop.what_failed() == "aws profile a");
  CHECK(loop.why() == "source_profile loop: a -> b -> c -> a");
  chain.config(std::string("[profile a]\nrole_arn = ") + kRole + "\nsource_profile = a\n");
  CHECK(chain.error().why() == "source_profile loop: a -> a");
}

TEST_CASE("profiles that cannot work say what they use") {
  Chain chain;
  chain.settings.profile = "p";
  auto why = [&](const std::string& config) {
    chain.config(config);
    return chain.error().why();
  };
  const std::string role = std::string("[profile p]\nrole_arn = ") + kRole + "\n";
  CHECK(why(role + "source_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile base]\n") ==
        "role_arn with mfa_serial: claimcheck cannot prompt for an MFA code; use a profile without mfa_serial, or "
        "credentials from `aws sts get-session-token`");
  CHECK(why(role) == "role_arn needs source_profile or credential_source");
  CHECK(why(role + "source_profile = base\ncredential_source = Environment\n") ==
        "role_arn takes source_profile or credential_source, not both");
  CHECK(why(role + "source_profile = gone\n") ==
        "source_profile 'gone' is not in " + chain.credentials_path() + " or " + chain.config_path());
  CHECK(why(role + "source_profile = empty\n[profile empty]\nregion = x\n") ==
        "source_profile 'empty' has no credentials (keys, role_arn, sso or credential_process)");
  CHECK(why(role + "credential_source = Somewhere\n") ==
        "credential_source 'Somewhere' is not Environment, Ec2InstanceMetadata or EcsContainer");
  CHECK(why(role + "credential_source = Environment\n") ==
        "credential_source Environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  CHECK(why("[profile p]\nsso_account_id = 1\nsso_role_name = r\nsso_region = us-east-1\n") ==
        "uses SSO but aws profile p has no sso_start_url");
  chain.config(role + "source_profile = base\nduration_seconds = 60\n[profile base]\naws_access_key_id = A\n"
                      "aws_secret_access_key = S\n");
  CHECK(chain.error().why() ==
        "duration_seconds '60' of aws profile p is not a number of seconds from 900 to 43200");
  chain.config("[profile p]\nweb_identity_token_file = /t\n");
  CHECK(chain.error().why() == "is set but no role ARN is (AWS_ROLE_ARN or role_arn)");
  chain.config("[profile p]\naws_access_key_id = A\n");
  CHECK(chain.error().why() == "aws_access_key_id is set but aws_secret_access_key is not, in the same file");
}

TEST_CASE("credential_source: the environment's keys, the container or instance metadata") {
  Chain chain;
  chain.config(std::string("[default]\nrole_arn = ") + kRole + "\ncredential_source = Environment\n");
  chain.env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  chain.env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  CHECK(chain.resolve().origin.ends_with("signed with env AWS_ACCESS_KEY_ID"));
  chain.config(std::string("[default]\nrole_arn = ") + kRole + "\ncredential_source = Ec2InstanceMetadata\n");
  CHECK(chain.resolve().origin.ends_with("signed with EC2 instance metadata"));
  chain.config(std::string("[default]\nrole_arn = ") + kRole + "\ncredential_source = EcsContainer\n");
  chain.settings.container_full_uri = "http://127.0.0.1:9/creds";
  CHECK(chain.resolve().origin.ends_with("signed with container credentials (env AWS_CONTAINER_CREDENTIALS_FULL_URI)"));
}

TEST_CASE("SSO: sso_session sections and the legacy keys") {
  Chain chain;
  chain.settings.profile = "dev";
  chain.config("[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n"
               "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n");
  CHECK(chain.resolve().origin == "SSO 123456789012/ReadOnly (aws profile dev)");
  chain.config("[profile dev]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = r\n");
  CHECK(chain.error().why() ==
        "sso_session 'gone' has no [sso-session gone] section in " + chain.config_path());
  chain.config("[profile dev]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
               "sso_account_id = 1\nsso_role_name = r\n");
  CHECK(chain.resolve().origin == "SSO 1/r (aws profile dev)");
}

TEST_CASE("container credentials come after the profile, before instance metadata") {
  Chain chain;
  chain.settings.container_relative_uri = "/v2/credentials/abc";
  CHECK(chain.resolve().origin == "container credentials (env AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)");
  chain.credentials("[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
  CHECK(chain.resolve().fixed);
}

TEST_CASE("the profile's [services] section gives the STS endpoint; AWS_ENDPOINT_URL_STS wins over it") {
  Chain chain;
  chain.env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  chain.env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  chain.config(std::string("[default]\nservices = local\nrole_arn = ") + kRole +
               "\ncredential_source = Environment\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n");
  // Where STS is shows in the error of a fetch that cannot reach it (port 1: refused at once).
  auto reason = [&] {
    try {
      chain.resolve().make({})->fetch();
    } catch (const sigv4::CredentialsError& e) {
      return e.reason();
    }
    return std::string("fetched");
  };
  CHECK(reason().starts_with("STS at http://127.0.0.1:1 not reachable: ConnectionFailed"));
  chain.settings.sts_endpoint = "http://127.0.0.1:2";
  CHECK(reason().starts_with("STS at http://127.0.0.1:2 not reachable: ConnectionFailed"));
}

TEST_CASE("the shared files as configparser reads them: names in any case, an indented first key, ~ in their paths") {
  Chain chain;
  // The AWS CLI took these; claimcheck found no credentials.
  chain.credentials("[default]\nAWS_ACCESS_KEY_ID = AKIDUPPER\nAws_Secret_Access_Key = upper-secret\n");
  REQUIRE(chain.resolve().fixed);
  CHECK(chain.resolve().fixed->access_key_id == "AKIDUPPER");
  chain.credentials("[default]\n  aws_access_key_id = AKIDINDENT\naws_secret_access_key = indent-secret\n");
  REQUIRE(chain.resolve().fixed);
  CHECK(chain.resolve().fixed->access_key_id == "AKIDINDENT");
  // After a key, an indented line still continues it (a nested s3 block).
  chain.config("[default]\ns3 =\n  addressing_style = path\nregion = eu-west-1\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDINDENT");

  write_file(chain.home / "elsewhere/creds", "[default]\naws_access_key_id = AKIDTILDE\naws_secret_access_key = s\n");
  chain.env["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds";  // as a systemd unit sets it
  REQUIRE(chain.resolve().fixed);
  CHECK(chain.resolve().fixed->access_key_id == "AKIDTILDE");
}

TEST_CASE("the shared files as botocore reads them: a section named twice, a header or key repeated, quoted names") {
  Chain chain;
  // [default] and [profile default]: the later one counts, whole.
  chain.config("[default]\naws_access_key_id = AKIDFIRST\naws_secret_access_key = first\n"
               "[profile default]\naws_access_key_id = AKIDSECOND\naws_secret_access_key = second\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDSECOND");
  chain.config("[profile default]\naws_access_key_id = AKIDSECOND\naws_secret_access_key = second\n"
               "[default]\naws_access_key_id = AKIDFIRST\naws_secret_access_key = first\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDFIRST");
  chain.config("[default]\naws_access_key_id = AKIDFIRST\naws_secret_access_key = first\n"
               "[profile default]\nregion = eu-west-2\n");
  CHECK_FALSE(chain.resolve().fixed);  // the earlier section's keys are not mixed in
  // The credentials file's keys are its own, whatever the config file repeats.
  chain.credentials("[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDCREDS");
  chain.credentials("");

  // configparser (strict), so the AWS CLI, refuses a header or a key twice in one file.
  chain.config("[profile p]\nregion = eu-west-1\n\n[profile p]\nregion = eu-west-2\n");
  CHECK(chain.error().why() == "line 4: a section header seen before, at line 1 (the AWS CLI refuses a section twice)");
  chain.config("[default]\naws_access_key_id = AKID1\nAWS_ACCESS_KEY_ID = AKID2\n");
  CHECK(chain.error().why() == "line 3: a key seen before in its section, at line 2 (the AWS CLI refuses a key twice)");
  chain.credentials("[default]\naws_access_key_id = AKID1\n[default]\naws_access_key_id = AKID2\n");
  CHECK(chain.error().what_failed() == chain.credentials_path());
  chain.credentials("\xEF\xBB\xBF[default]\naws_access_key_id = AKIDBOM\naws_secret_access_key = s\n");
  CHECK(chain.error().why() == "line 1: it begins with a UTF-8 byte order mark, which the AWS CLI cannot read "
                               "either (save the file without it)");
  // The name in the brackets as written, blanks included: [ default ] is another section.
  chain.config("");
  chain.credentials("[ default ]\naws_access_key_id = AKIDSPACED\naws_secret_access_key = s\n");
  CHECK_FALSE(chain.resolve().fixed);
  chain.credentials("[default]\naws_access_key_id = AKIDPLAIN\naws_secret_access_key = s\n[ default ]\nregion = x\n");
  CHECK(chain.resolve().fixed->access_key_id == "AKIDPLAIN");
  // An indented line after a value continues it (a key of several lines): said, not dropped.
  chain.credentials("[default]\naws_access_key_id = AKIDCONT\n  continued\naws_secret_access_key = s\n");
  CHECK(chain.error().why() == "line 3: an indented line continues the value before it (a value of several lines)");
  chain.credentials("");

  // A profile name is one shell word: quoted with a blank, found; two words, not a profile.
  chain.config("[profile \"my p\"]\naws_access_key_id = AKIDQUOTED\naws_secret_access_key = q\n"
               "[profile x y]\naws_access_key_id = AKIDTWO\naws_secret_access_key = t\n");
  chain.settings.profile = "my p";
  CHECK(chain.resolve().fixed->access_key_id == "AKIDQUOTED");
  chain.settings.profile = "x y";
  CHECK_FALSE(chain.resolve().fixed);
}

TEST_CASE("an AWS file this process has no descriptor left to open stops the chain: not skipped, exit 1") {
  // Skipped, the profile's keys would be missed and another source sign instead.
  Chain chain;
  chain.credentials("[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n");
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit none = saved;
  none.rlim_cur = 0;  // no new descriptor: every open() is EMFILE
  REQUIRE(setrlimit(RLIMIT_NOFILE, &none) == 0);
  std::optional<Error> error;
  try {
    read_aws_shared_files(chain.getenv());
  } catch (const Error& e) {
    error = e;
  }
  REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  REQUIRE(error);
  CHECK(error->kind() == ErrorKind::Internal);
  CHECK(error->what_failed() == chain.credentials_path());
  CHECK(error->why() == "cannot be read: Too many open files (the limit on open files: ulimit -n 0)");
}
