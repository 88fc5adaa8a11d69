// Configuration precedence (flags > environment > file > defaults) with an
// injected environment and temporary config files.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "config/setting_values.hpp"
#include "core/error.hpp"
#include "sigv4/credential_providers.hpp"
#include "stores/s3_store.hpp"
#include "test_support.hpp"

using claimcheck::CompressPolicy;
using claimcheck::Config;
using claimcheck::ConfigOverrides;
using claimcheck::Error;
using claimcheck::ErrorKind;
using claimcheck::format_store;
using claimcheck::uses_s3;
using claimcheck::testing::TempDir;
using claimcheck::testing::write_file;
using namespace std::chrono_literals;

namespace {

using Env = std::map<std::string, std::string>;

claimcheck::Getenv fake_env(const Env& vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

/// A sandbox HOME so that the default config file and ~/.aws are ours.
struct Sandbox {
  TempDir home;
  Env env{{"HOME", home.path()}};
  std::string config_path() const { return home / ".config/claimcheck/config"; }
  void write_config(const std::string& text) const { write_file(config_path(), text); }
  Config load(const ConfigOverrides& flags = {}) const {
    return claimcheck::load_config(flags, fake_env(env));
  }
};

/// Runs `load` and returns the Error(Usage) it must throw.
Error usage_error(const Sandbox& box, const ConfigOverrides& flags = {}) {
  try {
    box.load(flags);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::Internal, "", "");
}

}  // namespace

TEST_CASE("defaults without any setting") {
  Sandbox box;
  const Config c = box.load();
  CHECK(c.enabled);
  CHECK(c.threshold == 51200);
  CHECK(c.ttl == 30 * 24h);
  CHECK(c.compress == CompressPolicy::Auto);
  CHECK(c.level == 1);
  CHECK(c.prefix == "claimcheck/");
  CHECK(c.store_kind == "local");
  CHECK(c.local_dir == box.home / ".local/share/claimcheck");
  CHECK(c.journal_dir == box.home / ".local/state/claimcheck");
  CHECK(c.origin.at("threshold") == "default");
  CHECK(c.origin.at("store") == "default");
  CHECK(c.origin.count("config") == 0);
}

TEST_CASE("XDG directories are used when set") {
  Sandbox box;
  box.env["XDG_DATA_HOME"] = box.home / "data";
  box.env["XDG_STATE_HOME"] = box.home / "state";
  box.env["XDG_CONFIG_HOME"] = box.home / "cfg";
  write_file(box.home / "cfg/claimcheck/config", "threshold = 1KiB\n");
  const Config c = box.load();
  CHECK(c.local_dir == box.home / "data/claimcheck");
  CHECK(c.journal_dir == box.home / "state/claimcheck");
  CHECK(c.threshold == 1024);
  CHECK(c.origin.at("threshold") == "file " + box.home / "cfg/claimcheck/config:1");
}

TEST_CASE("precedence table: flag > env > file > default") {
  struct Row {
    const char* name;
    std::optional<std::string> flag, env, file;
    std::uint64_t threshold;
    std::string origin;
    std::vector<std::string> losers;  // what -v says is set and not used
  };
  const Row rows[] = {
      {"default only", {}, {}, {}, 51200, "default", {}},
      {"file only", {}, {}, "2KiB", 2048, "file", {}},
      {"env over file", {}, "3000", "2KiB", 3000, "env CLAIMCHECK_THRESHOLD_BYTES", {"file"}},
      {"flag over env and file", "1MB", "3000", "2KiB", 1000000, "flag --threshold",
       {"env CLAIMCHECK_THRESHOLD_BYTES", "file"}},
      {"flag over file", "4K", {}, "2KiB", 4096, "flag --threshold", {"file"}},
      {"empty env counts as unset", {}, "", "2KiB", 2048, "file", {}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    Sandbox box;
    if (row.env) box.env["CLAIMCHECK_THRESHOLD_BYTES"] = *row.env;
    if (row.file) box.write_config("# comment\nthreshold = " + *row.file + "\n");
    ConfigOverrides flags;
    if (row.flag) flags.set("threshold", *row.flag);
    const Config c = box.load(flags);
    CHECK(c.threshold == row.threshold);
    CHECK(c.origin.at("threshold").starts_with(row.origin));
    const auto losers = c.unused_origins.find("threshold");
    REQUIRE(row.losers.size() == (losers == c.unused_origins.end() ? 0 : losers->second.size()));
    for (std::size_t i = 0; i < row.losers.size(); ++i) CHECK(losers->second[i].starts_with(row.losers[i]));
  }
}

TEST_CASE("a config file that starts with a UTF-8 byte order mark reads as one without") {
  // Windows editors write one: the first key had been unknown.
  Sandbox box;
  box.write_config("\xEF\xBB\xBFthreshold = 2KiB\n");
  CHECK(box.load().threshold == 2048);
}

TEST_CASE("every setting from each level") {
  Sandbox box;
  box.write_config(
      "store = /srv/from-file\nprefix = filepfx\nthreshold = 10\nttl = 2d\ncompress = always\n"
      "level = 3\nenabled = false\njournal_dir = /var/j\n");
  Config c = box.load();
  CHECK(c.local_dir == "/srv/from-file");
  CHECK(c.prefix == "filepfx/");
  CHECK(c.ttl == 48h);
  CHECK(c.compress == CompressPolicy::Always);
  CHECK(c.level == 3);
  CHECK_FALSE(c.enabled);
  CHECK(c.journal_dir == "/var/j");
  CHECK(c.origin.at("level") == "file " + box.config_path() + ":6");

  box.env["CLAIMCHECK_STORE"] = "file:///srv/from-env";
  box.env["CLAIMCHECK_PREFIX"] = "envpfx/";
  box.env["CLAIMCHECK_TTL_DAYS"] = "7";
  box.env["CLAIMCHECK_COMPRESSION_ENABLED"] = "false";
  box.env["CLAIMCHECK_ENABLED"] = "true";
  box.env["CLAIMCHECK_JOURNAL_DIR"] = "/var/envj";
  c = box.load();
  CHECK(c.local_dir == "/srv/from-env");
  CHECK(c.prefix == "envpfx/");
  CHECK(c.ttl == 7 * 24h);
  CHECK(c.compress == CompressPolicy::Never);
  CHECK(c.enabled);
  CHECK(c.journal_dir == "/var/envj");
  CHECK(c.origin.at("ttl") == "env CLAIMCHECK_TTL_DAYS");

  ConfigOverrides flags;
  flags.set("store", "/srv/from-flag");
  flags.set("prefix", "");
  flags.set("ttl", "12h");
  flags.set("compress", "auto");
  flags.set("level", "9");
  c = box.load(flags);
  CHECK(c.local_dir == "/srv/from-flag");
  CHECK(c.prefix.empty());
  CHECK(c.ttl == 12h);
  CHECK(c.compress == CompressPolicy::Auto);
  CHECK(c.level == 9);
  CHECK(c.origin.at("store") == "flag --store");
}

TEST_CASE("the Go runner's spellings: strconv.ParseBool's t/f/T/F/True, strconv.Atoi's leading +") {
  Sandbox box;
  for (const auto& [text, compress] : {std::pair{"F", CompressPolicy::Never}, {"f", CompressPolicy::Never},
                                       {"False", CompressPolicy::Never}, {"T", CompressPolicy::Auto},
                                       {"t", CompressPolicy::Auto}, {"TRUE", CompressPolicy::Auto}}) {
    box.env["CLAIMCHECK_COMPRESSION_ENABLED"] = text;
    box.env["CLAIMCHECK_ENABLED"] = text;
    const Config c = box.load();
    CHECK(c.compress == compress);
    CHECK(c.enabled == (compress == CompressPolicy::Auto));
  }
  box.env["CLAIMCHECK_THRESHOLD_BYTES"] = "+51200";
  box.env["CLAIMCHECK_TTL_DAYS"] = "+30";
  const Config c = box.load();
  CHECK(c.threshold == 51200);
  CHECK(c.ttl == 30 * 24h);
  for (const char* bad : {"+", "++3", "-3", "+3d"}) {
    box.env["CLAIMCHECK_TTL_DAYS"] = bad;
    CHECK(usage_error(box).what_failed() == "CLAIMCHECK_TTL_DAYS");
  }
}

TEST_CASE("store selection: --store and CLAIMCHECK_STORE win, then R2_BUCKET, then the file") {
  Sandbox box;
  box.write_config("store = s3://file-bucket/filepfx\n");
  Config c = box.load();
  CHECK(c.store_kind == "s3");
  CHECK(c.s3.bucket == "file-bucket");
  CHECK(c.prefix == "filepfx/");

  box.env["R2_BUCKET"] = "r2-bucket";
  c = box.load();
  CHECK(c.s3.bucket == "r2-bucket");
  CHECK(c.prefix == "claimcheck/");  // the file's URL prefix belongs to the file's store
  CHECK(c.origin.at("store") == "env R2_BUCKET");

  box.env["CLAIMCHECK_STORE"] = "s3://env-bucket/a/b";
  c = box.load();
  CHECK(c.s3.bucket == "env-bucket");
  CHECK(c.prefix == "a/b/");

  ConfigOverrides flags;
  flags.set("store", box.home / "localdir");
  c = box.load(flags);
  CHECK(c.store_kind == "local");
  CHECK(c.local_dir == box.home / "localdir");
  CHECK(c.prefix == "claimcheck/");
}

TEST_CASE("store_location names the store open_store opens, without opening it") {
  Sandbox box;
  ConfigOverrides flags;
  flags.set("store", "relative/dir");
  Config c = box.load(flags);
  CHECK(claimcheck::store_location(c) == claimcheck::open_store(c)->location());
  CHECK(claimcheck::store_location(c).starts_with("file:///"));
  box.env["CLAIMCHECK_STORE"] = "s3://the-bucket/a/prefix";
  box.env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  box.env["AWS_SECRET_ACCESS_KEY"] = "secret";
  c = box.load();
  CHECK(claimcheck::store_location(c) == "s3://the-bucket");
  CHECK(claimcheck::store_location(c) == claimcheck::open_store(c)->location());
  box.env.erase("CLAIMCHECK_STORE");
  box.env.erase("HOME");
  CHECK(claimcheck::store_location(box.load()).empty());  // no store to open: no name either
}

TEST_CASE("an explicit prefix beats the store URL's prefix at the same level") {
  Sandbox box;
  box.env["CLAIMCHECK_STORE"] = "s3://b/urlpfx";
  box.env["CLAIMCHECK_PREFIX"] = "explicit";
  CHECK(box.load().prefix == "explicit/");
  ConfigOverrides flags;
  flags.set("store", "s3://b/flagpfx");
  CHECK(box.load(flags).prefix == "flagpfx/");
}

TEST_CASE("S3 settings: R2 variables over AWS ones over the file over the AWS profile") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  write_file(box.home / ".aws/credentials",
             "[default]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = profilesecret\n");
  write_file(box.home / ".aws/config",
             "[default]\nregion = eu-west-3\nendpoint_url = https://profile.example\n");
  Config c = box.load();
  CHECK(c.s3.access_key_id == "PROFILEKEY");
  CHECK(c.s3.region == "eu-west-3");
  CHECK(c.s3.endpoint == "https://profile.example");
  CHECK(c.origin.at("credentials").starts_with("aws profile default ("));

  box.write_config("access_key_id = FILEKEY\nsecret_access_key = filesecret\nregion = file-region\n"
                   "endpoint = https://file.example/\n");
  c = box.load();
  CHECK(c.s3.access_key_id == "FILEKEY");
  CHECK(c.s3.region == "file-region");
  CHECK(c.s3.endpoint == "https://file.example");

  box.env["AWS_ACCESS_KEY_ID"] = "AWSKEY";
  box.env["AWS_SECRET_ACCESS_KEY"] = "awssecret";
  box.env["AWS_SESSION_TOKEN"] = "awstoken";
  box.env["AWS_DEFAULT_REGION"] = "aws-default";
  box.env["AWS_ENDPOINT_URL"] = "http://aws-endpoint:1";
  c = box.load();
  CHECK(c.s3.access_key_id == "AWSKEY");
  CHECK(c.s3.session_token == "awstoken");
  box.env["AWS_SECURITY_TOKEN"] = "oldertoken";  // its older name, read first as botocore reads it
  CHECK(box.load().s3.session_token == "oldertoken");
  box.env.erase("AWS_SESSION_TOKEN");
  CHECK(box.load().s3.session_token == "oldertoken");
  box.env.erase("AWS_SECURITY_TOKEN");
  box.env["AWS_SESSION_TOKEN"] = "awstoken";
  CHECK(c.s3.region == "aws-default");
  CHECK(c.s3.endpoint == "http://aws-endpoint:1");

  box.env["AWS_REGION"] = "aws-region";
  box.env["AWS_ENDPOINT_URL_S3"] = "http://aws-s3-endpoint:2";
  c = box.load();
  CHECK(c.s3.region == "aws-region");
  CHECK(c.s3.endpoint == "http://aws-s3-endpoint:2");

  box.env["R2_ACCESS_KEY_ID"] = "R2KEY";
  box.env["R2_SECRET_ACCESS_KEY"] = "r2secret";
  box.env["R2_REGION"] = "auto";
  box.env["R2_ENDPOINT"] = "https://acct.r2.cloudflarestorage.com";
  c = box.load();
  CHECK(c.s3.access_key_id == "R2KEY");
  CHECK(c.s3.secret_access_key == "r2secret");
  CHECK(c.s3.session_token.empty());  // the AWS token belongs to the AWS key
  CHECK(c.s3.region == "auto");
  CHECK(c.s3.endpoint == "https://acct.r2.cloudflarestorage.com");
  CHECK(c.origin.at("credentials") == "env R2_ACCESS_KEY_ID");
  // -v names the sources that lost, in order: the AWS variables, the file,
  // the default profile's own keys.
  REQUIRE(c.unused_origins.count("credentials") == 1);
  const auto& lost = c.unused_origins.at("credentials");
  REQUIRE(lost.size() == 3);
  CHECK(lost[0] == "env AWS_ACCESS_KEY_ID");
  CHECK(lost[1].starts_with("file "));
  CHECK(lost[2].starts_with("aws profile default ("));

  ConfigOverrides flags;
  flags.set("region", "flag-region");
  flags.set("endpoint", "http://flag:3");
  c = box.load(flags);
  CHECK(c.s3.region == "flag-region");
  CHECK(c.s3.endpoint == "http://flag:3");
}

TEST_CASE("-v names every credential source that lost: to --profile, to keys given, within the profile") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  write_file(box.home / ".aws/credentials", "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = d\n"
                                            "[p1]\naws_access_key_id = P1KEY\naws_secret_access_key = p\n");
  write_file(box.home / ".aws/config", "[profile p1]\ncredential_process = /bin/creds\n");
  box.env["R2_ACCESS_KEY_ID"] = "R2KEY";
  box.env["R2_SECRET_ACCESS_KEY"] = "r2secret";
  box.env["AWS_ACCESS_KEY_ID"] = "AWSKEY";
  box.env["AWS_SECRET_ACCESS_KEY"] = "awssecret";
  // Keys given win over the default profile's own: it is named as unused.
  Config c = box.load();
  CHECK(c.origin.at("credentials") == "env R2_ACCESS_KEY_ID");
  CHECK(c.unused_origins.at("credentials") ==
        std::vector<std::string>{"env AWS_ACCESS_KEY_ID", "aws profile default (" + box.home / ".aws/credentials:2)"});
  // --profile outranks both variables (R2's was not named), and within p1
  // its keys beat its credential_process.
  ConfigOverrides flags;
  flags.set("profile", "p1");
  c = box.load(flags);
  CHECK(c.s3.access_key_id == "P1KEY");
  CHECK(c.unused_origins.at("credentials") ==
        std::vector<std::string>{"env R2_ACCESS_KEY_ID", "env AWS_ACCESS_KEY_ID",
                                 "credential_process of aws profile p1 (" + box.home / ".aws/config:2)"});
  // The environment's web identity over AWS_PROFILE's keys.
  for (const char* name : {"R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
    box.env.erase(name);
  box.env["AWS_PROFILE"] = "default";
  box.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = box.home / "token";
  box.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/irsa";
  c = box.load();
  CHECK(c.origin.at("credentials").starts_with("web identity arn:aws:iam::123456789012:role/irsa"));
  CHECK(c.unused_origins.at("credentials") ==
        std::vector<std::string>{"aws profile default (" + box.home / ".aws/credentials:2)"});
}

TEST_CASE("region defaults: auto with an endpoint, us-east-1 for AWS itself") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  CHECK(box.load().s3.region == "us-east-1");
  box.env["R2_ENDPOINT"] = "https://x.r2.cloudflarestorage.com";
  CHECK(box.load().s3.region == "auto");
}

TEST_CASE("AWS_PROFILE selects a [profile name] section; a missing one is an error") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  write_file(box.home / ".aws/config",
             "[default]\nregion = wrong\n[profile dev]\naws_access_key_id = DEVKEY\n"
             "aws_secret_access_key = devsecret\nregion = dev-region\ns3 =\n  endpoint_url = http://nested\n");
  box.env["AWS_PROFILE"] = "dev";
  Config c = box.load();
  CHECK(c.s3.access_key_id == "DEVKEY");
  CHECK(c.s3.region == "dev-region");
  CHECK(c.s3.endpoint.empty());
  box.env["AWS_PROFILE"] = "nope";
  const Error e = usage_error(box);
  CHECK(e.what_failed() == "AWS_PROFILE");
  CHECK(e.why().find("'nope'") != std::string::npos);
}

