// completions/claimcheck.fish from its template: one `complete` line per
// command and per option, with the --help description.
#include "generators.hpp"
#include "template.hpp"

namespace claimcheck::docgen {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string option_line(const OptionDoc& o, const std::string& command) {
  std::string line = "complete -c claimcheck";
  if (!command.empty()) line += " -n '__claimcheck_command_is " + command + "'";
  for (const std::string& n : o.names) line += (n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1));
  if (!o.value_name.empty()) {
    if (!o.choices.empty()) {
      std::string choices;
      for (const std::string& c : o.choices) choices += (choices.empty() ? "" : " ") + c;
      line += " -x -a " + quoted(choices);
    } else if (o.hint == ValueHint::File) {
      line += " -r -F";
    } else if (o.hint == ValueHint::Directory) {
      line += " -x -a '(__fish_complete_directories)'";
    } else {
      line += " -x";
    }
  }
  return line + " -d " + quoted(o.help) + "\n";
}

}  // namespace

std::string fish_completion(const CliDoc& cli, const std::string& template_text) {
  std::string commands, global_lines, command_lines, option_lines, global_value_options;
  for (const OptionDoc& o : cli.global.options) {
    global_lines += option_line(o, "");
    if (o.value_name.empty()) continue;
    for (const std::string& n : o.names) global_value_options += (global_value_options.empty() ? "" : " ") + n;
  }
  for (const CommandDoc& c : cli.commands) {
    commands += (commands.empty() ? "" : " ") + c.name;
    command_lines += "complete -c claimcheck -f -n 'not __claimcheck_command' -a " + c.name + " -d " +
                     quoted(c.help) + "\n";
    option_lines += "\n# " + c.name + "\n";
    // A command that takes no file: none offered (fish offers files unless told).
    if (c.positionals.empty()) option_lines += "complete -c claimcheck -n '__claimcheck_command_is " + c.name + "' -f\n";
    for (const OptionDoc& o : c.options) {
      if (!is_global(cli, o)) option_lines += option_line(o, c.name);
    }
  }
  return replace_words(template_text, {{"COMMANDS", commands},
                                       {"GLOBAL_LINES", global_lines},
                                       {"COMMAND_LINES", command_lines},
                                       {"GLOBAL_VALUE_OPTIONS", global_value_options},
                                       {"OPTION_LINES", option_lines}});
}

}  // namespace claimcheck::docgen
