// man/claimcheck.1 from man/claimcheck.1.in: the blocks of options,
// environment variables, config-file keys, files and exit statuses are
// written from the CLI definition and the tables; prose stays as written.
#include "generators.hpp"

#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "template.hpp"

namespace claimcheck::docgen {
namespace {

/// Text for roff: '\' and '-' escaped, `code` in bold.
std::string roff(const std::string& text) {
  std::string out;
  bool code = false;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else if (c == '`') out += (code = !code) ? "\\fB" : "\\fR";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string bold(const std::string& text) { return "\\fB" + roff(text) + "\\fR"; }

/// "Offload payloads at or above this size." on a line of its own.
std::string sentence(std::string text) {
  if (!text.empty() && text.back() != '.') text += '.';
  return roff(text) + "\n";
}

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string env_names(const Setting& row) {
  std::vector<std::string> names;
  for (const EnvVar& var : row.env) {
    if (!var.older_name.empty()) names.push_back(bold(std::string(var.older_name)));
    if (!var.name.empty()) names.push_back(bold(std::string(var.name)));
  }
  return joined(names, ", ");
}

/// Where else the setting comes from, for an option backed by the table.
std::string sources(const Setting& row) {
  std::vector<std::string> parts;
  if (!env_names(row).empty()) parts.push_back("environment " + env_names(row));
  if (!row.file_key.empty()) parts.push_back("config file key " + bold(std::string(row.file_key)));
  if (!row.profile_key.empty()) parts.push_back("AWS profile key " + bold(std::string(row.profile_key)));
  return parts.empty() ? "" : "Also from the " + joined(parts, ", then the ") + ".\n";
}

/// ".BI \-\-threshold " SIZE"", ".BR \-o ", " \-\-output " \fIFILE\fR"".
std::string option_tag(const OptionDoc& option) {
  const std::string value = option.value_name.empty() ? "" : " \\fI" + roff(option.value_name) + "\\fR";
  if (option.names.size() == 1) {
    if (value.empty()) return ".B " + roff(option.names[0]);
    return ".BI " + roff(option.names[0]) + " \" " + roff(option.value_name) + "\"";
  }
  std::vector<std::string> names;
  for (const std::string& name : option.names) names.push_back(roff(name));
  return ".BR " + joined(names, " \", \" ") + (value.empty() ? "" : " \"" + value + "\"");
}

std::string option_entry(const OptionDoc& option, Block& block) {
  std::string text = ".TP\n" + option_tag(option) + "\n" + sentence(option.help);
  // Unless the help says so already ("...; repeatable").
  if (option.repeatable && !option.value_name.empty() && option.help.find("repeatable") == std::string::npos)
    text += "Repeatable.\n";
  if (!option.default_text.empty()) text += "Default: " + bold(option.default_text) + ".\n";
  else if (option.setting && !option.setting->default_text().empty())
    text += "Default: " + roff(std::string(option.setting->default_text())) + ".\n";
  if (option.setting) text += sources(*option.setting);
  if (auto it = block.about.find(option.long_name()); it != block.about.end()) {
    text += it->second;
    block.about.erase(it);
  }
  return text;
}

const CommandDoc& command_named(const CliDoc& cli, const std::string& name) {
  if (name == "global") return cli.global;
  for (const CommandDoc& command : cli.commands) {
    if (command.name == name) return command;
  }
  throw std::runtime_error("@options " + name + ": no such command");
}

std::string options_block(const CliDoc& cli, Block& block) {
  std::string text;
  const CommandDoc& command = command_named(cli, block.argument);
  for (const OptionDoc& option : command.options) {
    if (&command == &cli.global || !is_global(cli, option)) text += option_entry(option, block);
  }
  return text;
}

std::string environment_block() {
  std::string text;
  for (const Setting& row : settings()) {
    if (env_names(row).empty()) continue;
    text += ".TP\n" + env_names(row) + "\n" + sentence(std::string(row.help));
    for (const EnvVar& var : row.env) {
      if (!var.doc.empty()) text += bold(std::string(var.name)) + ": " + roff(std::string(var.doc)) + ".\n";
    }
    std::string as = "Setting " + bold(std::string(row.key));
    if (!row.flag.empty()) as += " (flag " + bold(std::string(row.long_flag())) + ")";
    if (env_names(row).find(", ") != std::string::npos) as += "; the first variable set wins";
    if (!row.unit.empty()) as += "; taken with the other " + roff(std::string(row.unit)) + " from one source";
    text += as + ".\n";
  }
  return text;
}

std::string config_keys_block() {
  std::string text;
  for (const Setting& row : settings()) {
    if (row.file_key.empty()) continue;
    text += ".TP\n.B " + roff(std::string(row.file_key)) + "\n" + sentence(std::string(row.help));
    if (!row.default_text().empty()) text += "Default: " + roff(std::string(row.default_text())) + ".\n";
  }
  return text;
}

/// Paths claimcheck uses by default: the computed defaults of path settings.
std::string files_block(Block& block) {
  std::string text;
  for (const Setting& row : settings()) {
    if (!row.compute_default || row.hint == ValueHint::None) continue;
    text += ".TP\n.I " + roff(std::string(row.default_doc)) + "\n";
    text += "Where the setting " + bold(std::string(row.key));
    text += row.flag.empty() ? "" : " (" + bold(std::string(row.long_flag())) + ")";
    text += " points unless set.\n";
    if (auto it = block.about.find(std::string(row.key)); it != block.about.end()) {
      text += it->second;
      block.about.erase(it);
    }
  }
  return text;
}

std::string exit_status_block() {
  std::string text;
  for (const ExitStatusDoc& status : exit_statuses()) {
    text += ".TP\n.B " + roff(status.code) + "\n" + sentence(capitalised(status.meaning));
    if (!status.detail.empty()) text += sentence(capitalised(status.detail));
  }
  return text;
}

}  // namespace

std::string man_page(const CliDoc& cli, const std::string& template_text) {
  std::set<std::string> documented;
  const std::string text = expand_man_template(template_text, [&](Block& block) -> std::string {
    if (block.kind == "options") {
      documented.insert(block.argument);
      return options_block(cli, block);
    }
    if (block.kind == "environment") return environment_block();
    if (block.kind == "config-keys") return config_keys_block();
    if (block.kind == "files") return files_block(block);
    if (block.kind == "exit-status") return exit_status_block();
    throw std::runtime_error("unknown block @" + block.kind);
  });
  for (const CommandDoc& command : cli.commands) {
    if (!documented.count(command.name))
      throw std::runtime_error("the template has no '.\\\" @options " + command.name + "' block");
  }
  return replace_words(text, {{"VERSION", cli.version}});
}

}  // namespace claimcheck::docgen