TEST_CASE("an AWS file line the AWS CLI cannot parse stops with its file and line, never its text") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  const std::string credentials = box.home / ".aws/credentials";
  for (const auto& [text, line] : std::vector<std::pair<std::string, int>>{
           {"[default\naws_access_key_id = KEY\n", 1},
           {"[default]\naws_access_key_id = KEY\naws_secret_access_key SECRETVALUE\n", 3},
           {"# comment\naws_access_key_id = KEY\n[default]\n", 2},
           {"[default]\n= SECRETVALUE\n", 2},
           {"[]\n", 1}}) {
    write_file(credentials, text);
    const Error e = usage_error(box);
    CHECK(e.what_failed() == credentials);
    CHECK(e.why().starts_with("line " + std::to_string(line) + ": "));
    CHECK(std::string(e.what()).find("SECRETVALUE") == std::string::npos);
  }
  // What configparser accepts: ':' as the delimiter, comments.
  write_file(credentials, "; comment\n[default]\naws_access_key_id: COLONKEY\naws_secret_access_key = s:e=c\n");
  const Config c = box.load();
  CHECK(c.s3.access_key_id == "COLONKEY");
  CHECK(c.s3.secret_access_key == "s:e=c");
  // A continuation line makes a secret of two lines there, which no store
  // accepts: the line is named (it had been dropped, and the first line used).
  write_file(credentials, "[default]\naws_access_key_id = KEY\naws_secret_access_key = s:e=c\n  SECRETVALUE\n");
  const Error e = usage_error(box);
  CHECK(e.why() == "line 4: an indented line continues the value before it (a value of several lines)");
  CHECK(std::string(e.what()).find("SECRETVALUE") == std::string::npos);
}

