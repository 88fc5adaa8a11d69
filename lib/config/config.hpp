// Configuration, one precedence: flags > environment > config file > defaults.
//
// Setting      flag          environment (first set wins)              file key
// store        --store       CLAIMCHECK_STORE, then R2_BUCKET (s3)     store
// prefix       --prefix      CLAIMCHECK_PREFIX                         prefix
// threshold    --threshold   CLAIMCHECK_THRESHOLD_BYTES (a size)       threshold
// ttl          --ttl         CLAIMCHECK_TTL_DAYS (bare number = days)  ttl
// compress     --compress    CLAIMCHECK_COMPRESSION_ENABLED (bool)     compress
// level        --level       -                                         level
// enabled      -             CLAIMCHECK_ENABLED                        enabled
// endpoint     --endpoint    R2_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL  endpoint
// region       --region      R2_REGION, AWS_REGION, AWS_DEFAULT_REGION region
// credentials  -             R2_ACCESS_KEY_ID+R2_SECRET_ACCESS_KEY, then
//                            AWS_ACCESS_KEY_ID+AWS_SECRET_ACCESS_KEY(+AWS_SESSION_TOKEN)
//                                                access_key_id, secret_access_key, session_token
// ca_bundle    -             AWS_CA_BUNDLE, SSL_CERT_FILE              ca_bundle
// journal_dir  -             CLAIMCHECK_JOURNAL_DIR                    journal_dir
// virtual_hosted -           -                                         virtual_hosted
//
// For an S3 store the AWS shared profile (AWS_PROFILE, else "default", in
// ~/.aws/credentials and ~/.aws/config) comes after the config file, for
// credentials, region, endpoint_url and ca_bundle. Credentials are taken as
// a pair from one source. Store values: s3://bucket[/prefix], file:///dir,
// or a directory path; a prefix in the store URL counts at the level of the
// URL (an explicit prefix of the same level wins). Prefixes get a trailing
// '/'. Without any store setting: the local store at $XDG_DATA_HOME/claimcheck
// (else ~/.local/share/claimcheck). Empty environment variables count as
// unset.
//
// The config file: --config FILE, else CLAIMCHECK_CONFIG, else
// $XDG_CONFIG_HOME/claimcheck/config (else ~/.config/claimcheck/config; may
// be absent). `key = value` lines, `#` comments, values optionally quoted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stores/store.hpp"

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
  int level = 1;  // fastest: see README "Performance" for the size it costs
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
  /// "file /home/u/.config/claimcheck/config:3", "default"), for -v and
  /// errors. Keys: store, prefix, enabled, threshold, ttl, compress, level,
  /// journal_dir, config (the file read, if any) and, for S3, endpoint,
  /// region, credentials, ca_bundle, virtual_hosted when set.
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
/// request lines when verbosity > 0. An S3 store without credentials is
/// Error(Usage) naming the variables to set; nothing is contacted here.
std::unique_ptr<Store> open_store(const Config& config,
                                  std::function<void(std::string_view)> trace = {});

}  // namespace claimcheck
