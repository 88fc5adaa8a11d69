// The shape of one row of the settings table (settings.cpp holds the rows
// and says how to add one). A row is data: load_config, the config file's
// known keys, the CLI11 options, --help, -v and the generated man page and
// completions all read it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace claimcheck {

/// Where a value came from, highest precedence first.
enum class Source { Flag, Env, File, Profile, Default };

/// One value found for a setting.
struct SettingValue {
  std::string text;                // as given: "50KiB"
  std::vector<std::string> items;  // a list setting: each repeated flag, or `text` split on ','
  Source source = Source::Default;
  std::string origin;  // "env CLAIMCHECK_TTL_DAYS": Config::origin, printed by -v
  std::string label;   // "CLAIMCHECK_TTL_DAYS": names the value in error messages
  /// What a relative path in it is relative to: the config file's
  /// directory for a value from the file (a service runs in '/'), else ""
  /// (the current directory).
  std::string base_dir;
};

/// What a row's parser writes into.
struct SettingTarget {
  Config& config;
  const Getenv& env;  // for paths under HOME
  /// Values this one gives to settings resolved after it, at its own level
  /// (the prefix inside a store URL): (key, text).
  std::vector<std::pair<std::string, std::string>> implied;
};

/// Parses `value` into `target.config`; a bad value throws Error(Usage)
/// naming value.label.
using ApplySetting = void (*)(const SettingValue& value, SettingTarget& target);
/// Sets a default that depends on the environment or on other settings.
using ComputeDefault = void (*)(SettingTarget& target);
/// The value as -v prints it.
using ShowSetting = std::string (*)(const Config& config);
/// Turns one variable's value into the setting's syntax (R2_BUCKET -> s3://bucket).
using ConvertEnv = std::string (*)(const std::string& text, const std::string& label);

/// When load_config resolves a row.
enum class Stage {
  ConfigFile,  // before the config file is read (only flag and environment)
  General,     // for every store
  AwsProfile,  // only for an S3 store, before the AWS shared files are read: which profile
  S3,          // only for an S3 store, after the AWS shared profile is read
  Command,     // only when the command run is one of the row's `commands` (serve's own)
};

/// How a shell completes the value of the flag.
enum class ValueHint { None, File, Directory };

struct EnvVar {
  std::string_view name = {};  // "" in a unit: this source has no such member
  ConvertEnv convert = nullptr;
  std::string_view doc = {};   // for the man page, when its syntax differs from the flag's
  /// An older name of the same variable, read first, as botocore reads
  /// AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN; "" none.
  std::string_view older_name = {};
};

/// A command that carries the flag, with its own help line if the setting
/// means something narrower there.
struct CommandFlag {
  std::string_view command;
  std::string_view help = {};
};

struct Setting {
  std::string_view key = {};       // Config::origin and -v name: "threshold"
  std::string_view flag = {};      // CLI11 names: "--threshold" or "-t,--threshold"; "" none
  std::vector<CommandFlag> commands = {};  // commands that carry the flag; none: a global option
  std::vector<EnvVar> env = {};    // first set wins; an empty value counts as unset
  std::string_view file_key = {};  // key in the config file; "" none
  std::string_view profile_key = {};  // key in the AWS shared profile (S3 stage); "" none
  std::string_view value_name = {};   // "SIZE", shown in --help and the man page
  ApplySetting apply = nullptr;
  std::string_view fallback = {};  // the default, as text parsed by `apply`; "" none
  ComputeDefault compute_default = nullptr;  // or a default computed at load time
  std::string_view default_doc = {};  // how docs state a computed or absent default
  std::string_view help = {};
  ShowSetting show = nullptr;  // -v prints "key = value"; null: only where it came from
  std::string_view unused_beside = {};  // a setting that, when set, wins over this one (-v says so)
  Stage stage = Stage::General;
  std::vector<std::string_view> choices = {};  // the only values the flag accepts
  std::pair<int, int> int_range{0, 0};    // an integer flag in [first, second] when second > 0
  bool list = false;                      // repeatable flag; ','-separated elsewhere
  bool switch_flag = false;               // the flag takes no value and means "true"
  ValueHint hint = ValueHint::None;
  /// Rows with the same unit are taken together from the first source that
  /// sets any `required` member ("credentials": a key and its secret).
  std::string_view unit = {};
  bool required = false;

  /// "--threshold": the long name, used in origins and error messages.
  std::string_view long_flag() const;
  /// The default as docs state it: `fallback`, else `default_doc`.
  std::string_view default_text() const;
  bool on_command(std::string_view command) const;
  /// The help line for `command` ("" for the global option).
  std::string_view help_for(std::string_view command) const;
};

/// The table, in the order load_config resolves it (within each stage) and
/// docs list it.
std::span<const Setting> settings();
const Setting* find_setting(std::string_view key);

/// load_config over another table (tests of the resolution rules).
Config load_config_from(std::span<const Setting> table, const ConfigOverrides& flags,
                        const Getenv& env);

}  // namespace claimcheck