TEST_CASE("a prefix no key can have is the setting's usage error, wherever it comes from") {
  Sandbox box;
  for (const char* bad : {"a/../b", "a//b", "./x", "a/\x01/b"}) {
    ConfigOverrides flags;
    flags.set("prefix", bad);
    const Error e = usage_error(box, flags);
    CHECK(e.what_failed() == "--prefix");
    CHECK(e.why().find("is not a key prefix") != std::string::npos);
  }
  ConfigOverrides too_long;
  too_long.set("prefix", std::string(1000, 'a'));  // with the 55 bytes of date and uuid: over 1,024
  CHECK(usage_error(box, too_long).why().find("bytes long") != std::string::npos);
  ConfigOverrides longest;
  longest.set("prefix", std::string(200, 'a') + "/" + std::string(200, 'b') + "/" + std::string(200, 'c') + "/" +
                            std::string(200, 'd') + "/" + std::string(164, 'e'));  // keys of exactly 1,024 bytes
  CHECK(box.load(longest).prefix.size() == 1024 - 55);

  box.env["CLAIMCHECK_PREFIX"] = "x/../y";
  CHECK(usage_error(box).what_failed() == "CLAIMCHECK_PREFIX");
  box.env.erase("CLAIMCHECK_PREFIX");
  box.env["CLAIMCHECK_STORE"] = "s3://bucket/..";
  CHECK(usage_error(box).what_failed() == "CLAIMCHECK_STORE");
}

