// load_config: resolves the rows of the settings table (settings.cpp) in
// stages: the config file's location, every value in that file checked,
// the general settings, then, when an S3 store is used (serve's namespace
// stores included), the AWS shared profile and the S3 settings. Each row
// takes the first value found in precedence order; a value one setting
// implies for another (the prefix in a store URL) counts at the level it
// came from, after that level's own value.
#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "base/text.hpp"
#include "config/aws_profile.hpp"
#include "config/config_file.hpp"
#include "config/credential_chain.hpp"
#include "config/setting_values.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

struct Sources {
  const ConfigOverrides& flags;
  const Getenv& env;
  std::optional<ConfigFile> file;
  std::optional<AwsProfile> profile;
  std::map<std::string, SettingValue> implied;  // by setting key
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = base::trim(std::string_view(text).substr(start, comma - start));
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

SettingValue make_value(const Setting& row, std::string text, Source source, std::string origin,
                        std::string label) {
  SettingValue value{std::move(text), {}, source, std::move(origin), std::move(label), {}};
  if (row.list) value.items = split_list(value.text);
  return value;
}

std::optional<SettingValue> from_flag(const Setting& row, const Sources& s) {
  if (row.flag.empty()) return std::nullopt;
  const auto it = s.flags.values.find(std::string(row.key));
  if (it == s.flags.values.end() || it->second.empty()) return std::nullopt;
  const std::string flag(row.long_flag());
  SettingValue value{it->second.back(), {}, Source::Flag, "flag " + flag, flag, {}};
  if (row.list) value = {fmt::format("{}", fmt::join(it->second, ",")), it->second, Source::Flag,
                         "flag " + flag, flag, {}};
  return value;
}

std::optional<SettingValue> from_env(const Setting& row, const EnvVar& var, const Sources& s) {
  for (const std::string_view name_view : {var.older_name, var.name}) {
    if (name_view.empty()) continue;
    const std::string name(name_view);
    if (std::optional<std::string> text = env_value(s.env, name))
      return make_value(row, *text, Source::Env, "env " + name, name);
  }
  return std::nullopt;
}

SettingValue file_value(const Setting& row, const ConfigFile& file, const std::string& key, const std::string& text) {
  SettingValue value = make_value(row, text, Source::File, file.origin(key), file.label(key));
  value.base_dir = std::filesystem::path(file.path).parent_path().string();
  return value;
}

std::optional<SettingValue> from_file(const Setting& row, const Sources& s) {
  if (row.file_key.empty() || !s.file) return std::nullopt;
  const std::string key(row.file_key);
  const ConfigFileEntry* entry = s.file->find(key);
  if (!entry) return std::nullopt;
  return file_value(row, *s.file, key, entry->value);
}

std::optional<SettingValue> from_profile(const Setting& row, const Sources& s) {
  if (row.profile_key.empty() || !s.profile) return std::nullopt;
  const AwsProfileValue* v = s.profile->find(std::string(row.profile_key));
  if (!v) return std::nullopt;
  return make_value(row, v->value, Source::Profile, v->origin, v->origin);
}

std::optional<SettingValue> implied(const Setting& row, Source level, const Sources& s) {
  const auto it = s.implied.find(std::string(row.key));
  if (it == s.implied.end() || it->second.source != level) return std::nullopt;
  SettingValue value = make_value(row, it->second.text, level, it->second.origin, it->second.label);
  value.base_dir = it->second.base_dir;
  return value;
}

/// The first value in precedence order, converted when its variable says so.
std::optional<SettingValue> winning_value(const Setting& row, const Sources& s) {
  if (auto v = from_flag(row, s)) return v;
  if (auto v = implied(row, Source::Flag, s)) return v;
  for (const EnvVar& var : row.env) {
    if (auto v = from_env(row, var, s)) {
      if (var.convert) *v = make_value(row, var.convert(v->text, v->label), v->source, v->origin, v->label);
      return v;
    }
  }
  if (auto v = implied(row, Source::Env, s)) return v;
  if (auto v = from_file(row, s)) return v;
  if (auto v = implied(row, Source::File, s)) return v;
  return from_profile(row, s);
}

/// Every source of `row` that sets it, other than `winner`, in precedence
/// order (values implied by another setting are that setting's).
std::vector<std::string> losing_origins(const Setting& row, const Sources& s, const SettingValue& winner) {
  std::vector<std::optional<SettingValue>> found{from_flag(row, s)};
  for (const EnvVar& var : row.env) found.push_back(from_env(row, var, s));
  found.push_back(from_file(row, s));
  found.push_back(from_profile(row, s));
  std::vector<std::string> origins;
  for (const auto& value : found)
    if (value && value->origin != winner.origin) origins.push_back(value->origin);
  return origins;
}

void apply(const Setting& row, const SettingValue& value, Config& config, Sources& s) {
  SettingTarget target{config, s.env, {}};
  row.apply(value, target);
  for (auto& [key, text] : target.implied) {
    s.implied[key] = SettingValue{std::move(text), {}, value.source, value.origin, value.label, value.base_dir};
  }
}

void resolve_row(const Setting& row, Config& config, Sources& s) {
  const std::string key(row.key);
  if (std::optional<SettingValue> value = winning_value(row, s)) {
    apply(row, *value, config, s);
    config.origin[key] = value->origin;
    if (auto losers = losing_origins(row, s, *value); !losers.empty()) config.unused_origins[key] = std::move(losers);
  } else if (!row.fallback.empty()) {
    apply(row, make_value(row, std::string(row.fallback), Source::Default, std::string(Config::kDefaultOrigin), "default"),
          config, s);
    config.origin[key] = Config::kDefaultOrigin;
  } else if (row.compute_default) {
    SettingTarget target{config, s.env, {}};
    row.compute_default(target);
    config.origin[key] = Config::kDefaultOrigin;
  }
}

/// One member's value from one source of a unit: tier 0 the flag, then each
/// variable position, then the file, then the profile.
std::optional<SettingValue> unit_value(const Setting& row, std::size_t tier, std::size_t env_tiers,
                                       const Sources& s) {
  if (tier == 0) return from_flag(row, s);
  if (tier <= env_tiers) return tier - 1 < row.env.size() ? from_env(row, row.env[tier - 1], s) : std::nullopt;
  return tier == env_tiers + 1 ? from_file(row, s) : from_profile(row, s);
}

std::string member_name(const Setting& row, std::size_t tier, std::size_t env_tiers) {
  if (tier == 0) return std::string(row.long_flag());
  if (tier <= env_tiers && tier - 1 < row.env.size() && !row.env[tier - 1].name.empty())
    return std::string(row.env[tier - 1].name);
  return "its pair";
}

/// The sources after `winner` (a tier) that set a required member of the
/// unit too: what -v says lost (the variables' names, never their values).
std::vector<std::string> unit_losing_origins(const std::vector<const Setting*>& members, std::size_t winner,
                                             std::size_t env_tiers, const Sources& s) {
  std::vector<std::string> origins;
  for (std::size_t tier = winner + 1; tier <= env_tiers + 2; ++tier) {
    for (const Setting* row : members) {
      if (!row->required) continue;
      if (std::optional<SettingValue> value = unit_value(*row, tier, env_tiers, s)) {
        origins.push_back(value->origin);
        break;
      }
    }
  }
  return origins;
}

/// Settings of a unit come together from the first source that sets any
/// required member: mixing an access key from one place with a secret from
/// another would only produce signature errors.
void resolve_unit(std::span<const Setting> table, std::string_view unit, Config& config, Sources& s) {
  std::vector<const Setting*> members;
  std::size_t env_tiers = 0;
  for (const Setting& row : table) {
    if (row.unit != unit) continue;
    members.push_back(&row);
    env_tiers = std::max(env_tiers, row.env.size());
  }
  for (std::size_t tier = 0; tier <= env_tiers + 2; ++tier) {
    std::vector<std::optional<SettingValue>> values;
    for (const Setting* row : members) values.push_back(unit_value(*row, tier, env_tiers, s));
    const SettingValue* first_set = nullptr;
    const Setting* first_missing = nullptr;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (!members[i]->required) continue;
      if (values[i] && !first_set) first_set = &*values[i];
      if (!values[i] && !first_missing) first_missing = members[i];
    }
    if (!first_set) continue;
    if (first_missing) {
      throw Error(ErrorKind::Usage, first_set->label,
                  fmt::format("is set but {} is not", member_name(*first_missing, tier, env_tiers)));
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (values[i]) apply(*members[i], *values[i], config, s);
    }
    config.origin[std::string(unit)] = first_set->origin;
    if (auto losers = unit_losing_origins(members, tier, env_tiers, s); !losers.empty())
      config.unused_origins[std::string(unit)] = std::move(losers);
    return;
  }
}

