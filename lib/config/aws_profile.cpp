#include "config/aws_profile.hpp"

#include <fstream>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimcheck {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

/// The section header that names `profile` in this kind of file: the
/// credentials file uses [name], the config file [profile name] ([default]
/// in both).
bool names_profile(std::string_view header, const std::string& profile, bool config_file) {
  if (header == profile) return true;
  if (!config_file) return false;
  if (!header.starts_with("profile ")) return false;
  return trim(header.substr(8)) == profile;
}

/// Reads the keys of one profile section; returns whether the section exists.
/// Indented lines (sub-sections such as "s3 =\n  endpoint_url = ...") are
/// skipped: only top-level keys are used.
bool read_section(const std::string& path, const std::string& profile, bool config_file,
                  std::map<std::string, AwsProfileValue>& values) {
  std::ifstream in(path);
  if (!in) return false;
  bool found = false, inside = false;
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string_view text = trim(raw);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[') {
      const auto close = text.find(']');
      inside = close != std::string_view::npos &&
               names_profile(trim(text.substr(1, close - 1)), profile, config_file);
      found = found || inside;
      continue;
    }
    if (!inside || raw.front() == ' ' || raw.front() == '\t') continue;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string key(trim(text.substr(0, equals)));
    const std::string value(trim(text.substr(equals + 1)));
    if (value.empty() || values.count(key) != 0) continue;
    values[key] = AwsProfileValue{value, fmt::format("aws profile {} ({}:{})", profile, path, line)};
  }
  return found;
}

std::optional<std::string> get(const Getenv& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string aws_file(const Getenv& env, const char* variable, const char* name) {
  if (auto path = get(env, variable)) return *path;
  if (auto home = get(env, "HOME")) return fmt::format("{}/.aws/{}", *home, name);
  return {};
}

}  // namespace

const AwsProfileValue* AwsProfile::find(const std::string& key) const {
  const auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

AwsProfile read_aws_profile(const Getenv& env) {
  AwsProfile profile;
  const std::optional<std::string> named = get(env, "AWS_PROFILE");
  profile.name = named.value_or("default");
  const std::string credentials = aws_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const std::string config = aws_file(env, "AWS_CONFIG_FILE", "config");
  bool found = false;
  if (!credentials.empty()) found |= read_section(credentials, profile.name, false, profile.values);
  if (!config.empty()) found |= read_section(config, profile.name, true, profile.values);
  if (named && !found) {
    throw Error(ErrorKind::Usage, "AWS_PROFILE",
                fmt::format("profile '{}' not found in {} or {}", profile.name, credentials, config));
  }
  return profile;
}

}  // namespace claimcheck
