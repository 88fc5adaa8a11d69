// One precedence for every setting: flags > environment > config file >
// defaults. Within the environment, claimcheck's and R2's variables come
// before the AWS ones; the AWS shared profile (~/.aws) is consulted last,
// below the config file, and only for an S3 store. A value that cannot be
// parsed is Error(Usage) naming where it came from, never a silent default;
// only the value that wins is parsed (a flag can override a broken
// variable), except the config file, which is checked whole.
#include "config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "base/text.hpp"
#include "config/aws_profile.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "config/config_file.hpp"

namespace claimcheck {
namespace {

/// One possible source of a setting.
struct Candidate {
  std::optional<std::string> value;
  std::string origin;  // "env CLAIMCHECK_TTL_DAYS", recorded in Config::origin
  std::string label;   // "CLAIMCHECK_TTL_DAYS", names the value in errors
};

struct Sources {
  const ConfigOverrides& flags;
  const Getenv& env;
  std::optional<ConfigFile> file;
  std::optional<AwsProfile> profile;
};

std::optional<std::string> env_value(const Getenv& env, const std::string& name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;  // VAR= counts as unset
  return value;
}

Candidate from_flag(const std::optional<std::string>& value, const std::string& flag) {
  return {value, "flag " + flag, flag};
}
Candidate from_env(const Sources& s, const std::string& name) {
  return {env_value(s.env, name), "env " + name, name};
}
Candidate from_file(const Sources& s, const std::string& key) {
  if (!s.file || !s.file->find(key)) return {};
  return {s.file->find(key)->value, s.file->origin(key), s.file->label(key)};
}
Candidate from_profile(const Sources& s, const std::string& key) {
  if (!s.profile || !s.profile->find(key)) return {};
  const AwsProfileValue* v = s.profile->find(key);
  return {v->value, v->origin, v->origin};
}

/// The first candidate that has a value.
std::optional<Candidate> first_of(const std::vector<Candidate>& candidates) {
  for (const Candidate& c : candidates) {
    if (c.value) return c;
  }
  return std::nullopt;
}

[[noreturn]] void bad_value(const std::string& label, const std::string& value,
                            const std::string& expected) {
  throw Error(ErrorKind::Usage, label, fmt::format("'{}' is not {}", value, expected));
}

bool parse_bool(const std::string& text, const std::string& label) {
  const std::string v = base::to_lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  bad_value(label, text, "a boolean (true or false)");
}

/// The TTL: a duration ("30d", "12h"); a bare number means days, as in
/// CLAIMCHECK_TTL_DAYS.
std::chrono::seconds parse_ttl(const std::string& text, const std::string& label) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 9) bad_value(label, text, "a number of days this tool can handle");
    return std::chrono::hours(24) * std::stoll(text);
  }
  return parse_duration(text, label);
}

CompressPolicy parse_compress(const std::string& text, const std::string& label, bool allow_bool) {
  if (text == "auto") return CompressPolicy::Auto;
  if (text == "always") return CompressPolicy::Always;
  if (text == "never") return CompressPolicy::Never;
  if (!allow_bool) bad_value(label, text, "one of auto, always, never");
  try {
    return parse_bool(text, label) ? CompressPolicy::Auto : CompressPolicy::Never;
  } catch (const Error&) {
    bad_value(label, text, "one of auto, always, never, true, false");
  }
}

int parse_level(const std::string& text, const std::string& label) {
  if (text.size() != 1 || text[0] < '1' || text[0] > '9') bad_value(label, text, "a level from 1 to 9");
  return text[0] - '0';
}

/// "https://host[:port]": no path, query or user part (credentials never
/// travel in the URL).
std::string parse_endpoint(const std::string& text, const std::string& label) {
  const auto separator = text.find("://");
  const std::string scheme = text.substr(0, separator);
  if (separator == std::string::npos || (scheme != "http" && scheme != "https")) {
    bad_value(label, text, "an http:// or https:// URL");
  }
  std::string endpoint = text;
  while (endpoint.size() > separator + 3 && endpoint.back() == '/') endpoint.pop_back();
  const std::string host = endpoint.substr(separator + 3);
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) {
    bad_value(label, text, "an endpoint of the form https://host[:port] (no path, query or user)");
  }
  // the port, after the last ':' that is not inside an IPv6 literal "[...]"
  const auto colon = host.rfind(':');
  if (colon != std::string::npos && (host.find(']') == std::string::npos || colon > host.rfind(']'))) {
    const std::string port = host.substr(colon + 1);
    const bool digits = !port.empty() && port.size() <= 5 &&
                        port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(port) == 0 || std::stoul(port) > 65535)
      bad_value(label, text, "an endpoint whose port is a number from 1 to 65535");
  }
  return endpoint;
}

