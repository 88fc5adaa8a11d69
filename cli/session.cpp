#include "session.hpp"

#include "core/error.hpp"
#include "report_error.hpp"

namespace claimcheck::cli {
namespace {

void warn_journal(const Config& config, const std::string& why) {
  if (!config.quiet) print_error_line("warning: not journaled (stats will miss this run): " + why);
}

/// Statistics are secondary: an unwritable journal must not stop the work,
/// but it is said (unless -q), not skipped without a word.
std::unique_ptr<Journal> open_journal(const Config& config) {
  try {
    return std::make_unique<Journal>(config.journal_dir);
  } catch (const std::exception& e) {
    warn_journal(config, e.what());
    return nullptr;
  }
}

}  // namespace

Session::Session(const GlobalOptions& global)
    : config_(load_config_for(global)),
      store_([this] { return open_store_for(config_); }),
      journal_(open_journal(config_)),
      manager_(store_, journal_.get()),
      buckets_(open_bucket_stores_for(config_)),
      resolver_(manager_, *buckets_) {
  manager_.on_journal_failure([this](const std::string& why) { warn_journal(config_, why); });
  manager_.journal_store(store_location(config_));
}

std::unique_ptr<StagedOutput> open_output(const std::string& path, ByteSink& stdout_sink) {
  // -o '' (an unset variable, say) names no file: not standard output.
  if (path.empty()) throw Error(ErrorKind::Usage, "--output", "an empty file name");
  return path == "-" ? stage_to_output_stream(stdout_sink) : stage_to_file(path);
}

}  // namespace claimcheck::cli