TEST_CASE("a bucket name no S3 store can have is the store setting's usage error") {
  Sandbox box;
  for (const char* bad : {"s3://bucket?x=1", "s3://a#b/p", "s3://b%2Fc", "s3://au dit", "s3://b\\c"}) {
    box.env["CLAIMCHECK_STORE"] = bad;
    CHECK(usage_error(box).what_failed() == "CLAIMCHECK_STORE");
  }
  box.env["CLAIMCHECK_STORE"] = "s3://Old_Bucket.example-1/p";  // a legacy us-east-1 name
  CHECK(box.load().s3.bucket == "Old_Bucket.example-1");
}

TEST_CASE("a store that begins with a URL scheme and is not s3:// or file:// is refused, never a relative directory") {
  Sandbox box;
  const auto why = [&](const std::string& value) {
    box.env["CLAIMCHECK_STORE"] = value;
    return std::string(usage_error(box).what());
  };
  for (const char* bad : {"s3:/audit", "s3:audit", "S3:audit", "S3://audit", "file:dir", "FILE:///x", "File:dir",
                          "notastore:x", "gs:bucket", "r2+x.y-z:b"})
    CHECK(why(bad) == "CLAIMCHECK_STORE: '" + std::string(bad) +
                          "' is not a supported store (s3://bucket/prefix, file:///dir or a directory)");
  CHECK(why("file:/abs/dir") == "CLAIMCHECK_STORE: 'file:/abs/dir' is not a supported store "
                                "(a file URL takes three slashes: file:///abs/dir)");
  box.env.erase("CLAIMCHECK_STORE");

  ConfigOverrides flags;
  flags.set("store", "s3:/audit");
  CHECK(usage_error(box, flags).what_failed() == "--store");
  box.write_config("store = file:relative\n");
  CHECK(usage_error(box).what_failed() == box.config_path() + ":1: store");

  box.write_config("store = file://localhost/srv/store\n");  // RFC 8089's host part
  CHECK(box.load().local_dir == "/srv/store");

  box.write_config("store = ./s3:audit\n");  // a directory so named, spelled as one
  const Config c = box.load();
  CHECK(c.store_kind == "local");
  CHECK(c.local_dir.ends_with("/s3:audit"));
}

