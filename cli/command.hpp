// The hook each command file uses to define its subcommand in CLI11's App. A
// command parses its flags, calls lib/, and prints; no S3, gzip or reference
// rules live in cli/.
#pragma once

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace claimcheck::cli {

/// Each adds its command's flags and action to `sub`, the subcommand that
/// define_app (app.cpp) made with the command's name and summary.
void define_offload_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
void define_retrieve_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
void define_inspect_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
void define_gc_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
void define_stats_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
void define_serve_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run);

}  // namespace claimcheck::cli