/// Regions are signed into every request: letters, digits and '-' only
/// ("us-east-1", R2's "auto").
std::string parse_region(const std::string& text, const std::string& label) {
  if (text.empty() || text.size() > 64 ||
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
          std::string::npos)
    bad_value(label, text, "a region name (letters, digits and '-', e.g. us-east-1 or auto)");
  return text;
}

/// "claimcheck" -> "claimcheck/": keys are <prefix><date>/<uuid>.
std::string normalise_prefix(std::string prefix, const std::string& label) {
  if (prefix.starts_with("/")) bad_value(label, prefix, "a key prefix (it must not start with '/')");
  if (!prefix.empty() && !prefix.ends_with("/")) prefix += '/';
  return prefix;
}

std::string home_relative(const Getenv& env, const char* xdg, const char* fallback) {
  if (auto base = env_value(env, xdg); base && base->starts_with("/")) return *base + "/claimcheck";
  if (auto home = env_value(env, "HOME")) return fmt::format("{}/{}/claimcheck", *home, fallback);
  return {};
}

std::string expand_path(const std::string& path, const Getenv& env) {
  std::string out = path;
  if (out == "~" || out.starts_with("~/")) {
    if (auto home = env_value(env, "HOME")) out = *home + out.substr(1);
  }
  if (out.empty()) return out;
  return std::filesystem::absolute(out).lexically_normal().string();
}

}  // namespace

