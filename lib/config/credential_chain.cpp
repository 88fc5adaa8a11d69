#include "config/credential_chain.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "config/settings.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

using sigv4::CredentialsProvider;
using sigv4::Trace;

// What STS accepts for DurationSeconds.
constexpr int kMinRoleSeconds = 900;
constexpr int kMaxRoleSeconds = 43200;

/// A provider still to be made, and its name.
struct Plan {
  CredentialsFactory make;
  std::string name;
  std::string detail;  // appended to the name in -v: what signs it, where it was configured
  std::optional<sigv4::Credentials> fixed;  // static keys, also given to S3Settings
  std::vector<std::string> losers = {};     // what was configured too and lost to it, for -v
};

std::string profile_label(const std::string& name) { return "aws profile " + name; }

/// Where a profile's own credentials are configured ("aws profile dev
/// (/home/u/.aws/config:7)"), for -v's list of what lost; nullopt: none.
std::optional<std::string> own_credentials_origin(const AwsSection& profile) {
  for (const char* key : {"role_arn", "web_identity_token_file", "sso_session", "sso_start_url", "aws_access_key_id",
                          "credential_process", "aws_secret_access_key"})
    if (const AwsProfileValue* value = profile.find(key)) return value->origin;
  return std::nullopt;
}

/// "R2_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID, the config file": where keys were
/// looked for before the chain, as the settings table says.
std::string key_sources() {
  std::string sources;
  if (const Setting* row = find_setting("access_key_id")) {
    for (const EnvVar& var : row->env)
      if (!var.name.empty()) sources += std::string(var.name) + ", ";
  }
  return sources + "the config file";
}

class Resolver {
 public:
  Resolver(const S3Settings& s3, const AwsSharedFiles& files, const Getenv& env)
      : s3_(s3), settings_(s3.chain), files_(files), env_(env) {}

  ResolvedChain resolve() {
    const AwsSection* active = files_.profile(settings_.profile);
    std::optional<Plan> plan;
    if (active != nullptr && assumes_role(*active)) plan = assume_role(settings_.profile, *active, {});
    if (!plan) {
      plan = web_identity(active, web_identity_variables());
      // The environment's web identity over the profile's own keys or process.
      if (plan && active != nullptr && active->find("web_identity_token_file") == nullptr)
        if (auto own = own_credentials_origin(*active)) plan->losers.push_back(*own);
    }
    if (!plan && active != nullptr) plan = profile_credentials(settings_.profile, *active, false, {});
    if (!plan) plan = container();
    // The two files once when both variables name one.
    const std::string files = files_.credentials_path == files_.config_path
                                  ? files_.config_path
                                  : files_.credentials_path + ", " + files_.config_path;
    std::string tried = fmt::format("{}, web identity, {} ({}), container credentials", key_sources(),
                                    profile_label(settings_.profile), files);
    if (!plan) {
      if (settings_.imds_disabled) return {nullptr, "", tried + "; EC2 instance metadata is disabled", std::nullopt, {}};
      plan = imds(tried);
    }
    return {plan->make, plan->name + plan->detail, tried, plan->fixed, plan->losers};
  }

 private:
  /// Whether AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
  /// AWS_ROLE_SESSION_NAME count. A profile named by --profile turns them off,
  /// as it does the environment's keys (botocore's disable_env_vars): every
  /// EKS pod with IRSA has them set, and they would otherwise win over it.
  bool web_identity_variables() const { return !settings_.profile_from_flag; }

  static bool assumes_role(const AwsSection& profile) {
    // A profile with a token file is for web identity, even with a role_arn.
    return profile.find("role_arn") != nullptr && profile.find("web_identity_token_file") == nullptr;
  }

