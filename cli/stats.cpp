// `claimcheck stats`: the storage view (one listing of the prefix) and the
// operations view (the local journal), as text, JSON or Prometheus. A view
// that fails is reported as such while the other is still printed; the exit
// status is the failure's.
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "manager/journal.hpp"
#include "gc_stats/stats.hpp"
#include "gc_stats/stats_output.hpp"
#include "core/units.hpp"
#include "as_of.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "setting_options.hpp"
#include "report_error.hpp"
#include "stats_text.hpp"
#include "stdout_text.hpp"

namespace claimcheck::cli {
namespace {

struct StatsFlags {
  std::optional<std::string> since;  // given empty: refused, not "no filter"
  bool storage_only = false;
  bool operations_only = false;
  bool json = false;
  bool prometheus = false;
};

/// Both views unless exactly one was asked for.
bool wants_storage(const StatsFlags& f) { return f.storage_only || !f.operations_only; }
bool wants_operations(const StatsFlags& f) { return f.operations_only || !f.storage_only; }

/// Runs one view; its failure is recorded in `error` (and `failures`) instead
/// of losing the other view: a scrape still gets the journal's metrics when
/// the store is down.
template <typename Collect>
void collect_view(Collect&& collect, std::optional<std::string>& error, std::vector<Error>& failures) {
  try {
    collect();
  } catch (const Error& e) {
    error = e.what();
    failures.push_back(e);
  }
}

StatsReport build_report(const Config& config, const StatsFlags& flags, std::vector<Error>& failures) {
  StatsReport report;
  report.as_of = std::chrono::system_clock::now();
  report.prefix = config.prefix;
  report.store = store_location(config);  // both views are of this store, and it is named when it cannot be listed
  if (flags.since) report.since = report.as_of - parse_offset(*flags.since, report.as_of, Direction::Back, "--since");
  if (wants_storage(flags)) {
    collect_view([&] {
      auto store = open_listed_store_for(config);
      report.storage = collect_storage_stats(*store, config.prefix, config.ttl, report.as_of, config.list_concurrency);
    }, report.storage_error, failures);
  }
  if (wants_operations(flags)) {
    collect_view([&] {
      report.operations = collect_operation_stats(Journal(config.journal_dir), report.since, report.store);
    },
                 report.operations_error, failures);
  }
  return report;
}

int run_stats(const GlobalOptions& global, const StatsFlags& flags) {
  const SignalHandling signals(kEndAtOnceOnAnySignal);
  const Config config = load_config_for(global);
  std::vector<Error> failures;
  const StatsReport report = build_report(config, flags, failures);
  wait_if_interrupted();  // a listing an interrupt failed is not the result
  std::string out;
  if (flags.json) out = dump_json_text(stats_to_json(report), 2) + "\n";
  else if (flags.prometheus) out = stats_to_prometheus(report);
  else out = stats_to_text(report);
  print_stdout(out);
  // What is known is printed; the exit status and stderr still say what failed.
  int code = 0;
  for (const Error& e : failures) {
    const int failed = report_exception(std::make_exception_ptr(e), global.verbosity);
    if (code == 0) code = failed;
  }
  return code;
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

void define_stats_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<StatsFlags>();
  add_stats_options(sub, global.overrides, *flags);
  sub.callback([&global, &run, flags] { run = [&global, flags] { return run_stats(global, *flags); }; });
}

}  // namespace claimcheck::cli
