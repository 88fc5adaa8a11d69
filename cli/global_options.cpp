// Turning the parsed options into a Config and a store.
#include <cstdio>
#include <string_view>

#include "command.hpp"
#include "setting_options.hpp"

namespace claimcheck::cli {
namespace {

/// -v: where each setting came from, and what a command did; -vv adds a line
/// per request to the store.
constexpr int kRequestTraceVerbosity = 2;

}  // namespace

Config load_config_for(const GlobalOptions& global) {
  Config config = load_config(global.overrides);
  config.verbosity = global.verbosity;
  config.quiet = global.quiet;
  if (config.verbosity > 0) print_config_origins(config);
  return config;
}

std::unique_ptr<Store> open_store_for(const Config& config) {
  std::function<void(std::string_view)> trace;
  if (config.verbosity >= kRequestTraceVerbosity) {
    trace = [](std::string_view line) {
      std::fprintf(stderr, "claimcheck: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
  return open_store(config, trace);
}

}  // namespace claimcheck::cli
