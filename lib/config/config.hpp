// Configuration: the Config every command runs with, built by load_config
// from the settings table (settings.cpp). The table lists every setting with
// its flag, environment variables, config-file key, parser and default, and
// its header states the precedence rules. The config file (config_file.hpp):
// `key = value` lines, `#` comments, values optionally quoted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/credentials.hpp"
#include "stores/store.hpp"

namespace claimcheck {

enum class CompressPolicy { Auto, Always, Never };

/// Makes the credential chain's provider when the store opens (nothing is
/// contacted before); `trace` gets the provider's request lines.
using CredentialsFactory =
    std::function<std::shared_ptr<sigv4::CredentialsProvider>(const sigv4::Trace& trace)>;

/// What the credential chain reads besides the AWS shared files (see
/// credential_chain.hpp), used only when no key was given.
struct CredentialChainSettings {
  std::string profile;           // AWS_PROFILE, --profile
  std::string profile_named_by;  // the flag, variable or file line naming it; "" for the default
  bool profile_from_flag{};      // --profile outranks keys in the environment and the config file
  std::string web_identity_token_file, role_arn, role_session_name;  // EKS IRSA
  std::string container_relative_uri, container_full_uri;           // ECS, EKS Pod Identity
  std::string container_authorization_token;                        // never printed
  std::string container_authorization_token_file;
  bool imds_disabled{};
  std::string imds_endpoint;  // "": the instance's own, by imds_ipv6
  bool imds_ipv6{};
  bool imds_v1{};
  std::chrono::milliseconds imds_timeout{};
  int imds_attempts{};
  std::string sts_endpoint, sso_endpoint;  // "": the profile's [services], else AWS's
};

/// Fields have no initializers: every default is in the settings table,
/// applied by load_config (or default_config()).
struct S3Settings {
  std::string bucket;
  std::string endpoint;           // empty: AWS for the region
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;  // never printed
  std::string session_token;      // never printed
  /// Without keys: the provider the chain chose (null: none applies), and
  /// what was looked at, for the "no credentials" message.
  CredentialsFactory credentials_provider;
  std::string credentials_tried;
  CredentialChainSettings chain;
  std::string ca_bundle;
  std::string ca_bundle_label;  // where ca_bundle came from ("AWS_CA_BUNDLE"), for its error
  bool virtual_hosted{};
  /// Buckets besides `bucket` that a Temporal External Storage reference
  /// may be read from (same endpoint and credentials).
  std::vector<std::string> read_buckets;
  /// Limits on each request; 0 (settings not resolved, as in tests): the
  /// S3 client's own default.
  std::chrono::seconds connect_timeout{};
  std::chrono::seconds read_timeout{};  // no byte moving for this long
  std::chrono::seconds deadline{};      // one request with its retries; 0: none
  int max_attempts{};
};

/// host:port, as `serve --listen` takes it.
struct ListenAddress {
  std::string host;  // without brackets
  int port{};
};

/// Where a store is: an S3 bucket (and a prefix given in its URL) or a directory.
struct StoreSpec {
  std::string kind;  // "s3" or "local"
  std::string bucket, dir;
  std::optional<std::string> prefix;  // inside an s3:// URL
};

/// serve: a Temporal namespace whose payloads are in a store of their own.
struct NamespaceStore {
  std::string ns;
  StoreSpec store;
};

/// A character of a Temporal namespace name as serve takes it: [A-Za-z0-9._@-].
bool is_namespace_character(char c);

/// Everything `claimcheck serve` can be told (its rows of the settings
/// table; lib/serve reads it).
struct ServeSettings {
  /// A host other than loopback needs TLS and a token, or `insecure`.
  ListenAddress listen;
  std::vector<std::string> allowed_origins;
  bool allow_credentials{};
  std::string token_file;  // first line: the bearer token clients must send
  std::string tls_cert_file, tls_key_file;
  std::uint64_t cache_bytes{};
  /// With preserveStorageRefs (the Web UI), payloads larger than this stay
  /// references the UI offers to download.
  std::uint64_t display_limit{};
  bool offload{};   // /encode stores payloads at or above the threshold
  bool insecure{};  // allow a non-loopback address without TLS and token
  std::uint64_t body_limit{};
  std::chrono::seconds request_timeout{};
  /// Namespaces served from a store of their own; any other from `store`.
  std::vector<NamespaceStore> namespace_stores;
};

struct Config {
  bool enabled{};
  std::uint64_t threshold{};
  CompressPolicy compress{};
  int level{};
  int list_concurrency{};  // gc and stats: date partitions listed at once
  std::chrono::seconds ttl{};
  std::string prefix;
  /// "s3" or "local".
  std::string store_kind;
  S3Settings s3;
  std::string local_dir;
  std::string journal_dir;
  ServeSettings serve;  // resolved only for `claimcheck serve`
  std::string config_file;  // "" none
  int verbosity = 0;
  bool quiet = false;
  /// Where each value came from ("flag --threshold", "env CLAIMCHECK_TTL_DAYS",
  /// "file /home/u/.config/claimcheck/config:3", kDefaultOrigin), for -v and
  /// errors, by setting key; a unit of settings (credentials) under the
  /// unit's name; "config": the file read, if any.
  std::map<std::string, std::string> origin;
  /// The other places that set a setting and lost to `origin` (a flag over a
  /// variable, CLAIMCHECK_STORE over R2_BUCKET), in precedence order: -v says
  /// why a value given somewhere is not the one used.
  std::map<std::string, std::vector<std::string>> unused_origins;

  static constexpr std::string_view kDefaultOrigin = "default";
  /// Whether the setting `key` was given (flag, variable, file, profile)
  /// rather than left to its default.
  bool was_given(std::string_view key) const {
    const auto found = origin.find(std::string(key));
    return found != origin.end() && found->second != kDefaultOrigin;
  }
};

/// Values given on the command line, by setting key ("threshold"); unset
/// ones fall through. A list setting keeps every occurrence of its flag.
struct ConfigOverrides {
  std::map<std::string, std::vector<std::string>> values;
  /// The command being run ("serve"): its own settings (Stage::Command) are
  /// resolved only for it.
  std::string command;

  void set(const std::string& key, std::string value) { values[key] = {std::move(value)}; }
  void add(const std::string& key, std::string value) { values[key].push_back(std::move(value)); }
};

/// Environment lookup, injectable for tests.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;
Getenv process_environment();

/// Whether S3 is used: the store, a bucket to read references from, or one
/// of serve's namespace stores.
bool uses_s3(const Config& config);

/// Builds the Config. Throws Error(Usage) naming the variable, flag or file
/// line whose value cannot be parsed.
Config load_config(const ConfigOverrides& flags, const Getenv& env = process_environment());

/// The defaults of the settings table that need no environment (threshold,
/// level, ttl, prefix...): what library option structs start from.
const Config& default_config();

/// Opens the configured store (LocalStore or S3Store). An S3 store without
/// credentials is Error(Usage) naming the variables to set; nothing is
/// contacted here.
std::unique_ptr<Store> open_store(const Config& config, StoreLines lines = {});

/// The location() of the store open_store would open, without opening it (no
/// credentials read, no directory made); "" when there is none to open.
std::string store_location(const Config& config);

}  // namespace claimcheck
