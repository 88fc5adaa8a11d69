// The claimcheck config file: `key = value` lines, `#` comments (whole
// lines, or after whitespace), values optionally in double quotes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck {

struct ConfigFileEntry {
  std::string value;
  int line = 0;
};

struct ConfigFile {
  std::string path;
  std::map<std::string, ConfigFileEntry> entries;

  const ConfigFileEntry* find(const std::string& key) const;
  /// "path:line: key", the name used in error messages.
  std::string label(const std::string& key) const;
  /// "file path:line", the origin recorded in Config::origin.
  std::string origin(const std::string& key) const;
};

/// Reads and checks the syntax and keys of `path` (`known_keys`: the
/// settings table's file keys). A missing file gives nullopt unless
/// `required`; then, like any unreadable file, unknown key, duplicate key or
/// malformed line, Error(Usage) naming `path:line`.
std::optional<ConfigFile> read_config_file(const std::string& path, bool required,
                                           const std::string& named_by,
                                           const std::vector<std::string_view>& known_keys);

}  // namespace claimcheck