TEST_CASE("a relative path in the config file is under the file's directory; elsewhere under the current one") {
  Sandbox box;
  box.write_config("store = rel/store\njournal_dir = ./journal\n");
  const std::filesystem::path dir = std::filesystem::path(box.config_path()).parent_path();
  Config c = box.load();
  CHECK(c.local_dir == (dir / "rel/store").string());
  CHECK(c.journal_dir == (dir / "journal").string());
  box.env["CLAIMCHECK_STORE"] = "rel/store";
  c = box.load();
  CHECK(c.local_dir == (std::filesystem::current_path() / "rel/store").string());
}

TEST_CASE("the AWS profile is not read for a local store") {
  Sandbox box;
  box.env["AWS_PROFILE"] = "missing";  // would be an error for S3
  CHECK(box.load().store_kind == "local");
}

TEST_CASE("half a credential pair names the missing variable") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  box.env["R2_ACCESS_KEY_ID"] = "KEY";
  Error e = usage_error(box);
  CHECK(e.what_failed() == "R2_ACCESS_KEY_ID");
  CHECK(e.why() == "is set but R2_SECRET_ACCESS_KEY is not");
  box.env.erase("R2_ACCESS_KEY_ID");
  box.env["AWS_SECRET_ACCESS_KEY"] = "shh-secret";
  e = usage_error(box);
  CHECK(e.what_failed() == "AWS_SECRET_ACCESS_KEY");
  CHECK(std::string(e.what()).find("shh-secret") == std::string::npos);
}

TEST_CASE("S3 without keys: EC2 instance metadata last; disabled, open_store says what was tried") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  const Config chained = box.load();
  CHECK(chained.origin.at("credentials") == "EC2 instance metadata (nothing found before it)");
  CHECK(claimcheck::open_store(chained) != nullptr);  // nothing is contacted yet
  box.env["AWS_EC2_METADATA_DISABLED"] = "true";
  const Config c = box.load();
  CHECK(c.origin.count("credentials") == 0);
  try {
    claimcheck::open_store(c);
    FAIL("opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.what_failed() == "no credentials");
    CHECK(e.why().starts_with("tried R2_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID, the config file, web identity, "
                              "aws profile default ("));
    CHECK(e.why().ends_with("container credentials; EC2 instance metadata is disabled"));
  }
}

TEST_CASE("instance metadata's timeout and attempts: sigv4's defaults, the variables, the profile's keys") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  const Config defaults = box.load();
  CHECK(defaults.s3.chain.imds_timeout == sigv4::kImdsTimeout);
  CHECK(defaults.s3.chain.imds_attempts == sigv4::kImdsAttempts);
  write_file(box.home / ".aws/config", "[default]\nmetadata_service_timeout = 3\nmetadata_service_num_attempts = 2\n");
  const Config profile = box.load();
  CHECK(profile.s3.chain.imds_timeout == 3000ms);
  CHECK(profile.s3.chain.imds_attempts == 2);
  box.env["AWS_METADATA_SERVICE_TIMEOUT"] = "0.25";
  box.env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = "4";
  const Config variables = box.load();
  CHECK(variables.s3.chain.imds_timeout == 250ms);
  CHECK(variables.s3.chain.imds_attempts == 4);
  for (const char* bad : {"0", "61", "1s", ".5"}) {
    CAPTURE(bad);
    box.env["AWS_METADATA_SERVICE_TIMEOUT"] = bad;
    CHECK(usage_error(box).what_failed() == "AWS_METADATA_SERVICE_TIMEOUT");
  }
  box.env["AWS_METADATA_SERVICE_TIMEOUT"] = "1";
  box.env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = "0";
  CHECK(usage_error(box).what_failed() == "AWS_METADATA_SERVICE_NUM_ATTEMPTS");
}

TEST_CASE("each bad environment variable is named with its value") {
  const std::pair<const char*, const char*> bad[] = {
      {"CLAIMCHECK_THRESHOLD_BYTES", "12xyz"}, {"CLAIMCHECK_TTL_DAYS", "soon"},
      {"CLAIMCHECK_TTL_DAYS", "-3"},           {"CLAIMCHECK_ENABLED", "maybe"},
      {"CLAIMCHECK_COMPRESSION_ENABLED", "sometimes"}, {"CLAIMCHECK_STORE", "gs://bucket"},
      {"CLAIMCHECK_STORE", "file://relative"}, {"CLAIMCHECK_PREFIX", "/abs"},
      {"R2_BUCKET", "a/b"},
  };
  for (const auto& [name, value] : bad) {
    const auto& shown = name;  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(shown);
    Sandbox box;
    box.env[name] = value;
    const Error e = usage_error(box);
    CHECK(e.what_failed() == name);
    CHECK(e.why().find(std::string("'") + value + "'") != std::string::npos);
  }
  Sandbox box;
  box.env["CLAIMCHECK_THRESHOLD_BYTES"] = "12xyz";
  CHECK(usage_error(box).why() == "'12xyz' is not a size (examples: 51200, 50KiB, 50KB, 1MiB, 2G)");
}

TEST_CASE("S3-only variables are checked when the store is S3") {
  // {variable, value, as the message shows it}: a password never.
  const std::tuple<const char*, const char*, const char*> bad[] = {
      {"R2_ENDPOINT", "ftp://x", "ftp://x"},
      {"AWS_ENDPOINT_URL", "localhost:7480", "localhost:7480"},
      {"AWS_ENDPOINT_URL_S3", "https://host/path", "https://host/path"},
      {"R2_ENDPOINT", "https://user:pw@host", "https://<redacted>@host"},
      {"R2_ENDPOINT", "user:pw@host", "<redacted>@host"},
      {"R2_ENDPOINT", "https://", "https://"}};
  for (const auto& [name, value, shown_value] : bad) {
    const auto& shown = name;  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(shown);
    Sandbox box;
    box.env["R2_BUCKET"] = "bkt";
    box.env[name] = value;
    const Error e = usage_error(box);
    CHECK(e.what_failed() == name);
    CHECK(e.why().find(std::string("'") + shown_value + "'") != std::string::npos);
    CHECK(e.why().find("pw") == std::string::npos);
  }
}

