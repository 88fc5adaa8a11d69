// Global options shared by every command, and turning them into a Config
// and a store.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/units.hpp"
#include "command.hpp"

namespace claimcheck::cli {
namespace {

std::string_view policy_name(CompressPolicy policy) {
  switch (policy) {
    case CompressPolicy::Always: return "always";
    case CompressPolicy::Never: return "never";
    case CompressPolicy::Auto: break;
  }
  return "auto";
}

std::string store_description(const Config& config) {
  return config.store_kind == "s3" ? "s3://" + config.s3.bucket : "file://" + config.local_dir;
}

/// The value shown beside its origin; credentials show only where they came from.
std::optional<std::string> shown_value(const Config& config, const std::string& name) {
  if (name == "store") return store_description(config);
  if (name == "threshold") return std::to_string(config.threshold);
  if (name == "compress") return std::string(policy_name(config.compress));
  if (name == "level") return std::to_string(config.level);
  if (name == "ttl") return format_duration(config.ttl);
  if (name == "prefix") return config.prefix;
  if (name == "enabled") return config.enabled ? "true" : "false";
  if (name == "journal_dir") return config.journal_dir;
  if (name == "endpoint") return config.s3.endpoint;
  if (name == "region") return config.s3.region;
  if (name == "ca_bundle") return config.s3.ca_bundle;
  return std::nullopt;
}

void print_config_origins(const Config& config) {
  for (const auto& [name, origin] : config.origin) {
    auto value = shown_value(config, name);
    std::string text = value ? name + " = " + *value : name;
    std::fprintf(stderr, "claimcheck: config %s (%s)\n", text.c_str(), origin.c_str());
  }
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
