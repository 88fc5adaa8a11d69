// The whole command line as one CLI11 definition: global options, the
// commands, help layout and the exit-status footer. main() parses with it;
// the docs generator reads it to write the man page and completions.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace claimcheck::cli {

/// Fills `app` (made with define_app's name and description by make_app).
/// With `words` (the command line), only the commands named in it get their
/// flags; the others keep their name and summary, for --help.
void define_app(CLI::App& app, GlobalOptions& global, CommandRunner& run,
                const std::vector<std::string>* words = nullptr);

/// An option's description as --help, the man page and the completions give
/// it: with the flags it needs (unless it names them) or excludes.
std::string option_help(const CLI::Option& option);

/// "claimcheck" with its one-line description.
std::unique_ptr<CLI::App> make_app();

}  // namespace claimcheck::cli