TEST_CASE("a TTL that puts the expiry beyond the clock is its setting's error, naming where it came from") {
  Sandbox box;
  box.env["CLAIMCHECK_TTL_DAYS"] = "100000";
  Error e = usage_error(box);
  CHECK(std::string(e.what()) ==
        "CLAIMCHECK_TTL_DAYS: '100000' puts the expiry beyond what the clock can represent (years 1678 to 2262)");
  ConfigOverrides flags;
  flags.set("ttl", "100000d");
  CHECK(usage_error(box, flags).what_failed() == "--ttl");
  flags.set("ttl", "36500d");  // a century is fine
  CHECK(box.load(flags).ttl == 36500 * 24h);
}

TEST_CASE("a flag overrides a broken variable; bad flags are named") {
  Sandbox box;
  box.env["CLAIMCHECK_THRESHOLD_BYTES"] = "12xyz";
  ConfigOverrides flags;
  flags.set("threshold", "1KiB");
  CHECK(box.load(flags).threshold == 1024);
  flags.set("threshold", "lots");
  CHECK(usage_error(box, flags).what_failed() == "--threshold");
  box.env.erase("CLAIMCHECK_THRESHOLD_BYTES");
  ConfigOverrides level;
  level.set("level", "12");
  CHECK(usage_error(box, level).what_failed() == "--level");
  ConfigOverrides compress;
  compress.set("compress", "false");  // the flag takes auto|always|never only
  CHECK(usage_error(box, compress).what_failed() == "--compress");
}

TEST_CASE("config file errors carry file:line") {
  struct Row { const char* text; int line; const char* fragment; };
  const Row rows[] = {
      {"threshold = 1KiB\nbogus = 1\n", 2, "unknown key 'bogus'"},
      {"# ok\n\nthreshold 12\n", 3, "expected 'key = value'"},
      {"ttl = 1d\nttl = 2d\n", 2, "already set on line 1"},
      {"store = /x\nthreshold = 12xyz\n", 2, "'12xyz' is not a size"},
      {"ttl = forever\n", 1, "'forever' is not a duration"},
      {"level = 0\n", 1, "'0' is not a level"},
      {"enabled = perhaps\n", 1, "'perhaps' is not a boolean"},
      {"compress = sometimes\n", 1, "'sometimes' is not one of"},
      {"virtual_hosted = 2\n", 1, "'2' is not a boolean"},
      {"endpoint = example.com\n", 1, "'example.com' is not an http"},
      {"prefix = \"unterminated\n", 1, "unterminated quoted value"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    Sandbox box;
    box.write_config(row.text);
    const Error e = usage_error(box);
    CHECK(std::string(e.what()).starts_with(box.config_path() + ":" + std::to_string(row.line)));
    CHECK(e.why().find(row.fragment) != std::string::npos);
  }
}

TEST_CASE("config file syntax: comments, quotes, inline comments") {
  Sandbox box;
  box.write_config("  # indented comment\nprefix = \"with space\"  # trailing\nstore = /a#b\n");
  const Config c = box.load();
  CHECK(c.prefix == "with space/");
  CHECK(c.local_dir == "/a#b");
  CHECK(c.origin.at("config") == "default " + box.config_path());
}

TEST_CASE("explicit config file: --config over CLAIMCHECK_CONFIG; missing is an error") {
  Sandbox box;
  box.write_config("threshold = 1\n");
  write_file(box.home / "env.conf", "threshold = 2\n");
  write_file(box.home / "flag.conf", "threshold = 3\n");
  box.env["CLAIMCHECK_CONFIG"] = box.home / "env.conf";
  CHECK(box.load().threshold == 2);
  ConfigOverrides flags;
  flags.set("config", box.home / "flag.conf");
  CHECK(box.load(flags).threshold == 3);

  flags.set("config", box.home / "absent.conf");
  Error e = usage_error(box, flags);
  CHECK(e.what_failed() == "--config");
  CHECK(e.why().find("absent.conf") != std::string::npos);
  box.env["CLAIMCHECK_CONFIG"] = box.home / "absent-too.conf";
  e = usage_error(box);
  CHECK(e.what_failed() == "CLAIMCHECK_CONFIG");
}

TEST_CASE("without HOME the local store cannot be opened, with a clear error") {
  const Config c = claimcheck::load_config({}, fake_env({}));
  CHECK(c.local_dir.empty());
  try {
    claimcheck::open_store(c);
    FAIL("opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.why().find("--store") != std::string::npos);
  }
}

TEST_CASE("the real process environment is read") {
  setenv("CLAIMCHECK_TEST_CONFIG_PROBE", "probe-value", 1);
  CHECK(claimcheck::process_environment()("CLAIMCHECK_TEST_CONFIG_PROBE") == "probe-value");
  CHECK_FALSE(claimcheck::process_environment()("CLAIMCHECK_TEST_UNSET_PROBE").has_value());
}

TEST_CASE("an S3 store the client cannot use is Error(Usage), not a crash") {
  claimcheck::S3Settings settings;
  settings.bucket = "bkt";
  settings.region = "auto";  // R2's region, but no endpoint
  settings.access_key_id = "KEY";
  settings.secret_access_key = "secret";
  try {
    claimcheck::make_s3_store(settings);
    FAIL("made");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.what_failed() == "s3://bkt");
    CHECK(e.why().find("endpoint") != std::string::npos);
  }
  settings.region = "us-east-1";
  CHECK(claimcheck::make_s3_store(settings)->location() == "s3://bkt");  // nothing contacted
}

TEST_CASE("a CA bundle that cannot be read is its setting's usage error, before the first request") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  box.env["AWS_ACCESS_KEY_ID"] = "KEY";
  box.env["AWS_SECRET_ACCESS_KEY"] = "secret";
  box.env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";  // never reached: the check comes first
  box.env["CLAIMCHECK_MAX_ATTEMPTS"] = "1";
  const auto first_request_error = [&] {
    const auto store = claimcheck::open_store(box.load());
    CHECK_FALSE(store->fetch_url("claimcheck/k", 60s).empty());  // presigning sends nothing
    try {
      store->head("claimcheck/k");
    } catch (const Error& e) {
      return e;
    }
    FAIL("no error");
    return Error(ErrorKind::Internal, "", "");
  };
  const std::string missing = box.home / "missing.pem";
  box.env["AWS_CA_BUNDLE"] = missing;
  box.env["SSL_CERT_FILE"] = box.home.path();
  Error e = first_request_error();
  CHECK(e.kind() == ErrorKind::Usage);
  CHECK(std::string(e.what()) == "AWS_CA_BUNDLE: CA bundle " + missing + ": No such file or directory");

  box.env.erase("AWS_CA_BUNDLE");
  e = first_request_error();
  CHECK(e.kind() == ErrorKind::Usage);
  CHECK(std::string(e.what()) == "SSL_CERT_FILE: CA bundle " + box.home.path() + ": Is a directory");

  box.env.erase("SSL_CERT_FILE");
  box.write_config("ca_bundle = " + missing + "\n");
  e = first_request_error();
  CHECK(e.kind() == ErrorKind::Usage);
  CHECK(e.what_failed() == box.config_path() + ":1: ca_bundle: CA bundle " + missing);

  write_file(missing, "");  // readable: the request goes ahead and fails to connect
  CHECK(first_request_error().kind() == ErrorKind::Store);
}