void resolve_stage(std::span<const Setting> table, Stage stage, Config& config, Sources& s) {
  std::vector<std::string_view> units_done;
  for (const Setting& row : table) {
    if (row.stage != stage) continue;
    if (stage == Stage::Command && !row.on_command(s.flags.command)) continue;
    if (row.unit.empty()) {
      resolve_row(row, config, s);
    } else if (std::find(units_done.begin(), units_done.end(), row.unit) == units_done.end()) {
      units_done.push_back(row.unit);
      resolve_unit(table, row.unit, config, s);
    }
  }
}

/// The file named by the ConfigFile-stage row (flag, environment, else its
/// computed default): a named file must exist, the default one may be absent.
std::optional<ConfigFile> load_file(std::span<const Setting> table, Config& config, Sources& s) {
  std::vector<std::string_view> known_keys;
  for (const Setting& row : table) {
    if (!row.file_key.empty()) known_keys.push_back(row.file_key);
  }
  for (const Setting& row : table) {
    if (row.stage != Stage::ConfigFile) continue;
    const std::optional<SettingValue> named = winning_value(row, s);
    SettingTarget target{config, s.env, {}};
    named ? row.apply(*named, target) : row.compute_default(target);
    if (config.config_file.empty()) return std::nullopt;
    std::optional<ConfigFile> file = read_config_file(config.config_file, named.has_value(),
                                                      named ? named->label : config.config_file, known_keys);
    if (file) config.origin[std::string(row.key)] = (named ? named->origin : std::string(Config::kDefaultOrigin)) + " " + config.config_file;
    return file;
  }
  return std::nullopt;
}

