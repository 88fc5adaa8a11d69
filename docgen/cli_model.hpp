// What the docs say about the command line, read from the CLI11 definition
// (cli/app.cpp) and the settings table, so that the man page and the
// completions describe exactly the program that parses the arguments.
#pragma once

#include <string>
#include <vector>

#include "config/settings.hpp"

namespace claimcheck::docgen {

struct OptionDoc {
  std::vector<std::string> names;  // "-o", "--output" (short ones first); a positional: "FILE"
  std::string value_name;          // "SIZE"; "" for a flag without a value
  std::string help;                // the --help description
  std::string default_text;        // as --help shows it; "" none
  std::vector<std::string> choices;  // values a shell may offer
  ValueHint hint = ValueHint::None;
  bool repeatable = false;
  bool several_values = false;  // one flag takes several (--keep-referenced FILE ...)
  bool positional = false;
  const Setting* setting = nullptr;  // the table row behind the flag, if any

  std::string long_name() const;  // "--output"
};

struct CommandDoc {
  std::string name;  // "" for the program itself (global options)
  std::string help;
  std::vector<OptionDoc> options;     // in --help order
  std::vector<OptionDoc> positionals;
};

struct CliDoc {
  std::string version;
  std::string description;
  CommandDoc global;
  std::vector<CommandDoc> commands;
};

/// A command's option that the global options have too (--help): completions
/// list it once.
bool is_global(const CliDoc& cli, const OptionDoc& option);

/// The whole command line, as claimcheck --help and <command> --help show it.
CliDoc describe_cli();

}  // namespace claimcheck::docgen
