// THE SETTINGS TABLE: every setting claimcheck reads from a flag, the
// environment, the config file or the AWS shared profile, one row each.
// Each default is written here and nowhere else.
//
// Precedence, for every row: flag > environment (in the row's order) >
// config file > AWS shared profile > default. An empty variable counts as
// unset. Only the winning value is parsed, except that every value in the
// config file is checked when the file is read. Errors name the flag,
// variable or file:line the value came from.
//
// HOW TO ADD A SETTING
//   1. Add the field it fills to Config (config.hpp), WITHOUT an initializer:
//      the default is the row's.
//   2. Add a row below (designated initializers, in Setting's member order;
//      see settings.hpp for every member):
//        .key          name in -v and Config::origin ("listen")
//        .flag         CLI11 names ("--listen", "-l,--listen"); "" none
//        .commands     {{"serve"}} : the commands carrying the flag, optionally
//                      with a narrower help line {"gc", "Only objects under..."};
//                      {} = a global option. A command that does not exist
//                      yet is fine: its file calls add_setting_options(sub,
//                      "serve", ...) when it is written.
//        .env          {{"CLAIMCHECK_LISTEN"}, ...} in precedence order (an entry may
//                      convert its value, and document a syntax of its own)
//        .file_key     key in the config file ("listen"); "" none
//        .profile_key  key in ~/.aws (only for Stage::S3 rows)
//        .value_name   "ADDR"
//        .apply        lambda: parse value.text (or value.items for a list)
//                      into target.config, throwing Error(Usage) naming
//                      value.label (parsers: setting_values.hpp, core/units.hpp)
//        .fallback     the default as text, parsed by .apply ("50KiB"), or
//        .compute_default + .default_doc for a default known only at run time
//        .help         one line for --help, the man page and completions
//        .show         value as -v prints it; null: only the origin (secrets)
//        .stage        ConfigFile | General | S3 (S3-only settings) | Command
//                      (only for the commands in .commands: serve's own)
//        .choices / .int_range   the values the flag accepts (checked by CLI11,
//                      offered by completions)
//        .switch_flag  the flag takes no value (--offload means true);
//                      environment and file give true/false
//        .list = true  a repeatable flag (--allow-origin a --allow-origin b);
//                      environment and file give "a,b"; .apply reads value.items
//        .hint         File | Directory: how shells complete the value
//        .unit/.required   members taken together from one source (credentials)
//   That is all. Generated from the row, with nothing else to edit:
//   load_config's resolution and error messages, the config file's known keys
//   and the check of its values, the CLI11 option on each listed command with
//   its value check and "(default ...)" in --help, -v's origin line, and at
//   build time (docgen/) the man page's entries in OPTIONS, ENVIRONMENT, the
//   config-file keys and FILES, and the bash, zsh and fish completions.
//   README's settings table must be the one `build/docgen/docgen readme`
//   prints (tests/docs compares them): paste its new line into README.md.
//   Longer prose about the flag, if any, goes into man/claimcheck.1.in as
//   an `.\" @about --flag` paragraph of the command's `@options` block.
//
// Rows are listed, and resolved within each stage, in this order; the config
// file's keys are named in this order in its "unknown key" error.
#include "config/settings.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/setting_values.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "sigv4/credential_providers.hpp"
#include "sigv4/s3_client.hpp"

