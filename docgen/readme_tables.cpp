// README's settings and exit-code tables, as Markdown.
#include "core/error.hpp"
#include "generators.hpp"

namespace claimcheck::docgen {
namespace {

/// A table cell: '|' escaped, line breaks flattened.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string code(std::string_view text) { return text.empty() ? "" : "`" + cell(text) + "`"; }

std::string flag_cell(const Setting& row) {
  if (row.flag.empty()) return "";
  std::string text = code(row.long_flag());
  std::string commands;
  for (const CommandFlag& c : row.commands) commands += (commands.empty() ? "" : ", ") + std::string(c.command);
  return commands.empty() ? text : text + " (" + commands + ")";
}

std::string env_cell(const Setting& row) {
  std::string text;
  for (const EnvVar& var : row.env) {
    if (var.name.empty()) continue;
    if (!var.older_name.empty()) text += (text.empty() ? "" : ", ") + code(var.older_name);
    text += (text.empty() ? "" : ", ") + code(var.name);
    if (!var.doc.empty()) text += " (" + cell(var.doc) + ")";
  }
  return text;
}

}  // namespace

std::string readme_tables() {
  std::string text =
      "| setting | meaning | flag | environment (first set wins) | config file key | AWS profile key | default |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const Setting& row : settings()) {
    const std::string fallback = row.fallback.empty() ? cell(row.default_doc) : code(row.fallback);
    text += "| " + std::string(row.key) + " | " + cell(row.help) + " | " + flag_cell(row) + " | " + env_cell(row) +
            " | " + code(row.file_key) + " | " + code(row.profile_key) + " | " + fallback + " |\n";
  }
  text += "\n| code | meaning |\n|---|---|\n";
  for (const ExitStatusDoc& status : exit_statuses()) {
    text += "| " + status.code + " | " + cell(status.meaning) + (status.detail.empty() ? "" : "; " + cell(status.detail)) +
            " |\n";
  }
  return text;
}

}  // namespace claimcheck::docgen
