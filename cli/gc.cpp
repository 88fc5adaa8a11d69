// `claimcheck gc`: parses its flags, judges and deletes through lib's run_gc,
// prints the dry-run list and the summary. Exit: 0; 6 when any key could not
// be deleted; the error's code when the listing failed; 130 on SIGINT.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "as_of.hpp"
#include "core/error.hpp"
#include "gc_stats/gc.hpp"
#include "core/units.hpp"
#include "command.hpp"
#include "gc_output.hpp"
#include "interrupt.hpp"
#include "report_error.hpp"
#include "setting_options.hpp"
#include "terminal_status.hpp"
#include "number_checks.hpp"

namespace claimcheck::cli {
namespace {

struct GcFlags {
  bool dry_run = false;
  bool json = false;
  // optional: an empty value given ("--as-of \"\"") is refused, not "now"
  std::optional<std::string> as_of;
  std::optional<std::string> older_than;
  std::uint64_t limit = 0;
  std::string uploads_older_than = "1d";
  std::vector<std::string> keep_referenced;
};

GcOptions options_from(const Config& config, const GcFlags& flags) {
  GcOptions options;
  options.prefix = config.prefix;
  options.ttl = config.ttl;
  options.list_concurrency = config.list_concurrency;
  const TimePoint now = std::chrono::system_clock::now();
  options.now = now;
  options.as_of = flags.as_of ? parse_as_of(*flags.as_of, now, "--as-of") : now;
  options.as_of_fixed = flags.as_of && !is_relative_as_of(*flags.as_of);
  if (flags.older_than)
    options.older_than = parse_offset(*flags.older_than, now, Direction::Back, "--older-than");
  if (flags.limit > 0) options.limit = flags.limit;
  options.uploads_older_than = parse_offset(flags.uploads_older_than, now, Direction::Back, "--uploads-older-than");
  options.dry_run = flags.dry_run;
  // Gathered before listing: an unreadable document stops gc before any delete.
  if (std::count(flags.keep_referenced.begin(), flags.keep_referenced.end(), "-") > 1)
    throw Error(ErrorKind::Usage, "gc --keep-referenced", "stdin ('-') given more than once");
  options.keep = collect_referenced_keys(flags.keep_referenced);
  return options;
}

int exit_status(const GcSummary& summary, int stopped_by) {
  if (summary.interrupted) return kSignalExitBase + stopped_by;
  if (summary.listing_error) return exit_code(summary.listing_error->kind());
  return summary.errors + summary.upload_errors > 0 ? exit_code(ErrorKind::Store) : 0;
}

int run_gc_command(const GlobalOptions& global, const GcFlags& flags) {
  // Ctrl-C, SIGTERM (systemd, a cron timeout) or SIGHUP stops the listing; the
  // batches in flight finish and the summary is printed: nothing half-deleted.
  std::atomic<bool> stop{false};
  std::atomic<int> stopped_by{SIGINT};
  const SignalHandling signals({.sigint = OnSignal::Stop, .sigterm = OnSignal::Stop, .sighup = OnSignal::Stop},
                               [&stop, &stopped_by](int number) {
                                 stopped_by = number;
                                 stop = true;
                               });
  const Config config = load_config_for(global);
  GcOptions options = options_from(config, flags);
  auto store = open_listed_store_for(config);
  options.stop = &stop;

  std::vector<GcCandidate> listed;  // kept only for a --json dry run
  std::vector<IncompleteUpload> stale_uploads;  // the same
  StatusLine status(config.quiet);
  GcCallbacks callbacks;
  callbacks.on_selected = [&](const GcCandidate& c) {
    if (!options.dry_run) return;
    if (flags.json) {
      listed.push_back(c);
      return;
    }
    status.finish();
    print_candidate_line(c);
  };
  callbacks.on_progress = [&](const GcSummary& s) {
    if (status.due()) status.show(progress_text(s, options.dry_run));
  };
  callbacks.on_stale_upload = [&](const IncompleteUpload& upload) {
    if (!options.dry_run) return;
    if (flags.json) {
      stale_uploads.push_back(upload);
      return;
    }
    status.finish();
    print_upload_line(upload);
  };

  const GcSummary summary = run_gc(*store, options, callbacks);
  status.finish();
  const GcReport report{options, store->location(), summary, listed, stale_uploads};
  flags.json ? print_json(report) : print_summary_text(report);
  print_failures(summary);
  // The summary went to stdout, perhaps a file: stderr says why the run is short.
  if (summary.interrupted)
    print_error_line(interrupted_line(stopped_by, "stopped after the batches in flight"));
  if (summary.listing_error) report_exception(std::make_exception_ptr(*summary.listing_error), global.verbosity);
  return exit_status(summary, stopped_by);
}

void add_gc_options(CLI::App& sub, ConfigOverrides& o, GcFlags& flags) {
  sub.add_flag("--dry-run", flags.dry_run, "List exactly what would be deleted, with totals; delete nothing");
  sub.add_option("--as-of", flags.as_of, "Judge expiry at this time (RFC 3339) or at now +DURATION")
      ->type_name("TIME|+DURATION");
  add_setting_options(sub, "gc", o);
  sub.add_option("--older-than", flags.older_than, "Only objects last modified at least this long ago (from now, whatever --as-of says)")
      ->type_name("DURATION");
  sub.add_option("--limit", flags.limit, "Delete at most N objects")->type_name("N")->transform(whole_number(1));
  sub.add_option("--uploads-older-than", flags.uploads_older_than,
                 "Abort incomplete uploads under the prefix begun this long ago")
      ->type_name("DURATION")
      ->capture_default_str();
  sub.add_option("--keep-referenced", flags.keep_referenced,
                 "Never delete objects referenced from these documents or history exports ('-': stdin)")
      ->type_name("FILE");
  sub.add_flag("--json", flags.json, "Print the summary, the keys deleted or failed (and a dry run's list) as one JSON line");
}

}  // namespace

void define_gc_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<GcFlags>();
  add_gc_options(sub, global.overrides, *flags);
  sub.callback([&global, &run, flags] { run = [&global, flags] { return run_gc_command(global, *flags); }; });
}

}  // namespace claimcheck::cli
