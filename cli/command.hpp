// What every command shares: the global options, and the hook each command
// file uses to add its subcommand. A command parses its flags, calls lib/,
// and prints; no S3, gzip or reference rules live in cli/.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "stores/bucket_stores.hpp"
#include "stores/store.hpp"

namespace claimcheck::cli {

struct GlobalOptions {
  ConfigOverrides overrides;
  int verbosity = 0;
  bool quiet = false;
};

/// Set by the selected command; returns the exit code.
using CommandRunner = std::function<int()>;

/// The Config for this run: global options and the command's overrides,
/// verbosity and quiet applied. With -v, prints where each value came from.
Config load_config_for(const GlobalOptions& global);

/// Opens the configured store; with -v its request trace goes to stderr.
std::unique_ptr<Store> open_store_for(const Config& config);

/// The buckets a Temporal External Storage reference may be read from
/// (opened on first use, traced like the store).
std::unique_ptr<BucketStores> open_bucket_stores_for(const Config& config);

void add_offload_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_retrieve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_inspect_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_gc_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_stats_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);
void add_serve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run);

}  // namespace claimcheck::cli