namespace claimcheck {
namespace {

std::string_view policy_name(CompressPolicy policy) {
  switch (policy) {
    case CompressPolicy::Always: return "always";
    case CompressPolicy::Never: return "never";
    case CompressPolicy::Auto: break;
  }
  return "auto";
}

/// gc and stats: more partitions at once than this only crowd the server.
constexpr std::pair<int, int> kListConcurrencyRange{1, 64};
constexpr std::pair<int, int> kMaxAttemptsRange{1, 20};

/// Built on first use, so that other files' static objects may read it.
// The instance metadata defaults are sigv4's; the docs state them from there.
std::string_view imds_timeout_doc() {
  static const std::string doc = fmt::format("{:g}", std::chrono::duration<double>(sigv4::kImdsTimeout).count());
  return doc;
}

std::string_view imds_attempts_doc() {
  static const std::string doc = std::to_string(sigv4::kImdsAttempts);
  return doc;
}

std::chrono::seconds s3_client_connect_timeout() {
  return std::chrono::duration_cast<std::chrono::seconds>(sigv4::S3Config{}.connect_timeout);
}

std::string_view connect_timeout_doc() {
  static const std::string doc = format_duration(s3_client_connect_timeout());
  return doc;
}

std::string_view read_timeout_doc() {
  static const std::string doc = format_duration(sigv4::S3Config{}.stall_timeout);
  return doc;
}

std::string_view max_attempts_doc() {
  static const std::string doc = std::to_string(sigv4::S3Config{}.max_attempts);
  return doc;
}

/// A file or directory a setting names: '~' and a relative path made
/// absolute (expand_path, relative to the config file for a value from it).
/// An empty one is refused, never taken for "none": --token-file "$TOKEN"
/// with TOKEN unset must not turn the token off, nor --tls-cert TLS. (An
/// empty key in an AWS profile is left to mean none, as the AWS CLI reads it.)
std::string path_value(const SettingValue& v, const SettingTarget& t) {
  if (v.text.empty() && v.source != Source::Profile)
    throw Error(ErrorKind::Usage, v.label, "an empty file name (for none, leave it out)");
  return expand_path(v.text, t.env, v.base_dir);
}

const std::vector<Setting>& table() {
  static const std::vector<Setting> rows{
      {
          .key = "store",
          .flag = "--store",
          .env = {{"CLAIMCHECK_STORE"}, {"R2_BUCKET", bucket_store_url, "a bucket name: the store s3://<name>"}},
          .file_key = "store",
          .value_name = "URI",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                const StoreSpec spec = parse_store(v.text, v.label, t.env, v.base_dir);
                t.config.store_kind = spec.kind;
                t.config.s3.bucket = spec.bucket;
                t.config.local_dir = spec.dir;
                // a prefix in the URL counts at the URL's level
                if (spec.prefix) t.implied.emplace_back("prefix", *spec.prefix);
              },
          .compute_default =
              [](SettingTarget& t) {
                t.config.store_kind = "local";
                t.config.local_dir = home_relative(t.env, "XDG_DATA_HOME", ".local/share");
              },
          .default_doc = "$XDG_DATA_HOME/claimcheck (else ~/.local/share/claimcheck)",
          .help = "Store URI: s3://bucket[/prefix], file:///dir or a directory (./ before one named s3:... or file:...)",
          .show =
              [](const Config& c) {
                return c.store_kind == "s3" ? "s3://" + c.s3.bucket : "file://" + c.local_dir;
              },
          .hint = ValueHint::Directory,
      },
      {
          .key = "endpoint",
          .flag = "--endpoint",
          .env = {{"R2_ENDPOINT"}, {"AWS_ENDPOINT_URL_S3"}, {"AWS_ENDPOINT_URL"}},
          .file_key = "endpoint",
          .profile_key = "endpoint_url",
          .value_name = "URL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.endpoint = parse_endpoint(v.text, v.label); },
          .default_doc = "AWS S3 for the region",
          .help = "S3-compatible endpoint (R2, radosgw, MinIO): https://host[:port]",
          .show = [](const Config& c) { return c.s3.endpoint; },
          .stage = Stage::S3,
      },
      {
          .key = "region",
          .flag = "--region",
          .env = {{"R2_REGION"}, {"AWS_REGION"}, {"AWS_DEFAULT_REGION"}},
          .file_key = "region",
          .profile_key = "region",
          .value_name = "REGION",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.region = parse_region(v.text, v.label); },
          .compute_default =
              [](SettingTarget& t) {
                // "auto" is R2's region; without an endpoint the store is AWS itself.
                t.config.s3.region = t.config.s3.endpoint.empty() ? "us-east-1" : "auto";
              },
          .default_doc = "auto with an endpoint, else us-east-1",
          .help = "S3 signing region",
          .show = [](const Config& c) { return c.s3.region; },
          .stage = Stage::S3,
      },
      {
          // Resolved before the file it names is read: flag, environment, default.
          .key = "config",
          .flag = "--config",
          .env = {{"CLAIMCHECK_CONFIG"}},
          .value_name = "FILE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.config_file = path_value(v, t); },
          .compute_default =
              [](SettingTarget& t) {
                const std::string dir = home_relative(t.env, "XDG_CONFIG_HOME", ".config");
                t.config.config_file = dir.empty() ? "" : dir + "/config";
              },
          .default_doc = "$XDG_CONFIG_HOME/claimcheck/config (else ~/.config/claimcheck/config)",
          .help = "Configuration file (it must exist when named)",
          .stage = Stage::ConfigFile,
          .hint = ValueHint::File,
      },
      {
          .key = "prefix",
          .flag = "--prefix",
          .commands = {{"offload", "Key prefix for new objects"},
                       {"gc", "Only objects under this prefix (Temporal's S3 drivers: v0/)"},
                       {"stats", "List this prefix (Temporal's S3 drivers: v0/)"}},
          .env = {{"CLAIMCHECK_PREFIX"}},
          .file_key = "prefix",
          .value_name = "KEY_PREFIX",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.prefix = normalise_prefix(v.text, v.label); },
          .fallback = "claimcheck/",
          .help = "Key prefix of claimcheck's objects ('/' appended)",
          .show = [](const Config& c) { return c.prefix; },
      },
      {
          .key = "threshold",
          .flag = "--threshold",
          .commands = {{"offload"}, {"serve", "With --offload: offload at or above this size"}},
          .env = {{"CLAIMCHECK_THRESHOLD_BYTES"}},
          .file_key = "threshold",
          .value_name = "SIZE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.threshold = parse_size(v.text, v.label); },
          .fallback = "50KiB",
          .help = "Offload payloads at or above this size",
          .show = [](const Config& c) { return std::to_string(c.threshold); },
      },
      {
          .key = "ttl",
          .flag = "--ttl",
          .commands = {{"offload", "Keep the object this long (a bare number is days)"},
                       {"gc", "TTL for objects without a recorded expiry (a bare number is days)"},
                       {"inspect", "TTL for objects without a recorded expiry, as gc judges them (a bare number is days)"},
                       {"stats", "TTL for objects without a recorded expiry (a bare number is days)"}},
          .env = {{"CLAIMCHECK_TTL_DAYS", nullptr, "a duration, or a bare number of days"}},
          .file_key = "ttl",
          .value_name = "DURATION",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.ttl = parse_ttl(v.text, v.label); },
          .fallback = "30d",
          .help = "How long objects are kept: a duration, or a bare number of days; not 0",
          .show = [](const Config& c) { return format_duration(c.ttl); },
      },
      {
          .key = "compress",
          .flag = "--compress",
          .commands = {{"offload"}},
          .env = {{"CLAIMCHECK_COMPRESSION_ENABLED", nullptr, "a boolean: false is never, true is auto"}},
          .file_key = "compress",
          .value_name = "auto|always|never",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                // the variable is the Go runner's boolean; the flag takes the policy only
                t.config.compress = parse_compress(v.text, v.label, v.source != Source::Flag);
              },
          .fallback = "auto",
          .help = "gzip policy: auto compresses only when it pays off",
          .show = [](const Config& c) { return std::string(policy_name(c.compress)); },
          .choices = {"auto", "always", "never"},
      },
      {
          .key = "level",
          .flag = "--level",
          .commands = {{"offload"}},
          .file_key = "level",
          .value_name = "N",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.level = parse_level(v.text, v.label); },
          .fallback = "1",
          .help = "gzip level: 1 fastest, 9 smallest",
          .show = [](const Config& c) { return std::to_string(c.level); },
          .int_range = {1, 9},
      },
      {
          .key = "list_concurrency",
          .flag = "--list-concurrency",
          .commands = {{"gc"}, {"stats"}},
          .env = {{"CLAIMCHECK_LIST_CONCURRENCY"}},
          .file_key = "list_concurrency",
          .value_name = "N",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.list_concurrency = parse_int_in(v.text, v.label, kListConcurrencyRange);
              },
          // S3 answers a page of 1000 keys in tens of milliseconds: 8 listings
          // keep a client busy without crowding a small server.
          .fallback = "8",
          .help = "Date partitions of the prefix listed at once; 1 lists it as one sequence",
          .show = [](const Config& c) { return std::to_string(c.list_concurrency); },
          .int_range = kListConcurrencyRange,
      },
      {
          .key = "enabled",
          .env = {{"CLAIMCHECK_ENABLED"}},
          .file_key = "enabled",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.enabled = parse_bool(v.text, v.label); },
          .fallback = "true",
          .help = "Offload at all; false passes every payload through",
          .show = [](const Config& c) { return std::string(c.enabled ? "true" : "false"); },
      },
      {
          .key = "access_key_id",
          .env = {{"R2_ACCESS_KEY_ID"}, {"AWS_ACCESS_KEY_ID"}},
          .file_key = "access_key_id",
          .value_name = "KEY_ID",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.access_key_id = v.text; },
          .help = "S3 access key id",
          .stage = Stage::S3,
          .unit = "credentials",
          .required = true,
      },
      {
          .key = "secret_access_key",
          .env = {{"R2_SECRET_ACCESS_KEY"}, {"AWS_SECRET_ACCESS_KEY"}},
          .file_key = "secret_access_key",
          .value_name = "SECRET",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.secret_access_key = v.text; },
          .help = "S3 secret access key (never printed)",
          .stage = Stage::S3,
          .unit = "credentials",
          .required = true,
      },
      {
          .key = "session_token",
          .env = {{""}, {.name = "AWS_SESSION_TOKEN", .older_name = "AWS_SECURITY_TOKEN"}},  // R2 keys have no token
          .file_key = "session_token",
          .value_name = "TOKEN",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.session_token = v.text; },
          .help = "S3 session token for temporary credentials (never printed)",
          .stage = Stage::S3,
          .unit = "credentials",
      },
      {
          // Resolved before the shared files are read: it says which profile to read.
          .key = "profile",
          .flag = "--profile",
          .env = {{"AWS_PROFILE"}, {"AWS_DEFAULT_PROFILE"}},
          .file_key = "profile",
          .value_name = "NAME",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.s3.chain.profile = v.text;
                t.config.s3.chain.profile_named_by = v.source == Source::Default ? "" : v.label;
                t.config.s3.chain.profile_from_flag = v.source == Source::Flag;
              },
          .fallback = "default",
          .help = "AWS profile (~/.aws) for region, endpoint and credentials; the flag outranks keys and "
                  "web identity in the environment",
          .show = [](const Config& c) { return c.s3.chain.profile; },
          .stage = Stage::AwsProfile,
      },
      {
          .key = "web_identity_token_file",
          .env = {{"AWS_WEB_IDENTITY_TOKEN_FILE"}},
          .value_name = "FILE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.web_identity_token_file = path_value(v, t); },
          .help = "Web identity token for STS AssumeRoleWithWebIdentity (EKS IRSA), with AWS_ROLE_ARN",
          .show = [](const Config& c) { return c.s3.chain.web_identity_token_file; },
          .stage = Stage::S3,
          .hint = ValueHint::File,
      },
      {
          .key = "role_arn",
          .env = {{"AWS_ROLE_ARN"}},
          .value_name = "ARN",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.role_arn = v.text; },
          .help = "Role assumed with the web identity token",
          .show = [](const Config& c) { return c.s3.chain.role_arn; },
          .stage = Stage::S3,
      },
      {
          .key = "role_session_name",
          .env = {{"AWS_ROLE_SESSION_NAME"}},
          .value_name = "NAME",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.role_session_name = v.text; },
          .default_doc = "claimcheck-<unix time>",
          .help = "Session name of the role assumed with the web identity token",
          .show = [](const Config& c) { return c.s3.chain.role_session_name; },
          .stage = Stage::S3,
      },
      {
          .key = "container_credentials_relative_uri",
          .env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}},
          .value_name = "PATH",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.container_relative_uri = v.text; },
          .help = "ECS task role: credentials from the agent at 169.254.170.2 and this path (beginning with /)",
          .show = [](const Config& c) { return c.s3.chain.container_relative_uri; },
          .stage = Stage::S3,
      },
      {
          .key = "container_credentials_full_uri",
          .env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI"}},
          .value_name = "URL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.container_full_uri = parse_url(v.text, v.label); },
          .help = "EKS Pod Identity or a local agent: credentials from this URL (http only to loopback "
                  "or the agent's address)",
          .show = [](const Config& c) { return c.s3.chain.container_full_uri; },
          .stage = Stage::S3,
      },
      {
          .key = "container_authorization_token",
          .env = {{"AWS_CONTAINER_AUTHORIZATION_TOKEN"}},
          .value_name = "TOKEN",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.container_authorization_token = v.text; },
          .help = "Authorization header for the container agent (never printed)",
          .unused_beside = "container_authorization_token_file",
          .stage = Stage::S3,
      },
      {
          .key = "container_authorization_token_file",
          .env = {{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}},
          .value_name = "FILE",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.s3.chain.container_authorization_token_file = path_value(v, t);
              },
          .help = "File holding the container agent's authorization token, read at every fetch; wins over "
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
          .show = [](const Config& c) { return c.s3.chain.container_authorization_token_file; },
          .stage = Stage::S3,
          .hint = ValueHint::File,
      },
      {
          .key = "ec2_metadata_disabled",
          .env = {{"AWS_EC2_METADATA_DISABLED"}},
          .file_key = "ec2_metadata_disabled",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.imds_disabled = parse_bool(v.text, v.label); },
          .fallback = "false",
          .help = "true: never ask EC2 instance metadata for credentials",
          .show = [](const Config& c) { return std::string(c.s3.chain.imds_disabled ? "true" : "false"); },
          .stage = Stage::S3,
      },
      {
          .key = "ec2_metadata_service_endpoint_mode",
          .env = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"}},
          .profile_key = "ec2_metadata_service_endpoint_mode",
          .value_name = "IPv4|IPv6",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                if (v.text != "IPv4" && v.text != "IPv6")
                  throw Error(ErrorKind::Usage, v.label, "'" + v.text + "' is not IPv4 or IPv6");
                t.config.s3.chain.imds_ipv6 = v.text == "IPv6";
              },
          .fallback = "IPv4",
          .help = "Which address of EC2 instance metadata to use by default",
          .show = [](const Config& c) { return std::string(c.s3.chain.imds_ipv6 ? "IPv6" : "IPv4"); },
          .stage = Stage::S3,
          .choices = {"IPv4", "IPv6"},
      },
      {
          .key = "ec2_metadata_service_endpoint",
          .env = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT"}},
          .file_key = "ec2_metadata_service_endpoint",
          .profile_key = "ec2_metadata_service_endpoint",
          .value_name = "URL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.imds_endpoint = parse_endpoint(v.text, v.label); },
          .default_doc = "http://169.254.169.254 (IPv6: http://[fd00:ec2::254])",
          .help = "EC2 instance metadata endpoint",
          .show = [](const Config& c) { return c.s3.chain.imds_endpoint; },
          .stage = Stage::S3,
      },
      {
          .key = "ec2_metadata_v1",
          .env = {{"CLAIMCHECK_EC2_METADATA_V1"}},
          .file_key = "ec2_metadata_v1",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.imds_v1 = parse_bool(v.text, v.label); },
          .fallback = "false",
          .help = "true: use IMDSv1 (no session token) when the instance refuses IMDSv2's token request",
          .show = [](const Config& c) { return std::string(c.s3.chain.imds_v1 ? "true" : "false"); },
          .stage = Stage::S3,
      },
      {
          .key = "metadata_service_timeout",
          .env = {{"AWS_METADATA_SERVICE_TIMEOUT"}},
          .profile_key = "metadata_service_timeout",
          .value_name = "SECONDS",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.imds_timeout = parse_timeout_seconds(v.text, v.label); },
          .compute_default = [](SettingTarget& t) { t.config.s3.chain.imds_timeout = sigv4::kImdsTimeout; },
          .default_doc = imds_timeout_doc(),
          .help = "How long EC2 instance metadata may take to answer, in seconds",
          .show = [](const Config& c) { return std::to_string(c.s3.chain.imds_timeout.count()) + " ms"; },
          .stage = Stage::S3,
      },
      {
          .key = "metadata_service_num_attempts",
          .env = {{"AWS_METADATA_SERVICE_NUM_ATTEMPTS"}},
          .profile_key = "metadata_service_num_attempts",
          .value_name = "N",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.imds_attempts = parse_attempts(v.text, v.label); },
          .compute_default = [](SettingTarget& t) { t.config.s3.chain.imds_attempts = sigv4::kImdsAttempts; },
          .default_doc = imds_attempts_doc(),
          .help = "How many times EC2 instance metadata is asked before giving up",
          .show = [](const Config& c) { return std::to_string(c.s3.chain.imds_attempts); },
          .stage = Stage::S3,
      },
      {
          .key = "sts_endpoint",
          .env = {{"AWS_ENDPOINT_URL_STS"}},
          .file_key = "sts_endpoint",
          .value_name = "URL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.sts_endpoint = parse_endpoint(v.text, v.label); },
          .default_doc = "the profile's [services] sts endpoint_url, else https://sts.<region>.amazonaws.com",
          .help = "STS endpoint for roles and web identity",
          .show = [](const Config& c) { return c.s3.chain.sts_endpoint; },
          .stage = Stage::S3,
      },
      {
          .key = "sso_endpoint",
          .env = {{"AWS_ENDPOINT_URL_SSO"}},
          .file_key = "sso_endpoint",
          .value_name = "URL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.chain.sso_endpoint = parse_endpoint(v.text, v.label); },
          .default_doc = "the profile's [services] sso endpoint_url, else https://portal.sso.<sso_region>.amazonaws.com",
          .help = "IAM Identity Center (SSO) portal endpoint",
          .show = [](const Config& c) { return c.s3.chain.sso_endpoint; },
          .stage = Stage::S3,
      },
      {
          .key = "ca_bundle",
          .env = {{"AWS_CA_BUNDLE"}, {"SSL_CERT_FILE"}},
          .file_key = "ca_bundle",
          .profile_key = "ca_bundle",
          .value_name = "FILE",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.s3.ca_bundle = path_value(v, t);
                t.config.s3.ca_bundle_label = v.label;  // checked when the S3 store is made
              },
          .default_doc = "the system's CA certificates",
          .help = "CA certificates (a file) to verify the endpoint's TLS certificate with; one that cannot be read is exit 2, before any request",
          .show = [](const Config& c) { return c.s3.ca_bundle; },
          .stage = Stage::S3,
      },
      {
          .key = "virtual_hosted",
          .file_key = "virtual_hosted",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.virtual_hosted = parse_bool(v.text, v.label); },
          .default_doc = "false",
          .help = "true: bucket.host URLs (virtual-hosted style) instead of host/bucket",
          .show = [](const Config& c) { return std::string(c.s3.virtual_hosted ? "true" : "false"); },
          .stage = Stage::S3,
      },
      {
          .key = "connect_timeout",
          .flag = "--connect-timeout",
          .env = {{"CLAIMCHECK_CONNECT_TIMEOUT"}},
          .file_key = "connect_timeout",
          .value_name = "DURATION",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.connect_timeout = parse_timeout(v.text, v.label); },
          .compute_default = [](SettingTarget& t) { t.config.s3.connect_timeout = s3_client_connect_timeout(); },
          .default_doc = connect_timeout_doc(),
          .help = "Give up connecting to S3, STS or SSO after this long (then retry)",
          .show = [](const Config& c) { return format_duration(c.s3.connect_timeout); },
          .stage = Stage::S3,
      },
      {
          .key = "read_timeout",
          .flag = "--read-timeout",
          .env = {{"CLAIMCHECK_READ_TIMEOUT"}},
          .file_key = "read_timeout",
          .value_name = "DURATION",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.read_timeout = parse_timeout(v.text, v.label); },
          .compute_default = [](SettingTarget& t) { t.config.s3.read_timeout = sigv4::S3Config{}.stall_timeout; },
          .default_doc = read_timeout_doc(),
          .help = "Give up a request to S3, STS or SSO when no byte moves for this long (then retry)",
          .show = [](const Config& c) { return format_duration(c.s3.read_timeout); },
          .stage = Stage::S3,
      },
      {
          .key = "deadline",
          .flag = "--deadline",
          .env = {{"CLAIMCHECK_DEADLINE"}},
          .file_key = "deadline",
          .value_name = "DURATION",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.deadline = parse_deadline(v.text, v.label); },
          .default_doc = "none",
          .help = "Limit on one request to S3, STS or SSO with all its retries and waits; none: no limit",
          .show = [](const Config& c) { return c.s3.deadline.count() == 0 ? std::string("none") : format_duration(c.s3.deadline); },
          .stage = Stage::S3,
      },
      {
          .key = "max_attempts",
          .flag = "--max-attempts",
          .env = {{"CLAIMCHECK_MAX_ATTEMPTS"}, {"AWS_MAX_ATTEMPTS"}},
          .file_key = "max_attempts",
          .profile_key = "max_attempts",
          .value_name = "N",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.s3.max_attempts = parse_int_in(v.text, v.label, kMaxAttemptsRange); },
          .compute_default = [](SettingTarget& t) { t.config.s3.max_attempts = sigv4::S3Config{}.max_attempts; },
          .default_doc = max_attempts_doc(),
          .help = "Attempts per request to S3, STS or SSO, the first included (retries back off with jitter)",
          .show = [](const Config& c) { return std::to_string(c.s3.max_attempts); },
          .stage = Stage::S3,
          .int_range = kMaxAttemptsRange,
      },
      {
          .key = "read_buckets",
          .flag = "--read-bucket",
          .commands = {{"inspect"}, {"retrieve"}, {"serve"}},
          .env = {{"CLAIMCHECK_READ_BUCKETS"}},
          .file_key = "read_buckets",
          .value_name = "BUCKET",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.s3.read_buckets.clear();
                for (const std::string& item : v.items) t.config.s3.read_buckets.push_back(parse_bucket(item, v.label));
              },
          .default_doc = "none: only the --store bucket",
          .help = "Another bucket Temporal External Storage references may be read from (same endpoint and "
                  "credentials, also beside a local store; repeatable)",
          .show =
              [](const Config& c) {
                std::string list;
                for (const std::string& b : c.s3.read_buckets) list += (list.empty() ? "" : ",") + b;
                return list;
              },
          .list = true,
      },
      {
          .key = "journal_dir",
          .env = {{"CLAIMCHECK_JOURNAL_DIR"}},
          .file_key = "journal_dir",
          .value_name = "DIR",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.journal_dir = path_value(v, t); },
          .compute_default =
              [](SettingTarget& t) { t.config.journal_dir = home_relative(t.env, "XDG_STATE_HOME", ".local/state"); },
          .default_doc = "$XDG_STATE_HOME/claimcheck (else ~/.local/state/claimcheck)",
          .help = "Where the operation journal read by stats is kept",
          .show = [](const Config& c) { return c.journal_dir; },
          .hint = ValueHint::Directory,
      },
      // serve's own settings: resolved only for `claimcheck serve`.
      {
          .key = "serve_listen",
          .flag = "--listen",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_LISTEN"}},
          .file_key = "serve_listen",
          .value_name = "HOST:PORT",
          .apply =
              [](const SettingValue& v, SettingTarget& t) { t.config.serve.listen = parse_listen_address(v.text, v.label); },
          .fallback = "127.0.0.1:8081",
          .help = "Address to listen on, HOST:PORT",
          .show = [](const Config& c) { return format_listen_address(c.serve.listen); },
          .stage = Stage::Command,
      },
      {
          .key = "serve_allow_origin",
          .flag = "--allow-origin",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_ALLOW_ORIGIN", nullptr, "origins separated by ','"}},
          .file_key = "serve_allow_origin",
          .value_name = "ORIGIN",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.serve.allowed_origins.clear();
                for (const std::string& item : v.items) t.config.serve.allowed_origins.push_back(parse_origin(item, v.label));
              },
          // the dev server's UI (`temporal server start-dev`), under both names a browser may use
          .fallback = "http://localhost:8233,http://127.0.0.1:8233",
          .help = "Web UI origin allowed by CORS (repeatable)",
          .show = [](const Config& c) { return fmt::format("{}", fmt::join(c.serve.allowed_origins, ",")); },
          .stage = Stage::Command,
          .list = true,
      },
      {
          .key = "serve_allow_credentials",
          .flag = "--allow-credentials",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_ALLOW_CREDENTIALS"}},
          .file_key = "serve_allow_credentials",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.allow_credentials = parse_bool(v.text, v.label); },
          .fallback = "false",
          .help = "Allow the UI's cross-origin credentials (cookies)",
          .show = [](const Config& c) { return std::string(c.serve.allow_credentials ? "true" : "false"); },
          .stage = Stage::Command,
          .switch_flag = true,
      },
      {
          .key = "serve_token_file",
          .flag = "--token-file",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_TOKEN_FILE"}},
          .file_key = "serve_token_file",
          .value_name = "FILE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.token_file = path_value(v, t); },
          .default_doc = "none: no token required",
          .help = "Require 'Authorization: Bearer <first line of FILE>' (read at start)",
          .show = [](const Config& c) { return c.serve.token_file; },
          .stage = Stage::Command,
          .hint = ValueHint::File,
      },
      {
          .key = "serve_tls_cert",
          .flag = "--tls-cert",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_TLS_CERT"}},
          .file_key = "serve_tls_cert",
          .value_name = "FILE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.tls_cert_file = path_value(v, t); },
          .default_doc = "none: plain http",
          .help = "Serve https with this PEM certificate chain",
          .show = [](const Config& c) { return c.serve.tls_cert_file; },
          .stage = Stage::Command,
          .hint = ValueHint::File,
      },
      {
          .key = "serve_tls_key",
          .flag = "--tls-key",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_TLS_KEY"}},
          .file_key = "serve_tls_key",
          .value_name = "FILE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.tls_key_file = path_value(v, t); },
          .help = "The PEM private key of --tls-cert (unencrypted: serve takes no passphrase)",
          .show = [](const Config& c) { return c.serve.tls_key_file; },
          .stage = Stage::Command,
          .hint = ValueHint::File,
      },
      {
          .key = "serve_cache_size",
          .flag = "--cache-size",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_CACHE_SIZE"}},
          .file_key = "serve_cache_size",
          .value_name = "SIZE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.cache_bytes = parse_size(v.text, v.label); },
          .fallback = "128MiB",
          .help = "Memory for verified objects, least recently used out",
          .show = [](const Config& c) { return format_size(c.serve.cache_bytes); },
          .stage = Stage::Command,
      },
      {
          .key = "serve_display_limit",
          .flag = "--display-limit",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_DISPLAY_LIMIT"}},
          .file_key = "serve_display_limit",
          .value_name = "SIZE",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.display_limit = parse_size(v.text, v.label); },
          .fallback = "256KiB",  // Temporal's own External Storage threshold
          .help = "Web UI: larger payloads stay references with a Download button",
          .show = [](const Config& c) { return format_size(c.serve.display_limit); },
          .stage = Stage::Command,
      },
      {
          .key = "serve_offload",
          .flag = "--offload",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_OFFLOAD"}},
          .file_key = "serve_offload",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.offload = parse_bool(v.text, v.label); },
          .fallback = "false",
          .help = "/encode offloads payloads at or above the threshold",
          .show = [](const Config& c) { return std::string(c.serve.offload ? "true" : "false"); },
          .stage = Stage::Command,
          .switch_flag = true,
      },
      {
          .key = "serve_max_body",
          .flag = "--max-body",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_MAX_BODY"}},
          .file_key = "serve_max_body",
          .value_name = "SIZE",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.serve.body_limit = parse_size(v.text, v.label);
                if (t.config.serve.body_limit == 0) throw Error(ErrorKind::Usage, v.label, "must be more than 0");
              },
          .fallback = "16MiB",
          .help = "Largest request body",
          .show = [](const Config& c) { return format_size(c.serve.body_limit); },
          .stage = Stage::Command,
      },
      {
          .key = "serve_request_timeout",
          .flag = "--request-timeout",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_REQUEST_TIMEOUT"}},
          .file_key = "serve_request_timeout",
          .value_name = "DURATION",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.serve.request_timeout = parse_duration(v.text, v.label);
                if (t.config.serve.request_timeout.count() == 0) throw Error(ErrorKind::Usage, v.label, "must be at least 1s");
              },
          .fallback = "10s",
          .help = "Time to receive a request, and to send a response",
          .show = [](const Config& c) { return format_duration(c.serve.request_timeout); },
          .stage = Stage::Command,
      },
      {
          .key = "serve_insecure",
          .flag = "--insecure",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_INSECURE"}},
          .file_key = "serve_insecure",
          .value_name = "BOOL",
          .apply = [](const SettingValue& v, SettingTarget& t) { t.config.serve.insecure = parse_bool(v.text, v.label); },
          .fallback = "false",
          .help = "Allow a non-loopback address without TLS and a token",
          .show = [](const Config& c) { return std::string(c.serve.insecure ? "true" : "false"); },
          .stage = Stage::Command,
          .switch_flag = true,
      },
      {
          .key = "serve_namespace_store",
          .flag = "--namespace-store",
          .commands = {{"serve"}},
          .env = {{"CLAIMCHECK_SERVE_NAMESPACE_STORE", nullptr, "NAMESPACE=STORE entries separated by ','"}},
          .file_key = "serve_namespace_store",
          .value_name = "NAMESPACE=STORE",
          .apply =
              [](const SettingValue& v, SettingTarget& t) {
                t.config.serve.namespace_stores = parse_namespace_stores(v.items, v.label, t.env, v.base_dir);
              },
          .default_doc = "none: every namespace is served from --store",
          .help = "Serve a namespace's payloads from a store of its own (same endpoint and credentials; repeatable)",
          .show =
              [](const Config& c) {
                std::string list;
                for (const NamespaceStore& e : c.serve.namespace_stores)
                  list += (list.empty() ? "" : ",") + e.ns + "=" + format_store(e.store);
                return list;
              },
          .stage = Stage::Command,
          .list = true,
      },
  };
  return rows;
}

}  // namespace

std::string_view Setting::long_flag() const {
  const auto comma = flag.rfind(',');
  return comma == std::string_view::npos ? flag : flag.substr(comma + 1);
}

std::string_view Setting::default_text() const { return fallback.empty() ? default_doc : fallback; }

bool Setting::on_command(std::string_view command) const {
  return std::any_of(commands.begin(), commands.end(),
                     [&](const CommandFlag& c) { return c.command == command; });
}

std::string_view Setting::help_for(std::string_view command) const {
  for (const CommandFlag& c : commands) {
    if (c.command == command && !c.help.empty()) return c.help;
  }
  return help;
}

std::span<const Setting> settings() { return table(); }

const Setting* find_setting(std::string_view key) {
  for (const Setting& s : table()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace claimcheck
