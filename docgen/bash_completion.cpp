// completions/claimcheck.bash from its template: the lists of commands and
// options, and how each option's value is completed.
#include <map>
#include <set>

#include "generators.hpp"
#include "template.hpp"

namespace claimcheck::docgen {
namespace {

std::string words(const std::vector<std::string>& items, const std::string& separator = " ") {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::vector<std::string> option_names(const CommandDoc& command) {
  std::vector<std::string> names;
  for (const OptionDoc& o : command.options) names.insert(names.end(), o.names.begin(), o.names.end());
  return names;
}

/// `case $prev in` arms: what follows an option that takes a value.
std::string value_cases(const CliDoc& cli) {
  std::vector<const CommandDoc*> commands{&cli.global};
  for (const CommandDoc& c : cli.commands) commands.push_back(&c);
  std::map<std::string, std::vector<std::string>> by_action;  // action -> option names
  std::set<std::string> seen;
  for (const CommandDoc* command : commands) {
    for (const OptionDoc& o : command->options) {
      if (o.value_name.empty() || !seen.insert(o.long_name()).second) continue;
      std::string action = "return ;;";
      if (!o.choices.empty()) action = "COMPREPLY=($(compgen -W \"" + words(o.choices) + "\" -- \"$cur\"))\n      return ;;";
      else if (o.hint == ValueHint::File) action = "_filedir\n      return ;;";
      else if (o.hint == ValueHint::Directory) action = "_filedir -d\n      return ;;";
      by_action[action].insert(by_action[action].end(), o.names.begin(), o.names.end());
    }
  }
  std::string text;
  for (const auto& [action, names] : by_action) text += "    " + words(names, " | ") + ")\n      " + action + "\n";
  return text;
}

}  // namespace

std::string bash_completion(const CliDoc& cli, const std::string& template_text) {
  std::vector<std::string> commands, global_value_options, file_commands;
  std::string command_options;
  for (const CommandDoc& c : cli.commands) {
    commands.push_back(c.name);
    command_options += "    " + c.name + ")\n      opts=\"" + words(option_names(c)) + "\" ;;\n";
    for (const OptionDoc& p : c.positionals) {
      if (p.hint == ValueHint::File) {
        file_commands.push_back(c.name);
        break;
      }
    }
  }
  for (const OptionDoc& o : cli.global.options) {
    if (!o.value_name.empty()) global_value_options.insert(global_value_options.end(), o.names.begin(), o.names.end());
  }
  // Options one flag of which takes several files: each word after it, up
  // to the next option, is one more.
  std::vector<std::string> several_files;
  for (const CommandDoc& c : cli.commands)
    for (const OptionDoc& o : c.options)
      if (o.several_values && o.hint == ValueHint::File) several_files.insert(several_files.end(), o.names.begin(), o.names.end());
  std::string several_files_loop;
  if (!several_files.empty())
    several_files_loop = "  local j\n  for ((j = cword - 1; j > 0; j--)); do\n    [[ $cur == -* ]] && break\n"
                         "    case ${words[j]} in\n      " +
                         words(several_files, " | ") + ") _filedir; return ;;\n      -*) break ;;\n    esac\n  done\n";
  return replace_words(template_text, {
                                          {"COMMANDS", words(commands)},
                                          {"GLOBAL_OPTIONS", words(option_names(cli.global))},
                                          {"GLOBAL_VALUE_OPTIONS", words(global_value_options, " | ")},
                                          {"VALUE_CASES", value_cases(cli)},
                                          {"COMMAND_OPTIONS", command_options},
                                          {"FILE_COMMANDS", words(file_commands, " | ")},
                                          {"SEVERAL_FILES_LOOP", several_files_loop},
                                      });
}

}  // namespace claimcheck::docgen
