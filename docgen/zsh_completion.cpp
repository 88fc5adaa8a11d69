// completions/_claimcheck from its template: one _arguments spec per option,
// with the --help description and how the value is completed.

#include "base/text.hpp"
#include "generators.hpp"
#include "template.hpp"

namespace claimcheck::docgen {
namespace {

/// Inside '...': a quote closes, reopens around \'.
std::string quoted(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out;
}

/// A description inside [...] of an _arguments spec.
std::string description(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return quoted(out);
}

std::string value_action(const OptionDoc& o) {
  std::string message;
  for (char c : base::to_lower(o.value_name)) message += c == ':' ? std::string("\\:") : std::string(1, c);
  std::string action;
  if (!o.choices.empty()) {
    action = "(";
    for (const std::string& c : o.choices) action += (action.size() > 1 ? " " : "") + c;
    action += ")";
  } else if (o.hint == ValueHint::File) {
    action = "_files";
  } else if (o.hint == ValueHint::Directory) {
    action = "_files -/";
  }
  return ":" + quoted(message) + ":" + action;
}

/// '--threshold=[...]:size:', '(-o --output)-o+[...]:file:_files' '(-o --output)--output=[...]:file:_files',
/// '*'{-v,--verbose}'[...]' (repeatable options exclude nothing). A short
/// name takes its value in the next word or joined (-oFILE: '+'), a long one
/// also after '=' ('='): zsh offered -o=FILE, which is not -o's syntax.
std::string spec(const OptionDoc& o) {
  std::string group;
  for (const std::string& n : o.names) group += (group.empty() ? "" : " ") + n;
  const std::string exclusion = o.repeatable ? "*" : o.names.size() > 1 ? "(" + group + ")" : "";
  if (o.value_name.empty()) {
    if (o.names.size() == 1) return "'" + exclusion + o.names[0] + "[" + description(o.help) + "]'";
    std::string alternatives;
    for (const std::string& n : o.names) alternatives += (alternatives.empty() ? "" : ",") + n;
    return "'" + exclusion + "'{" + alternatives + "}'[" + description(o.help) + "]'";
  }
  std::string specs;
  for (const std::string& n : o.names) {
    const bool is_long = n.starts_with("--");
    specs += (specs.empty() ? "" : " ") + ("'" + exclusion + n + (is_long ? "=" : "+") + "[" +
                                           description(o.help) + "]" + value_action(o) + "'");
  }
  return specs;
}

std::string positional_spec(const OptionDoc& p, std::size_t index) {
  const std::string name = base::to_lower(p.names[0]);
  const std::string action = p.hint == ValueHint::File ? "_files" : "";
  return "'" + (p.repeatable ? std::string("*") : std::to_string(index + 1)) + ":" + name + ":" + action + "'";
}

}  // namespace

std::string zsh_completion(const CliDoc& cli, const std::string& template_text) {
  std::string global_specs, command_list, command_cases;
  for (const OptionDoc& o : cli.global.options) global_specs += "    " + spec(o) + "\n";
  for (const CommandDoc& c : cli.commands) {
    command_list += "        '" + c.name + ":" + quoted(c.help) + "'\n";
    command_cases += "        " + c.name + ")\n          _arguments -s $global_opts";
    for (const OptionDoc& o : c.options) {
      if (!is_global(cli, o)) command_cases += " \\\n            " + spec(o);
    }
    for (std::size_t i = 0; i < c.positionals.size(); ++i)
      command_cases += " \\\n            " + positional_spec(c.positionals[i], i);
    command_cases += " && ret=0\n          ;;\n";
  }
  return replace_words(template_text, {{"GLOBAL_SPECS", global_specs},
                                       {"COMMAND_LIST", command_list},
                                       {"COMMAND_CASES", command_cases}});
}

}  // namespace claimcheck::docgen