/// Every value in the file is checked, used or not, so a typo is caught
/// the first time the file is read.
void check_file_values(std::span<const Setting> table, Sources& s) {
  if (!s.file) return;
  for (const auto& [key, entry] : s.file->entries) {
    for (const Setting& row : table) {
      if (row.file_key != key || !row.apply) continue;
      Config scratch;
      SettingTarget target{scratch, s.env, {}};
      row.apply(file_value(row, *s.file, key, entry.value), target);
    }
  }
}

/// Every flag given is checked too, used or not (an S3 setting beside a
/// local store): a typo on the command line is never silently ignored.
void check_flag_values(std::span<const Setting> table, const Sources& s) {
  for (const Setting& row : table) {
    if (!row.apply) continue;
    if (std::optional<SettingValue> value = from_flag(row, s)) {
      Config scratch;
      SettingTarget target{scratch, s.env, {}};
      row.apply(*value, target);
    }
  }
}

}  // namespace

bool is_namespace_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
}

namespace {

/// Buckets to read references from count only for the commands that read
/// references (those of the read_buckets row): a CLAIMCHECK_READ_BUCKETS
/// kept for serve must not make a local offload, gc or stats read the AWS
/// settings, and fail on a profile it never needed.
void forget_buckets_not_read(std::span<const Setting> table, Config& config, const std::string& command) {
  const auto row = std::find_if(table.begin(), table.end(), [](const Setting& s) { return s.key == "read_buckets"; });
  if (command.empty() || row == table.end() || row->on_command(command)) return;
  config.s3.read_buckets.clear();
  config.origin.erase("read_buckets");
  config.unused_origins.erase("read_buckets");
}

}  // namespace

bool uses_s3(const Config& config) {
  // A bucket to read Temporal's references from needs the endpoint and
  // credentials whatever the store is.
  if (config.store_kind == "s3" || !config.s3.read_buckets.empty()) return true;
  const auto& stores = config.serve.namespace_stores;
  return std::any_of(stores.begin(), stores.end(), [](const NamespaceStore& e) { return e.store.kind == "s3"; });
}

Getenv process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Config load_config_from(std::span<const Setting> table, const ConfigOverrides& flags, const Getenv& env) {
  Config config;
  Sources sources{flags, env, std::nullopt, std::nullopt, {}};
  sources.file = load_file(table, config, sources);
  check_file_values(table, sources);
  check_flag_values(table, sources);
  resolve_stage(table, Stage::General, config, sources);
  resolve_stage(table, Stage::Command, config, sources);
  forget_buckets_not_read(table, config, flags.command);
  if (uses_s3(config)) {
    resolve_stage(table, Stage::AwsProfile, config, sources);
    const AwsSharedFiles files = read_aws_shared_files(env);
    sources.profile = aws_profile(files, config.s3.chain.profile, config.s3.chain.profile_named_by);
    resolve_stage(table, Stage::S3, config, sources);
    apply_credential_chain(config, files, env);
  }
  return config;
}

Config load_config(const ConfigOverrides& flags, const Getenv& env) {
  return load_config_from(settings(), flags, env);
}

const Config& default_config() {
  static const Config defaults = [] {
    Config config;
    const Getenv no_environment = [](const std::string&) { return std::optional<std::string>(); };
    for (const Setting& row : settings()) {
      if (row.fallback.empty()) continue;
      SettingTarget target{config, no_environment, {}};
      row.apply(SettingValue{std::string(row.fallback), {}, Source::Default, std::string(Config::kDefaultOrigin), "default", {}},
                target);
    }
    return config;
  }();
  return defaults;
}

}  // namespace claimcheck
