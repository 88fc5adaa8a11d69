// What offload and retrieve share for one run: the Config, the store (opened
// only when first used), the journal and the Manager over them, and for
// retrieve the configured buckets and the Resolver of Temporal payloads.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "manager/journal.hpp"
#include "manager/manager.hpp"
#include "manager/staged_output.hpp"
#include "core/stream.hpp"
#include "temporal/resolver.hpp"
#include "global_options.hpp"
#include "lazy_store.hpp"

namespace claimcheck::cli {

class Session {
 public:
  explicit Session(const GlobalOptions& global);
  const Config& config() const { return config_; }
  Manager& manager() { return manager_; }
  temporal::Resolver& resolver() { return resolver_; }

 private:
  Config config_;
  LazyStore store_;
  std::unique_ptr<Journal> journal_;
  Manager manager_;
  std::unique_ptr<BucketStores> buckets_;
  temporal::Resolver resolver_;
};

/// `-o FILE` (renamed into place on commit; a device or pipe written on
/// commit) or stdout for "-" (spooled until commit); an empty path is Error(Usage).
std::unique_ptr<StagedOutput> open_output(const std::string& path, ByteSink& stdout_sink);

}  // namespace claimcheck::cli
