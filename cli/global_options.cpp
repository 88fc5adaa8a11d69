// Turning the parsed options into a Config and a store.
#include "global_options.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/settings.hpp"
#include "core/error.hpp"
#include "report_error.hpp"

namespace claimcheck::cli {
namespace {

/// -v: where each setting came from, and what a command did; -vv adds a line
/// per request to the store.
constexpr int kRequestTraceVerbosity = 2;

/// -v: "claimcheck: config <key> = <value> (<origin>)" for every setting
/// that has a value (only the origin for secrets), with the places that set
/// it too and lost.
void print_config_origins(const Config& config) {
  for (const auto& [key, origin] : config.origin) {
    const Setting* row = find_setting(key);
    const std::string text = row && row->show ? key + " = " + row->show(config) : key;
    std::string why = origin;
    if (auto losers = config.unused_origins.find(key); losers != config.unused_origins.end())
      why += "; also set, not used: " + fmt::format("{}", fmt::join(losers->second, ", "));
    const bool unused = row && !row->unused_beside.empty() && config.origin.count(std::string(row->unused_beside)) != 0;
    print_error_line("config " + text + " (" + why + ")" +
                     (unused ? "; not used: " + std::string(row->unused_beside) + " wins" : ""));
  }
}

/// An S3 flag given beside a local store changes nothing, and a forgotten
/// `--store s3://BUCKET` would send the payload to the local directory with
/// no word: the flags are named. Only flags: a variable or a file line may
/// serve other runs.
void warn_unused_s3_flags(const Config& config, const ConfigOverrides& flags) {
  if (config.quiet || uses_s3(config)) return;
  std::vector<std::string> unused;
  for (const auto& [key, values] : flags.values) {
    const Setting* row = find_setting(key);
    if (row && (row->stage == Stage::S3 || row->stage == Stage::AwsProfile) && !row->flag.empty())
      unused.emplace_back(row->long_flag());
  }
  if (unused.empty()) return;
  print_error_line(fmt::format("warning: {} not used: the store is {} (an S3 store is --store s3://BUCKET)",
                               fmt::join(unused, ", "), store_location(config)));
}

}  // namespace

Config load_config_for(const GlobalOptions& global) {
  Config config = load_config(global.overrides);
  config.verbosity = global.verbosity;
  config.quiet = global.quiet;
  if (config.verbosity > 0) print_config_origins(config);
  warn_unused_s3_flags(config, global.overrides);
  return config;
}

namespace {

/// With -vv, each store request is one stderr line; what any verbosity
/// shows (a credential refresh failing while the current ones last) is one
/// unless --quiet.
StoreLines store_lines(const Config& config) {
  const auto to_stderr = [](std::string_view line) { print_error_line(std::string(line)); };
  StoreLines lines;
  if (config.verbosity >= kRequestTraceVerbosity) lines.trace = to_stderr;
  if (!config.quiet) lines.notify = to_stderr;
  return lines;
}

}  // namespace

std::unique_ptr<Store> open_store_for(const Config& config) { return open_store(config, store_lines(config)); }

void require_store_directory(const Config& config, const std::string& what) {
  std::error_code error;
  if (config.store_kind != "local" || std::filesystem::is_directory(config.local_dir, error)) return;
  throw Error(ErrorKind::Usage, what,
              std::filesystem::exists(config.local_dir, error) ? "not a directory" : "no such directory");
}

std::unique_ptr<Store> open_listed_store_for(const Config& config) {
  auto store = open_store_for(config);
  if (config.was_given("store")) require_store_directory(config, store->location());
  return store;
}

std::unique_ptr<BucketStores> open_bucket_stores_for(const Config& config) {
  return open_bucket_stores(config, store_lines(config));
}

}  // namespace claimcheck::cli
