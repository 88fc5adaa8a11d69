// `claimcheck stats`: the storage view (one listing of the prefix) and the
// operations view (the local journal), as text, JSON or Prometheus.
#include <chrono>
#include <memory>
#include <string>

#include "manager/journal.hpp"
#include "gc_stats/stats.hpp"
#include "gc_stats/stats_output.hpp"
#include "core/units.hpp"
#include "command.hpp"
#include "setting_options.hpp"
#include "stats_text.hpp"
#include "stdout_text.hpp"

namespace claimcheck::cli {
namespace {

struct StatsFlags {
  std::string since;
  bool storage_only = false;
  bool operations_only = false;
  bool json = false;
  bool prometheus = false;
};

/// Both views unless exactly one was asked for.
bool wants_storage(const StatsFlags& f) { return f.storage_only || !f.operations_only; }
bool wants_operations(const StatsFlags& f) { return f.operations_only || !f.storage_only; }

StatsReport build_report(const Config& config, const StatsFlags& flags) {
  StatsReport report;
  report.as_of = std::chrono::system_clock::now();
  report.prefix = config.prefix;
  if (!flags.since.empty()) report.since = report.as_of - parse_duration(flags.since, "--since");
  if (wants_storage(flags)) {
    auto store = open_store_for(config);
    report.store = store->location();
    report.storage = collect_storage_stats(*store, config.prefix, config.ttl, report.as_of, config.list_concurrency);
  }
  if (wants_operations(flags))
    report.operations = collect_operation_stats(Journal(config.journal_dir), report.since);
  return report;
}

int run_stats(const GlobalOptions& global, const StatsFlags& flags) {
  const Config config = load_config_for(global);
  const StatsReport report = build_report(config, flags);
  std::string out;
  if (flags.json) out = stats_to_json(report).dump(2) + "\n";
  else if (flags.prometheus) out = stats_to_prometheus(report);
  else out = stats_to_text(report);
  print_stdout(out);
  return 0;
}

void add_stats_options(CLI::App& sub, ConfigOverrides& overrides, StatsFlags& flags) {
  add_setting_options(sub, "stats", overrides);
  sub.add_option("--since", flags.since, "Only journal records newer than this")->type_name("DURATION");
  sub.add_flag("--storage", flags.storage_only, "Only the storage view");
  sub.add_flag("--operations", flags.operations_only, "Only the operations view (no request to the store)");
  auto* json = sub.add_flag("--json", flags.json, "One JSON document (with the Go runner's metric names)");
  auto* prometheus = sub.add_flag("--prometheus", flags.prometheus, "Prometheus text exposition format");
  json->excludes(prometheus);
}

}  // namespace

void add_stats_command(CLI::App& app, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<StatsFlags>();
  auto* sub = app.add_subcommand("stats", "What is stored, and how offloads and retrievals performed");
  add_stats_options(*sub, global.overrides, *flags);
  sub->callback([&global, &run, flags] { run = [&global, flags] { return run_stats(global, *flags); }; });
}

}  // namespace claimcheck::cli
