// The hook each command file uses to add its subcommand to CLI11's App. A
// command parses its flags, calls lib/, and prints; no S3, gzip or reference
// rules live in cli/.
#pragma once

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace claimcheck::cli {

void add_offload_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_retrieve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_inspect_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_gc_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_stats_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_serve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);

}  // namespace claimcheck::cli