  std::optional<std::string> env_value(const char* name) const {
    auto value = env_(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  }

  /// Setting `key` from its AWS_* variable (the settings table's last tier,
  /// an older name first, as the settings read it): what botocore's
  /// environment provider reads for credential_source Environment.
  std::optional<std::string> aws_variable(std::string_view key) const {
    const Setting* row = find_setting(key);
    if (row == nullptr || row->env.empty()) return std::nullopt;
    for (const std::string_view name : {row->env.back().older_name, row->env.back().name})
      if (!name.empty())
        if (auto value = env_value(std::string(name).c_str())) return value;
    return std::nullopt;
  }

  [[noreturn]] static void unusable(const std::string& profile, const std::string& why) {
    throw Error(ErrorKind::Usage, profile_label(profile), why);
  }

  /// STS and SSO: the limits of an S3 request (0, unresolved as in tests:
  /// sigv4's own).
  sigv4::ProviderHttp http() const {
    sigv4::ProviderHttp http;
    http.ca_bundle = s3_.ca_bundle;
    if (s3_.connect_timeout.count() > 0) http.connect_timeout = s3_.connect_timeout;
    if (s3_.read_timeout.count() > 0) http.stall_timeout = s3_.read_timeout;
    http.deadline = s3_.deadline;
    if (s3_.max_attempts > 0) http.max_attempts = s3_.max_attempts;
    return http;
  }

  sigv4::StsSettings sts() const {
    sigv4::StsSettings sts;
    sts.endpoint = settings_.sts_endpoint;
    if (sts.endpoint.empty()) sts.endpoint = service_endpoint("sts");
    sts.region = s3_.region;
    sts.http = http();
    return sts;
  }

  /// The endpoint_url for `service` in the [services] section the active
  /// profile names, if any.
  std::string service_endpoint(const std::string& service) const {
    const AwsSection* active = files_.profile(settings_.profile);
    const AwsProfileValue* services = active != nullptr ? active->find("services") : nullptr;
    if (services == nullptr) return {};
    const auto section = files_.services.find(services->value);
    if (section == files_.services.end()) return {};
    const auto nested = section->second.nested.find(service);
    if (nested == section->second.nested.end()) return {};
    const auto url = nested->second.find("endpoint_url");
    return url == nested->second.end() ? "" : url->second.value;
  }

  static bool has_keys(const AwsSection& profile) {
    return profile.find("aws_access_key_id") != nullptr || profile.find("aws_secret_access_key") != nullptr;
  }

  /// What a profile provides by itself, in the AWS CLI's order: web
  /// identity, SSO, keys in the credentials file, credential_process, keys
  /// in the config file. As a source (`source` true) its role comes first
  /// when it has no keys.
  std::optional<Plan> profile_credentials(const std::string& name, const AwsSection& profile, bool source,
                                          std::vector<std::string> path) {
    if (source && assumes_role(profile) && !has_keys(profile)) return assume_role(name, profile, std::move(path));
    if (auto plan = web_identity(&profile, /*variables=*/!source && web_identity_variables())) return plan;
    if (profile.find("sso_session") != nullptr || profile.find("sso_start_url") != nullptr ||
        profile.find("sso_account_id") != nullptr)
      return sso(name, profile);
    if (auto keys = static_keys(name, profile, true)) {
      if (const AwsProfileValue* command = profile.find("credential_process"))
        keys->losers.push_back("credential_process of " + command->origin);
      return keys;
    }
    if (const AwsProfileValue* command = profile.find("credential_process")) {
      const std::string provider = "credential_process of " + profile_label(name);
      // Its origin names the profile and where: "credential_process of aws
      // profile dev (/home/u/.aws/config:7)", the profile said once.
      Plan plan{[command = command->value, provider](const Trace&) {
                  return sigv4::process_provider(command, provider);
                },
                "credential_process of " + command->origin, "", std::nullopt};
      // The config file's keys come after it: -v names them as not used.
      if (const AwsProfileValue* key = profile.find_in_file("aws_access_key_id", false))
        plan.losers.push_back(key->origin);
      return plan;
    }
    return static_keys(name, profile, false);
  }

  /// aws_access_key_id + aws_secret_access_key (+ aws_session_token) from
  /// one of the two files, all three from that file: the AWS CLI reads each
  /// file as a provider of its own, and never signs with a key of one and a
  /// secret or token of the other. As there, the key makes the file's keys
  /// count: a secret without it is passed over.
  static std::optional<Plan> static_keys(const std::string& name, const AwsSection& profile,
                                         bool credentials_file) {
    const auto in_this_file = [&](const char* key) { return profile.find_in_file(key, credentials_file); };
    const AwsProfileValue* id = in_this_file("aws_access_key_id");
    const AwsProfileValue* secret = in_this_file("aws_secret_access_key");
    if (id == nullptr) return std::nullopt;
    if (secret == nullptr)
      throw Error(ErrorKind::Usage, id->origin, "aws_access_key_id is set but aws_secret_access_key is not, in the same file");
    // The older name first, as botocore reads it.
    const AwsProfileValue* token = in_this_file("aws_security_token");
    if (token == nullptr) token = in_this_file("aws_session_token");
    sigv4::Credentials keys{id->value, secret->value, token != nullptr ? token->value : ""};
    const std::string provider = "keys of " + profile_label(name);
    Plan plan{[keys, provider](const Trace&) { return sigv4::static_provider(keys, provider); }, id->origin, "",
              keys};
    // -v names the config file's keys of this profile that the credentials
    // file's outranked (or its token, not used with them); once, as a
    // profile's other sources are.
    std::string outranked;
    for (const AwsProfileValue* key : {id, secret, token})
      if (key != nullptr && key->shadowed && outranked.empty()) outranked = key->shadowed->origin;
    for (const char* token_name : {"aws_security_token", "aws_session_token"}) {
      const AwsProfileValue* any_token = profile.find(token_name);
      if (outranked.empty() && any_token != nullptr && any_token != token) outranked = any_token->origin;
    }
    if (!outranked.empty()) plan.losers.push_back(outranked);
    return plan;
  }

  std::optional<int> duration(const std::string& name, const AwsSection& profile) const {
    const AwsProfileValue* value = profile.find("duration_seconds");
    if (value == nullptr) return std::nullopt;
    const bool digits = !value->value.empty() && value->value.size() <= 6 &&
                        value->value.find_first_not_of("0123456789") == std::string::npos;
    const int seconds = digits ? std::stoi(value->value) : 0;
    if (seconds < kMinRoleSeconds || seconds > kMaxRoleSeconds)
      throw Error(ErrorKind::Usage, value->origin,
                  fmt::format("duration_seconds '{}' of {} is not a number of seconds from {} to {}", value->value,
                              profile_label(name), kMinRoleSeconds, kMaxRoleSeconds));
    return seconds;
  }

  static std::string value_of(const AwsSection& profile, const char* key) {
    const AwsProfileValue* value = profile.find(key);
    return value != nullptr ? value->value : "";
  }

  Plan assume_role(const std::string& name, const AwsSection& profile, std::vector<std::string> path) {
    path.push_back(name);
    if (profile.find("mfa_serial") != nullptr)
      unusable(name, "role_arn with mfa_serial: claimcheck cannot prompt for an MFA code; use a profile "
                     "without mfa_serial, or credentials from `aws sts get-session-token`");
    const AwsProfileValue* source_profile = profile.find("source_profile");
    const AwsProfileValue* credential_source = profile.find("credential_source");
    if ((source_profile == nullptr) == (credential_source == nullptr))
      unusable(name, source_profile == nullptr ? "role_arn needs source_profile or credential_source"
                                               : "role_arn takes source_profile or credential_source, not both");
    const Plan source = source_profile != nullptr ? from_source_profile(name, profile, source_profile->value, path)
                                                  : from_credential_source(name, credential_source->value);
    sigv4::AssumeRoleOptions options;
    options.role_arn = value_of(profile, "role_arn");
    options.role_session_name = value_of(profile, "role_session_name");
    options.external_id = value_of(profile, "external_id");
    options.duration_seconds = duration(name, profile);
    options.sts = sts();
    const std::string provider = "assume-role " + options.role_arn + " (" + profile_label(name) + ")";
    return Plan{[options, source, provider](const Trace& trace) {
                  sigv4::AssumeRoleOptions traced = options;
                  traced.sts.http.trace = trace;
                  return sigv4::assume_role_provider(traced, source.make(trace), provider);
                },
                provider, ", signed with " + source.name + source.detail, std::nullopt};
  }

  Plan from_source_profile(const std::string& name, const AwsSection& profile, const std::string& source,
                           const std::vector<std::string>& path) {
    // A profile naming itself uses its own keys as the source (AWS CLI rule).
    if (source == name) {
      if (auto keys = static_keys(name, profile, true)) return *keys;
      if (auto keys = static_keys(name, profile, false)) return *keys;
    }
    if (std::find(path.begin(), path.end(), source) != path.end()) {
      std::string loop;
      for (const std::string& step : path) loop += step + " -> ";
      unusable(path.front(), "source_profile loop: " + loop + source);
    }
    const AwsSection* section = files_.profile(source);
    if (section == nullptr)
      unusable(name, fmt::format("source_profile '{}' is not in {} or {}", source, files_.credentials_path,
                                 files_.config_path));
    auto plan = profile_credentials(source, *section, /*source=*/true, path);
    if (!plan)
      unusable(name, fmt::format("source_profile '{}' has no credentials (keys, role_arn, sso or "
                                 "credential_process)", source));
    return *plan;
  }

  Plan from_credential_source(const std::string& name, const std::string& source) {
    if (source == "Environment") {
      const auto id = aws_variable("access_key_id");
      const auto secret = aws_variable("secret_access_key");
      if (!id || !secret)
        unusable(name, "credential_source Environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
      sigv4::Credentials keys{*id, *secret, aws_variable("session_token").value_or("")};
      return Plan{[keys](const Trace&) { return sigv4::static_provider(keys, "environment"); },
                  "env AWS_ACCESS_KEY_ID", "", std::nullopt};
    }
    if (source == "Ec2InstanceMetadata") return imds("");
    if (source == "EcsContainer") {
      if (auto plan = container()) return *plan;
      unusable(name, "credential_source EcsContainer needs AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI");
    }
    unusable(name, "credential_source '" + source + "' is not Environment, Ec2InstanceMetadata or EcsContainer");
  }

  /// The environment's AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
  /// AWS_ROLE_SESSION_NAME (when `variables`), each over the profile's key
  /// of the same meaning.
  std::optional<Plan> web_identity(const AwsSection* profile, bool variables) const {
    auto pick = [&](const std::string& from_env, const char* key, std::string& origin) {
      if (variables && !from_env.empty()) return from_env;
      const AwsProfileValue* value = profile != nullptr ? profile->find(key) : nullptr;
      if (value == nullptr) return std::string();
      origin = value->origin;
      return value->value;
    };
    std::string token_origin = "env AWS_WEB_IDENTITY_TOKEN_FILE", role_origin = "env AWS_ROLE_ARN", ignored;
    sigv4::WebIdentityOptions options;
    options.token_file = pick(settings_.web_identity_token_file, "web_identity_token_file", token_origin);
    if (options.token_file.empty()) return std::nullopt;
    options.role_arn = pick(settings_.role_arn, "role_arn", role_origin);
    if (options.role_arn.empty())
      throw Error(ErrorKind::Usage, token_origin, "is set but no role ARN is (AWS_ROLE_ARN or role_arn)");
    options.role_session_name = pick(settings_.role_session_name, "role_session_name", ignored);
    options.sts = sts();
    const std::string provider = "web identity " + options.role_arn;
    return Plan{[options, provider](const Trace& trace) {
                  sigv4::WebIdentityOptions traced = options;
                  traced.sts.http.trace = trace;
                  return sigv4::web_identity_provider(traced, provider);
                },
                provider, " (" + token_origin + ")", std::nullopt};
  }

  Plan sso(const std::string& name, const AwsSection& profile) const {
    sigv4::SsoOptions options;
    std::string where = profile_label(name);
    const AwsSection* keys_from = &profile;
    if (const AwsProfileValue* session = profile.find("sso_session")) {
      const auto found = files_.sso_sessions.find(session->value);
      if (found == files_.sso_sessions.end())
        throw Error(ErrorKind::Usage, session->origin,
                    fmt::format("sso_session '{}' has no [sso-session {}] section in {}", session->value,
                                session->value, files_.config_path));
      options.session_name = session->value;
      keys_from = &found->second;
      where = "sso-session " + session->value;
    }
    auto required = [&](const AwsSection& section, const char* key, const std::string& label) {
      const AwsProfileValue* value = section.find(key);
      if (value == nullptr) unusable(name, fmt::format("uses SSO but {} has no {}", label, key));
      return value->value;
    };
    options.start_url = required(*keys_from, "sso_start_url", where);
    options.region = required(*keys_from, "sso_region", where);
    options.account_id = required(profile, "sso_account_id", profile_label(name));
    options.role_name = required(profile, "sso_role_name", profile_label(name));
    if (auto home = env_value("HOME")) options.token_cache_dir = *home + "/.aws/sso/cache";
    options.endpoint = settings_.sso_endpoint.empty() ? service_endpoint("sso") : settings_.sso_endpoint;
    options.login_hint = "aws sso login --profile " + name;
    options.http = http();
    const std::string provider =
        fmt::format("SSO {}/{} ({})", options.account_id, options.role_name, profile_label(name));
    return Plan{[options, provider](const Trace& trace) {
                  sigv4::SsoOptions traced = options;
                  traced.http.trace = trace;
                  return sigv4::sso_provider(traced, provider);
                },
                provider, "", std::nullopt};
  }

  std::optional<Plan> container() const {
    if (settings_.container_relative_uri.empty() && settings_.container_full_uri.empty()) return std::nullopt;
    sigv4::ContainerOptions options;
    options.relative_uri = settings_.container_relative_uri;
    options.full_uri = options.relative_uri.empty() ? settings_.container_full_uri : "";
    options.authorization_token = settings_.container_authorization_token;
    options.authorization_token_file = settings_.container_authorization_token_file;
    options.http.ca_bundle = s3_.ca_bundle;  // the rest: the AWS SDKs' bounds for the local agent
    const std::string variable = options.relative_uri.empty() ? "AWS_CONTAINER_CREDENTIALS_FULL_URI"
                                                               : "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    return Plan{[options](const Trace& trace) {
                  sigv4::ContainerOptions traced = options;
                  traced.http.trace = trace;
                  return sigv4::container_provider(traced, "container credentials");
                },
                "container credentials", " (env " + variable + ")", std::nullopt};
  }

