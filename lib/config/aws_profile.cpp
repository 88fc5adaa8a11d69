#include "config/aws_profile.hpp"

#include <cerrno>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/io.hpp"
#include "base/text.hpp"
#include "config/setting_values.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

using base::trim;

/// Where a section header puts its keys: the credentials file names
/// profiles plainly ([dev]); the config file says [profile dev] (but
/// [default]), [sso-session name] and [services name].
struct SectionName {
  std::map<std::string, AwsSection>* table = nullptr;
  std::string name;
};

SectionName section_for(std::string_view header, bool config_file, AwsSharedFiles& files) {
  if (!config_file) return {&files.profiles, std::string(header)};
  if (header == "default") return {&files.profiles, "default"};
  // As botocore: "profile NAME", with NAME one shell word ("my p" quoted).
  for (const auto& [prefix, table] :
       {std::pair<std::string_view, std::map<std::string, AwsSection>*>{"profile", &files.profiles},
        {"sso-session", &files.sso_sessions},
        {"services", &files.services}}) {
    if (!header.starts_with(prefix)) continue;
    const auto words = base::split_shell_words(header);
    if (!words || words->size() != 2) return {};  // [profile x y]: botocore ignores it too
    return {table, (*words)[1]};
  }
  return {};  // a section the AWS CLI ignores too
}

/// Two headers of one file naming one section ([default] and [profile
/// default]): botocore keeps the later one whole, the earlier one's keys
/// dropped. Keys from the credentials file stay.
void drop_config_file_keys(AwsSection& section) {
  std::erase_if(section.values, [](const auto& entry) { return !entry.second.in_credentials_file; });
  section.nested.clear();
}

/// A line the AWS CLI's parser (Python's configparser) refuses: it stops
/// with a parse error, and so do we, rather than read the file without it.
/// The line itself is not quoted: it may hold a secret.
[[noreturn]] void unreadable_line(const std::string& path, int line, std::string_view why) {
  throw Error(ErrorKind::Usage, path, fmt::format("line {}: {}", line, why));
}