TEST_CASE("serve's settings: only for serve, from flag, environment, file or default") {
  Sandbox box;
  Config c = box.load();  // another command: serve's rows are not resolved
  CHECK(c.origin.count("serve_listen") == 0);
  CHECK(c.serve.listen.port == 0);

  ConfigOverrides serve;
  serve.command = "serve";
  c = box.load(serve);
  CHECK(c.serve.listen.host == "127.0.0.1");
  CHECK(c.serve.listen.port == 8081);
  CHECK(c.serve.allowed_origins == std::vector<std::string>{"http://localhost:8233", "http://127.0.0.1:8233"});
  CHECK(c.serve.cache_bytes == 128u << 20);
  CHECK(c.serve.display_limit == 256u << 10);
  CHECK(c.serve.body_limit == 16u << 20);
  CHECK(c.serve.request_timeout == 10s);
  CHECK_FALSE((c.serve.offload || c.serve.insecure || c.serve.allow_credentials));
  CHECK(c.serve.token_file.empty());
  CHECK(c.origin.at("serve_listen") == "default");

  box.write_config("serve_listen = 127.0.0.2:1\nserve_cache_size = 1MiB\nserve_token_file = ~/token\n"
                   "serve_insecure = true\n");
  box.env["CLAIMCHECK_SERVE_LISTEN"] = "[::1]:9000";
  box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] = "https://a.example, https://b.example";
  box.env["CLAIMCHECK_SERVE_OFFLOAD"] = "true";
  box.env["CLAIMCHECK_SERVE_REQUEST_TIMEOUT"] = "2m";
  c = box.load(serve);
  CHECK(c.serve.listen.host == "::1");
  CHECK(c.serve.listen.port == 9000);
  CHECK(c.origin.at("serve_listen") == "env CLAIMCHECK_SERVE_LISTEN");
  CHECK(c.serve.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(c.serve.offload);
  CHECK(c.serve.request_timeout == 120s);
  CHECK(c.serve.cache_bytes == 1u << 20);
  CHECK(c.serve.token_file == box.home / "token");
  CHECK(c.serve.insecure);
  CHECK(c.origin.at("serve_cache_size") == "file " + box.config_path() + ":2");

  serve.set("serve_listen", "localhost:0");
  serve.set("serve_offload", "true");
  c = box.load(serve);
  CHECK(c.serve.listen.host == "localhost");
  CHECK(c.origin.at("serve_listen") == "flag --listen");
}

TEST_CASE("serve's bad values are named like any other") {
  Sandbox box;
  ConfigOverrides serve;
  serve.command = "serve";
  box.env["CLAIMCHECK_SERVE_LISTEN"] = "8081";
  CHECK(std::string(usage_error(box, serve).what()) ==
        "CLAIMCHECK_SERVE_LISTEN: '8081' is not HOST:PORT");
  box.env.erase("CLAIMCHECK_SERVE_LISTEN");
  box.env["CLAIMCHECK_SERVE_MAX_BODY"] = "0";
  CHECK(std::string(usage_error(box, serve).what()) == "CLAIMCHECK_SERVE_MAX_BODY: must be more than 0");
  box.env.erase("CLAIMCHECK_SERVE_MAX_BODY");
  box.write_config("serve_request_timeout = 0s\n");  // checked when the file is read, by any command
  CHECK(std::string(usage_error(box).what()) == box.config_path() + ":1: serve_request_timeout: must be at least 1s");
}

