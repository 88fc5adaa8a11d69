// Global options shared by every command, and turning them into a Config
// and a store.
#include <cstdio>

#include "claimcheck/config.hpp"
#include "command.hpp"

namespace claimcheck::cli {
namespace {

void print_config_origins(const Config& config) {
  for (const auto& [name, origin] : config.origin)
    std::fprintf(stderr, "claimcheck: config %s from %s\n", name.c_str(), origin.c_str());
}

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
  if (config.verbosity > 0) {
    trace = [](std::string_view line) {
      std::fprintf(stderr, "claimcheck: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
  return open_store(config, trace);
}

}  // namespace claimcheck::cli