// The remaining steps, one per group of settings.
namespace {

struct StoreSpec {
  std::string kind;  // "s3" or "local"
  std::string bucket, dir;
  std::optional<std::string> prefix;
};

StoreSpec parse_store(const std::string& text, const std::string& label, const Getenv& env) {
  StoreSpec spec;
  if (text.starts_with("s3://")) {
    const std::string rest = text.substr(5);
    const auto slash = rest.find('/');
    spec.kind = "s3";
    spec.bucket = rest.substr(0, slash);
    if (spec.bucket.empty() || spec.bucket.find_first_of(" \t\\") != std::string::npos) {
      bad_value(label, text, "a store (s3://bucket/prefix, file:///dir or a directory)");
    }
    if (slash != std::string::npos && slash + 1 < rest.size()) spec.prefix = rest.substr(slash + 1);
    return spec;
  }
  std::string dir = text;
  if (text.starts_with("file://")) {
    dir = text.substr(7);
    if (!dir.starts_with("/")) bad_value(label, text, "a file URL with an absolute path (file:///dir)");
  } else if (text.find("://") != std::string::npos) {
    bad_value(label, text, "a supported store (s3://bucket/prefix, file:///dir or a directory)");
  }
  spec.kind = "local";
  spec.dir = expand_path(dir, env);
  return spec;
}

void resolve_store(Config& config, Sources& s) {
  std::optional<Candidate> chosen = first_of({from_flag(s.flags.store, "--store"),
                                              from_env(s, "CLAIMCHECK_STORE")});
  std::optional<Candidate> r2_bucket = first_of({from_env(s, "R2_BUCKET")});
  if (!chosen && r2_bucket) {
    if (r2_bucket->value->find_first_of("/ \t\\") != std::string::npos) {
      bad_value("R2_BUCKET", *r2_bucket->value, "a bucket name");
    }
    r2_bucket->value = "s3://" + *r2_bucket->value;
    chosen = r2_bucket;
  }
  if (!chosen) chosen = first_of({from_file(s, "store")});
  std::optional<std::string> store_prefix;
  if (chosen) {
    const StoreSpec spec = parse_store(*chosen->value, chosen->label, s.env);
    config.store_kind = spec.kind;
    config.s3.bucket = spec.bucket;
    config.local_dir = spec.dir;
    store_prefix = spec.prefix;
    config.origin["store"] = chosen->origin;
  } else {
    config.store_kind = "local";
    config.local_dir = home_relative(s.env, "XDG_DATA_HOME", ".local/share");
    config.origin["store"] = "default";
  }
  // A prefix inside the store URL counts at the level the URL came from.
  const std::string level = chosen ? chosen->origin.substr(0, chosen->origin.find(' ')) : "";
  auto with_store = [&](const std::string& at) {
    return level == at ? Candidate{store_prefix, chosen->origin, chosen->label} : Candidate{};
  };
  const std::optional<Candidate> prefix = first_of(
      {from_flag(s.flags.prefix, "--prefix"), with_store("flag"), from_env(s, "CLAIMCHECK_PREFIX"),
       with_store("env"), from_file(s, "prefix"), with_store("file")});
  if (prefix) {
    config.prefix = normalise_prefix(*prefix->value, prefix->label);
    config.origin["prefix"] = prefix->origin;
  }
}

void resolve_payload_rules(Config& config, const Sources& s) {
  if (auto c = first_of({from_env(s, "CLAIMCHECK_ENABLED"), from_file(s, "enabled")})) {
    config.enabled = parse_bool(*c->value, c->label);
    config.origin["enabled"] = c->origin;
  }
  if (auto c = first_of({from_flag(s.flags.threshold, "--threshold"),
                         from_env(s, "CLAIMCHECK_THRESHOLD_BYTES"), from_file(s, "threshold")})) {
    config.threshold = parse_size(*c->value, c->label);
    config.origin["threshold"] = c->origin;
  }
  if (auto c = first_of({from_flag(s.flags.ttl, "--ttl"), from_env(s, "CLAIMCHECK_TTL_DAYS"),
                         from_file(s, "ttl")})) {
    config.ttl = parse_ttl(*c->value, c->label);
    config.origin["ttl"] = c->origin;
  }
  if (auto c = first_of({from_flag(s.flags.compress, "--compress"),
                         from_env(s, "CLAIMCHECK_COMPRESSION_ENABLED"), from_file(s, "compress")})) {
    config.compress = parse_compress(*c->value, c->label, c->origin != "flag --compress");
    config.origin["compress"] = c->origin;
  }
  std::optional<std::string> level_flag;
  if (s.flags.level) level_flag = std::to_string(*s.flags.level);
  if (auto c = first_of({from_flag(level_flag, "--level"), from_file(s, "level")})) {
    config.level = parse_level(*c->value, c->label);
    config.origin["level"] = c->origin;
  }
  if (auto c = first_of({from_env(s, "CLAIMCHECK_JOURNAL_DIR"), from_file(s, "journal_dir")})) {
    config.journal_dir = expand_path(*c->value, s.env);
    config.origin["journal_dir"] = c->origin;
  } else {
    config.journal_dir = home_relative(s.env, "XDG_STATE_HOME", ".local/state");
    config.origin["journal_dir"] = "default";
  }
}

/// Credentials come as a unit from one source: mixing an access key from one
/// place with a secret from another would only produce signature errors.
void resolve_credentials(Config& config, const Sources& s) {
  struct CredentialSource {
    Candidate id, secret, token;
  };
  const std::vector<CredentialSource> sources{
      {from_env(s, "R2_ACCESS_KEY_ID"), from_env(s, "R2_SECRET_ACCESS_KEY"), {}},
      {from_env(s, "AWS_ACCESS_KEY_ID"), from_env(s, "AWS_SECRET_ACCESS_KEY"),
       from_env(s, "AWS_SESSION_TOKEN")},
      {from_file(s, "access_key_id"), from_file(s, "secret_access_key"), from_file(s, "session_token")},
      {from_profile(s, "aws_access_key_id"), from_profile(s, "aws_secret_access_key"),
       from_profile(s, "aws_session_token")},
  };
  for (const CredentialSource& source : sources) {
    if (!source.id.value && !source.secret.value) continue;
    if (!source.id.value || !source.secret.value) {
      const Candidate& set = source.id.value ? source.id : source.secret;
      const Candidate& missing = source.id.value ? source.secret : source.id;
      const std::string missing_name =
          missing.label.empty() ? "its pair" : missing.label;
      throw Error(ErrorKind::Usage, set.label, fmt::format("is set but {} is not", missing_name));
    }
    config.s3.access_key_id = *source.id.value;
    config.s3.secret_access_key = *source.secret.value;
    config.s3.session_token = source.token.value.value_or("");
    config.origin["credentials"] = source.id.origin;
    return;
  }
}

void resolve_s3(Config& config, Sources& s) {
  if (config.store_kind != "s3") return;
  s.profile = read_aws_profile(s.env);
  if (auto c = first_of({from_flag(s.flags.endpoint, "--endpoint"), from_env(s, "R2_ENDPOINT"),
                         from_env(s, "AWS_ENDPOINT_URL_S3"), from_env(s, "AWS_ENDPOINT_URL"),
                         from_file(s, "endpoint"), from_profile(s, "endpoint_url")})) {
    config.s3.endpoint = parse_endpoint(*c->value, c->label);
    config.origin["endpoint"] = c->origin;
  }
  if (auto c = first_of({from_flag(s.flags.region, "--region"), from_env(s, "R2_REGION"),
                         from_env(s, "AWS_REGION"), from_env(s, "AWS_DEFAULT_REGION"),
                         from_file(s, "region"), from_profile(s, "region")})) {
    config.s3.region = parse_region(*c->value, c->label);
    config.origin["region"] = c->origin;
  } else {
    // "auto" is R2's region; without an endpoint the store is AWS itself.
    config.s3.region = config.s3.endpoint.empty() ? "us-east-1" : "auto";
    config.origin["region"] = "default";
  }
  if (auto c = first_of({from_env(s, "AWS_CA_BUNDLE"), from_env(s, "SSL_CERT_FILE"),
                         from_file(s, "ca_bundle"), from_profile(s, "ca_bundle")})) {
    config.s3.ca_bundle = expand_path(*c->value, s.env);
    config.origin["ca_bundle"] = c->origin;
  }
  if (auto c = first_of({from_file(s, "virtual_hosted")})) {
    config.s3.virtual_hosted = parse_bool(*c->value, c->label);
    config.origin["virtual_hosted"] = c->origin;
  }
  resolve_credentials(config, s);
}

std::optional<ConfigFile> load_file(const ConfigOverrides& flags, const Getenv& env, Config& config) {
  std::optional<Candidate> named =
      first_of({from_flag(flags.config_file, "--config"), {env_value(env, "CLAIMCHECK_CONFIG"),
                                                           "env CLAIMCHECK_CONFIG", "CLAIMCHECK_CONFIG"}});
  std::string path = named ? expand_path(*named->value, env) : home_relative(env, "XDG_CONFIG_HOME", ".config");
  if (!named && !path.empty()) path += "/config";
  if (path.empty()) return std::nullopt;
  std::optional<ConfigFile> file = read_config_file(path, named.has_value(), named ? named->label : path);
  if (file) config.origin["config"] = named ? named->origin + " " + path : "default " + path;
  return file;
}

/// Every value in the file is checked, used or not, so a typo is caught
/// the first time the file is read.
void check_file_values(const Sources& s) {
  if (!s.file) return;
  for (const auto& [key, entry] : s.file->entries) {
    const std::string label = s.file->label(key);
    const std::string& v = entry.value;
    if (key == "store") parse_store(v, label, s.env);
    else if (key == "endpoint") parse_endpoint(v, label);
    else if (key == "region") parse_region(v, label);
    else if (key == "prefix") normalise_prefix(v, label);
    else if (key == "threshold") parse_size(v, label);
    else if (key == "ttl") parse_ttl(v, label);
    else if (key == "compress") parse_compress(v, label, true);
    else if (key == "level") parse_level(v, label);
    else if (key == "enabled" || key == "virtual_hosted") parse_bool(v, label);
  }
}

}  // namespace

Getenv process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Config load_config(const ConfigOverrides& flags, const Getenv& env) {
  Config config;
  for (const char* key : {"store", "prefix", "enabled", "threshold", "ttl", "compress", "level"}) {
    config.origin[key] = "default";
  }
  Sources sources{flags, env, load_file(flags, env, config), std::nullopt};
  check_file_values(sources);
  resolve_store(config, sources);
  resolve_payload_rules(config, sources);
  resolve_s3(config, sources);
  return config;
}

}  // namespace claimcheck