TEST_CASE("serve's origins: written as a browser sends them; one that never could be is refused") {
  Sandbox box;
  ConfigOverrides serve;
  serve.command = "serve";
  box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] =
      "HTTP://LocalHost:8233/, https://cloud.temporal.io:443, http://[::1]:80, http://x.com:0080, http://y.com:, "
      "http://[::1]:08233";
  CHECK(box.load(serve).serve.allowed_origins ==
        std::vector<std::string>{"http://localhost:8233", "https://cloud.temporal.io", "http://[::1]", "http://x.com",
                                 "http://y.com", "http://[::1]:8233"});
  box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] = "http://x.com:99999";
  CHECK(std::string(usage_error(box, serve).what()) ==
        "CLAIMCHECK_SERVE_ALLOW_ORIGIN: 'http://x.com:99999' is not an origin with a port from 0 to 65535");
  box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] = "https://\xe4\xbe\x8b.jp";
  CHECK(std::string(usage_error(box, serve).what()).find("punycode") != std::string::npos);
  const std::string expected = "is not an origin (http://HOST[:PORT] or https://HOST[:PORT], no path)";
  for (const char* bad : {"localhost:8233", "https://cloud.temporal.io/path", "ftp://x", "http://", "null",
                          "http://user@x", "http://x?y", "http://x:8a", "http://:80"}) {
    box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] = bad;
    CHECK(std::string(usage_error(box, serve).what()) ==
          "CLAIMCHECK_SERVE_ALLOW_ORIGIN: '" + std::string(bad) + "' " + expected);
  }
  box.env["CLAIMCHECK_SERVE_ALLOW_ORIGIN"] = "*";
  CHECK(std::string(usage_error(box, serve).what()).starts_with(
      "CLAIMCHECK_SERVE_ALLOW_ORIGIN: '*' is not allowed: name each origin"));
}

TEST_CASE("a whole number may carry a leading '+', as the README says, and nothing else") {
  Sandbox box;
  box.env["CLAIMCHECK_LIST_CONCURRENCY"] = "+3";
  CHECK(box.load().list_concurrency == 3);
  for (const char* bad : {"+", "+-3", "-3", "3x"}) {
    box.env["CLAIMCHECK_LIST_CONCURRENCY"] = bad;
    CHECK(std::string(usage_error(box).what()) ==
          "CLAIMCHECK_LIST_CONCURRENCY: '" + std::string(bad) + "' is not an integer from 1 to 64");
  }
}

TEST_CASE("a bucket name with a character no bucket has is refused where it was given") {
  Sandbox box;
  box.env["R2_BUCKET"] = "bkt";
  for (const char* bad : {"Bad_Bucket!", "..", ".b", "b-"}) {
    box.env["CLAIMCHECK_READ_BUCKETS"] = "fine-bucket," + std::string(bad);
    CHECK(std::string(usage_error(box).what()) ==
          "CLAIMCHECK_READ_BUCKETS: '" + std::string(bad) +
              "' is not a bucket name (letters, digits, '.', '-' and '_', starting and ending with a letter or digit)");
  }
}

TEST_CASE("serve's namespace stores: NAMESPACE=STORE entries, one store per namespace") {
  Sandbox box;
  ConfigOverrides serve;
  serve.command = "serve";
  CHECK(box.load(serve).serve.namespace_stores.empty());

  box.env["CLAIMCHECK_SERVE_NAMESPACE_STORE"] = "team-a=s3://bucket-a/pre, team.b@acct=~/b-store";
  Config c = box.load(serve);
  REQUIRE(c.serve.namespace_stores.size() == 2);
  CHECK(c.serve.namespace_stores[0].ns == "team-a");
  CHECK(c.serve.namespace_stores[0].store.kind == "s3");
  CHECK(c.serve.namespace_stores[0].store.bucket == "bucket-a");
  CHECK(c.serve.namespace_stores[0].store.prefix == std::optional<std::string>("pre"));
  CHECK(c.serve.namespace_stores[1].ns == "team.b@acct");
  CHECK(c.serve.namespace_stores[1].store.kind == "local");
  CHECK(c.serve.namespace_stores[1].store.dir == box.home / "b-store");
  CHECK(c.origin.at("serve_namespace_store") == "env CLAIMCHECK_SERVE_NAMESPACE_STORE");
  CHECK(format_store(c.serve.namespace_stores[0].store) == "s3://bucket-a/pre");
  CHECK(format_store(c.serve.namespace_stores[1].store) == "file://" + (box.home / "b-store"));

  // Only serve has them.
  CHECK(box.load().serve.namespace_stores.empty());

  const auto why = [&](const std::string& value) {
    box.env["CLAIMCHECK_SERVE_NAMESPACE_STORE"] = value;
    return std::string(usage_error(box, serve).what());
  };
  CHECK(why("s3://bucket-a") == "CLAIMCHECK_SERVE_NAMESPACE_STORE: 's3://bucket-a' is not NAMESPACE=STORE "
                                "(a namespace name of letters, digits and ._@-)");
  CHECK(why("a b=/x") == "CLAIMCHECK_SERVE_NAMESPACE_STORE: 'a b=/x' is not NAMESPACE=STORE "
                         "(a namespace name of letters, digits and ._@-)");
  CHECK(why("a=") == "CLAIMCHECK_SERVE_NAMESPACE_STORE: '' is not a store (s3://bucket/prefix, file:///dir or a directory)");
  CHECK(why("a=http://x/y") == "CLAIMCHECK_SERVE_NAMESPACE_STORE: 'http://x/y' is not a supported store "
                               "(s3://bucket/prefix, file:///dir or a directory)");
  CHECK(why("a=/x,a=/y") == "CLAIMCHECK_SERVE_NAMESPACE_STORE: namespace a is given twice (one store per namespace)");
}

TEST_CASE("an S3 namespace store has the S3 settings resolved even when the store is local") {
  Sandbox box;
  ConfigOverrides serve;
  serve.command = "serve";
  box.env["AWS_ACCESS_KEY_ID"] = "AWSKEY";
  box.env["AWS_SECRET_ACCESS_KEY"] = "awssecret";
  box.env["AWS_ENDPOINT_URL"] = "http://aws-endpoint:1";
  CHECK(box.load(serve).s3.access_key_id.empty());  // a local store alone never reads them
  box.env["CLAIMCHECK_SERVE_NAMESPACE_STORE"] = "team-a=s3://bucket-a";
  const Config c = box.load(serve);
  CHECK(c.store_kind == "local");
  CHECK(uses_s3(c));
  CHECK(c.s3.access_key_id == "AWSKEY");
  CHECK(c.s3.endpoint == "http://aws-endpoint:1");
}