  /// EC2 instance metadata; `tried` is what came before it in the chain (the
  /// "no credentials" message names it when metadata fails too).
  Plan imds(const std::string& tried) const {
    sigv4::ImdsOptions options;
    options.endpoint = !settings_.imds_endpoint.empty() ? settings_.imds_endpoint
                       : settings_.imds_ipv6            ? std::string(sigv4::kImdsEndpointIpv6)
                                                        : std::string(sigv4::kImdsEndpoint);
    options.allow_v1 = settings_.imds_v1;
    options.http.ca_bundle = s3_.ca_bundle;
    options.http.connect_timeout = settings_.imds_timeout;
    options.http.timeout = settings_.imds_timeout;
    options.http.max_attempts = settings_.imds_attempts;
    const std::string provider = "EC2 instance metadata";
    return Plan{[options, provider, tried](const Trace& trace) -> std::shared_ptr<CredentialsProvider> {
                  sigv4::ImdsOptions traced = options;
                  traced.http.trace = trace;
                  auto imds = sigv4::imds_provider(traced, provider);
                  if (tried.empty()) return imds;
                  return last_resort_provider(std::move(imds), tried);
                },
                provider, tried.empty() ? "" : " (nothing found before it)", std::nullopt};
  }


  const S3Settings& s3_;
  const CredentialChainSettings& settings_;
  const AwsSharedFiles& files_;
  const Getenv& env_;
};

