// What every command shares: the global options, and the hook each command
// file uses to add its subcommand. A command parses its flags, calls lib/,
// and prints; no S3, gzip or reference rules live in cli/.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "claimcheck/config.hpp"

namespace claimcheck::cli {

struct GlobalOptions {
  ConfigOverrides overrides;
  int verbosity = 0;
  bool quiet = false;
};

/// Set by the selected command; returns the exit code.
using CommandRunner = std::function<int()>;

void add_offload_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_retrieve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_inspect_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_gc_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_stats_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);

}  // namespace claimcheck::cli
