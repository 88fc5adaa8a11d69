// Configuration, one precedence: flags > environment > config file > defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "claimcheck/store.hpp"

namespace claimcheck {

enum class CompressPolicy { Auto, Always, Never };

struct S3Settings {
  std::string bucket;
  std::string endpoint;           // empty: AWS default for the region
  std::string region = "auto";
  std::string access_key_id;
  std::string secret_access_key;  // never printed
  std::string session_token;      // never printed
  std::string ca_bundle;
  bool virtual_hosted = false;
};

struct Config {
  bool enabled = true;                    // CLAIMCHECK_ENABLED
  std::uint64_t threshold = 51200;        // CLAIMCHECK_THRESHOLD_BYTES
  CompressPolicy compress = CompressPolicy::Auto;  // CLAIMCHECK_COMPRESSION_ENABLED=false -> Never
  int level = 6;
  std::chrono::seconds ttl = std::chrono::hours(24 * 30);  // CLAIMCHECK_TTL_DAYS
  std::string prefix = "claimcheck/";
  /// "s3" or "local".
  std::string store_kind = "local";
  S3Settings s3;
  std::string local_dir;                  // default $XDG_DATA_HOME/claimcheck
  std::string journal_dir;                // default $XDG_STATE_HOME/claimcheck
  int verbosity = 0;
  bool quiet = false;
  /// Where each value came from ("flag --threshold", "env CLAIMCHECK_TTL_DAYS",
  /// "file ~/.config/claimcheck/config:3", "default"), for -v and errors.
  std::map<std::string, std::string> origin;
};

/// Values given on the command line; unset ones fall through.
struct ConfigOverrides {
  std::optional<std::string> store, endpoint, region, config_file, prefix;
  std::optional<std::string> threshold, ttl;   // parsed with units
  std::optional<std::string> compress;          // auto|always|never
  std::optional<int> level;
};

/// Environment lookup, injectable for tests.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;
Getenv process_environment();

/// Builds the Config. Throws Error(Usage) naming the variable, flag or file
/// line whose value cannot be parsed.
Config load_config(const ConfigOverrides& flags, const Getenv& env = process_environment());

/// Opens the configured store (LocalStore or S3Store). `trace` gets verbose
/// request lines when verbosity > 0.
std::unique_ptr<Store> open_store(const Config& config,
                                  std::function<void(std::string_view)> trace = {});

}  // namespace claimcheck