/// IMDS as the end of the chain: its failure before it ever answered means
/// there were no credentials anywhere, which is what the message then says
/// first. Once it has answered, a refresh that fails is its own.
class LastResort final : public sigv4::CredentialsProvider {
 public:
  LastResort(std::shared_ptr<sigv4::CredentialsProvider> inner, std::string tried)
      : inner_(std::move(inner)), tried_(std::move(tried)) {}
  std::string name() const override { return inner_->name(); }
  sigv4::TimedCredentials fetch() override {
    try {
      sigv4::TimedCredentials fetched = inner_->fetch();
      answered_ = true;
      return fetched;
    } catch (const sigv4::CredentialsError& error) {
      if (answered_) throw;
      throw sigv4::CredentialsError(error.cause(), std::string(kNoCredentials),
                                    "tried " + tried_ + "; " + error.reason());
    }
  }

 private:
  std::shared_ptr<sigv4::CredentialsProvider> inner_;
  std::string tried_;
  std::atomic<bool> answered_{false};
};

}  // namespace

std::shared_ptr<sigv4::CredentialsProvider> last_resort_provider(std::shared_ptr<sigv4::CredentialsProvider> imds,
                                                          std::string tried) {
  return std::make_shared<LastResort>(std::move(imds), std::move(tried));
}

