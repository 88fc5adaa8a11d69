#include "session.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace claimcheck::cli {
namespace {

/// Statistics are secondary: an unwritable journal must not stop the work.
std::unique_ptr<Journal> open_journal(const Config& config) {
  try {
    return std::make_unique<Journal>(config.journal_dir);
  } catch (const std::exception& e) {
    if (config.verbosity > 0) std::fprintf(stderr, "claimcheck: journal disabled: %s\n", e.what());
    return nullptr;
  }
}

}  // namespace

Session::Session(const GlobalOptions& global)
    : config_(load_config_for(global)),
      store_([this] { return open_store_for(config_); }),
      journal_(open_journal(config_)),
      manager_(store_, journal_.get()) {}

std::unique_ptr<StagedOutput> open_output(const std::string& path, ByteSink& stdout_sink) {
  return path.empty() ? stage_to_stream(stdout_sink) : stage_to_file(path);
}

}  // namespace claimcheck::cli
