// What every command shares once its flags are parsed: the global options, and
// the Config and stores they lead to. Free of CLI11, whose header alone costs
// each file that includes it seconds of compile time.
#pragma once

#include <functional>
#include <memory>

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

/// A local store's directory that is not there, or not a directory, is a
/// usage error (exit 2) naming `what`: a store that only holds what was
/// stored before (listed by gc and stats, a namespace's store in serve).
void require_store_directory(const Config& config, const std::string& what);

/// The store gc and stats list. A local directory the user named must be one
/// (require_store_directory): a typo in --store had looked like an empty
/// store, exit 0. The default directory, not made yet, is empty.
std::unique_ptr<Store> open_listed_store_for(const Config& config);

/// The buckets a Temporal External Storage reference may be read from
/// (opened on first use, traced like the store).
std::unique_ptr<BucketStores> open_bucket_stores_for(const Config& config);

}  // namespace claimcheck::cli
