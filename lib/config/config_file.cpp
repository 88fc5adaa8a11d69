#include "config/config_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <string_view>

#include <sys/stat.h>

#include <fmt/format.h>

#include "base/io.hpp"
#include "base/text.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

using base::trim;

/// Drops a comment: '#' at the start or after whitespace (so "a#b" stays).
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(0, i);
    }
  }
  return line;
}

[[noreturn]] void line_error(const std::string& path, int line, const std::string& why) {
  throw Error(ErrorKind::Usage, fmt::format("{}:{}", path, line), why);
}

std::string unquote(std::string_view value, const std::string& path, int line) {
  if (value.size() >= 1 && value.front() == '"') {
    if (value.size() < 2 || value.back() != '"') line_error(path, line, "unterminated quoted value");
    return std::string(value.substr(1, value.size() - 2));
  }
  return std::string(value);
}

void parse_line(ConfigFile& file, std::string_view raw, int line,
                const std::vector<std::string_view>& known_keys) {
  const std::string_view text = trim(strip_comment(raw));
  if (text.empty()) return;
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) line_error(file.path, line, "expected 'key = value'");
  const std::string key(trim(text.substr(0, equals)));
  if (key.empty()) line_error(file.path, line, "expected 'key = value'");
  if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
    line_error(file.path, line,
               fmt::format("unknown key '{}' (known: {})", key, fmt::join(known_keys, ", ")));
  }
  if (file.entries.count(key) != 0) {
    line_error(file.path, line,
               fmt::format("'{}' already set on line {}", key, file.entries[key].line));
  }
  file.entries[key] = ConfigFileEntry{unquote(trim(text.substr(equals + 1)), file.path, line), line};
}

/// The default file is absent when it is not there, or when its directory
/// cannot be searched (another user's ~/.config under sudo -u): what cannot
/// be seen is not there. A file that is there but unreadable is an error.
bool is_absent(const std::string& path, int open_error) {
  if (open_error == ENOENT || open_error == ENOTDIR) return true;
  struct stat info {};
  return open_error == EACCES && ::stat(path.c_str(), &info) != 0;
}

}  // namespace

const ConfigFileEntry* ConfigFile::find(const std::string& key) const {
  const auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

std::string ConfigFile::label(const std::string& key) const {
  const ConfigFileEntry* entry = find(key);
  return fmt::format("{}:{}: {}", path, entry ? entry->line : 0, key);
}

std::string ConfigFile::origin(const std::string& key) const {
  const ConfigFileEntry* entry = find(key);
  return fmt::format("file {}:{}", path, entry ? entry->line : 0);
}


std::optional<ConfigFile> read_config_file(const std::string& path, bool required,
                                           const std::string& named_by,
                                           const std::vector<std::string_view>& known_keys) {
  auto content = base::read_small_file(path, base::kSmallFileLimit);
  if (!content) {
    const int error = errno;
    if (!required && is_absent(path, error)) return std::nullopt;
    // Out of descriptors: this process's limit, not a path to change (exit 1).
    if (base::out_of_descriptors(error))
      throw Error(ErrorKind::Internal, named_by,
                  fmt::format("cannot read config file '{}': {}", path, base::errno_text(error)));
    throw Error(ErrorKind::Usage, named_by,
                error == EFBIG ? fmt::format("config file '{}' is larger than {} bytes", path, base::kSmallFileLimit)
                               : fmt::format("cannot read config file '{}': {}", path, std::strerror(error)));
  }
  ConfigFile file;
  file.path = path;
  // Windows editors start a UTF-8 file with a byte order mark: the first
  // key had been unknown, named with the mark invisible in the message.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (std::string_view(*content).starts_with(kByteOrderMark)) content->erase(0, kByteOrderMark.size());
  std::istringstream in(*content);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) parse_line(file, raw, ++line, known_keys);
  return file;
}

}  // namespace claimcheck