ResolvedChain resolve_credential_chain(const S3Settings& s3, const AwsSharedFiles& files, const Getenv& env) {
  return Resolver(s3, files, env).resolve();
}

void apply_credential_chain(Config& config, const AwsSharedFiles& files, const Getenv& env) {
  S3Settings& s3 = config.s3;
  // -v's "also set, not used" for the credentials: the keys --profile
  // outranked, and what lost within the chain.
  std::vector<std::string> losers;
  if (s3.chain.profile_from_flag && config.origin.count("credentials") != 0) {
    // --profile outranks keys from the environment and the config file.
    losers.push_back(config.origin["credentials"]);
    for (std::string& loser : config.unused_origins["credentials"]) losers.push_back(std::move(loser));
    s3.access_key_id.clear();
    s3.secret_access_key.clear();
    s3.session_token.clear();
    config.origin.erase("credentials");
  }
  if (config.origin.count("credentials") != 0) {
    // Keys given outrank the profile's own (AWS_PROFILE's, or default's).
    if (const AwsSection* active = files.profile(s3.chain.profile))
      if (auto own = own_credentials_origin(*active)) config.unused_origins["credentials"].push_back(*own);
    return;
  }
  ResolvedChain chain = resolve_credential_chain(s3, files, env);
  for (std::string& loser : chain.losers) losers.push_back(std::move(loser));
  // Keys --profile outranked may still sign its role (credential_source
  // Environment: "..., signed with env AWS_ACCESS_KEY_ID"): used, not lost.
  std::erase_if(losers, [&](const std::string& loser) { return chain.origin.find(loser) != std::string::npos; });
  if (losers.empty()) config.unused_origins.erase("credentials");
  else config.unused_origins["credentials"] = std::move(losers);
  s3.credentials_tried = chain.tried;
  if (chain.fixed) {
    s3.access_key_id = chain.fixed->access_key_id;
    s3.secret_access_key = chain.fixed->secret_access_key;
    s3.session_token = chain.fixed->session_token;
  } else {
    s3.credentials_provider = std::move(chain.make);
  }
  if (!chain.origin.empty()) config.origin["credentials"] = chain.origin;
}

}  // namespace claimcheck