/// Reads one file into `files`; keys already present (from the credentials
/// file, read first) are kept.
void read_file(const std::string& path, bool config_file, AwsSharedFiles& files) {
  // A file that is not there (or cannot be opened) is skipped, as the AWS
  // CLI skips it; one that never ends (/dev/zero) is refused, not read.
  const auto content = base::read_small_file(path, base::kSmallFileLimit);
  if (!content) {
    const int error = errno;
    if (error == EFBIG) throw Error(ErrorKind::Usage, path, fmt::format("larger than {} bytes", base::kSmallFileLimit));
    // Skipped, the profile's keys would be missed without a word and
    // another source (instance metadata) sign instead.
    if (base::out_of_descriptors(error))
      throw Error(ErrorKind::Internal, path,
                  "cannot be read: " + base::errno_text(error));
    return;
  }
  // configparser, so the AWS CLI, fails on it too, as a line before any header.
  if (content->starts_with("\xEF\xBB\xBF"))
    unreadable_line(path, 1, "it begins with a UTF-8 byte order mark, which the AWS CLI cannot read either "
                             "(save the file without it)");
  std::istringstream in(*content);
  AwsSection* section = nullptr;
  bool in_section = false;  // past a [header], whether we read that section or not
  bool key_seen = false;    // in this section
  std::string section_label, parent_key;
  // configparser (strict) refuses a header or a key twice, and so does the AWS CLI.
  std::map<std::string, int> header_lines;             // this file's headers, and where
  std::map<const AwsSection*, std::string> named_by;   // the header that filled a section
  std::map<std::string, int> key_lines;                // the current section's keys, and where
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string_view text = trim(raw);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    // configparser reads an indented line as part of the key before it (a
    // nested "s3 =" block, or a value's continuation), and as a key of its
    // own when none came before it in the section.
    const bool indented = (raw.front() == ' ' || raw.front() == '\t') && key_seen;
    if (text.front() == '[') {
      const auto close = text.find(']');
      if (close == std::string_view::npos || close == 1) unreadable_line(path, line, "a [section] header without its name or ']'");
      in_section = true;
      // As written: configparser keeps the blanks inside the brackets.
      const std::string header(text.substr(1, close - 1));
      if (const auto seen = header_lines.find(header); seen != header_lines.end())
        unreadable_line(path, line,
                        fmt::format("a section header seen before, at line {} (the AWS CLI refuses a section twice)",
                                    seen->second));
      header_lines[header] = line;
      key_lines.clear();
      const SectionName name = section_for(header, config_file, files);
      section = name.table != nullptr ? &(*name.table)[name.name] : nullptr;
      if (section != nullptr) {
        const auto previous = named_by.find(section);
        if (previous != named_by.end() && previous->second != header) {
          drop_config_file_keys(*section);
          section->origin.clear();
        }
        named_by[section] = header;
      }
      if (section != nullptr && section->origin.empty()) section->origin = fmt::format("{}:{}", path, line);
      section_label = name.table == &files.profiles ? "aws profile " + name.name : std::string(text.substr(0, close + 1));
      parent_key.clear();
      key_seen = false;
      continue;
    }
    // configparser's delimiters: the first '=' or ':' ends the key.
    const auto equals = text.find_first_of("=:");
    if (!in_section) unreadable_line(path, line, "a setting before any [section] header");
    if (!indented && (equals == std::string_view::npos || equals == 0))
      unreadable_line(path, line, "neither a [section] header nor key = value");
    key_seen = true;
    // configparser joins such a line to the value before it: a value of
    // several lines, which no setting takes (the AWS CLI then fails on it).
    if (indented && section != nullptr && parent_key.empty())
      unreadable_line(path, line, "an indented line continues the value before it (a value of several lines)");
    if (equals == std::string_view::npos) continue;  // a line of a nested block's value
    // Names in any case, as configparser lowers them: AWS_ACCESS_KEY_ID works.
    const std::string key = base::to_lower(trim(text.substr(0, equals)));
    if (!indented) {
      if (const auto seen = key_lines.find(key); seen != key_lines.end())
        unreadable_line(path, line,
                        fmt::format("a key seen before in its section, at line {} (the AWS CLI refuses a key twice)",
                                    seen->second));
      key_lines[key] = line;
    }
    if (section == nullptr) continue;
    const std::string value(trim(text.substr(equals + 1)));
    if (!indented) parent_key = value.empty() ? key : "";
    if (indented && parent_key.empty()) continue;
    AwsValues& values = indented ? section->nested[parent_key] : section->values;
    if (value.empty()) continue;
    AwsProfileValue read{value, fmt::format("{} ({}:{})", section_label, path, line), !config_file};
    if (const auto present = values.find(key); present != values.end()) {
      if (present->second.in_credentials_file && config_file)
        present->second.shadowed = std::make_shared<const AwsProfileValue>(std::move(read));
      continue;
    }
    values[key] = std::move(read);
  }
}

std::optional<std::string> get(const Getenv& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string aws_file(const Getenv& env, const char* variable, const char* name) {
  // "~/..." as the AWS CLI expands it: a systemd unit or a .env file sets it unexpanded.
  if (auto path = get(env, variable)) return expand_path(*path, env);
  if (auto home = get(env, "HOME")) return fmt::format("{}/.aws/{}", *home, name);
  return {};
}

}  // namespace

const AwsProfileValue* AwsSection::find(const std::string& key) const {
  const auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

const AwsProfileValue* AwsSection::find_in_file(const std::string& key, bool credentials_file) const {
  const AwsProfileValue* value = find(key);
  if (value != nullptr && value->in_credentials_file != credentials_file) value = value->shadowed.get();
  return value != nullptr && value->in_credentials_file == credentials_file ? value : nullptr;
}

const AwsSection* AwsSharedFiles::profile(const std::string& name) const {
  const auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

AwsSharedFiles read_aws_shared_files(const Getenv& env) {
  AwsSharedFiles files;
  files.credentials_path = aws_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  files.config_path = aws_file(env, "AWS_CONFIG_FILE", "config");
  if (!files.credentials_path.empty()) read_file(files.credentials_path, false, files);
  if (!files.config_path.empty()) read_file(files.config_path, true, files);
  return files;
}

const AwsProfileValue* AwsProfile::find(const std::string& key) const {
  const auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

AwsProfile aws_profile(const AwsSharedFiles& files, const std::string& name, const std::string& named_by) {
  AwsProfile profile;
  profile.name = name;
  const AwsSection* section = files.profile(profile.name);
  if (!named_by.empty() && section == nullptr) {
    throw Error(ErrorKind::Usage, named_by,
                fmt::format("profile '{}' not found in {} or {}", profile.name, files.credentials_path,
                            files.config_path));
  }
  if (section != nullptr) profile.values = section->values;
  return profile;
}

}  // namespace claimcheck
