// `claimcheck inspect [INPUT...]`: explains every reference found in files,
// stdin or inline arguments, checked against the store unless --offline.
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <utility>

#include "core/error.hpp"
#include "scanner/inspect.hpp"
#include "stores/store.hpp"
#include "core/stream.hpp"
#include "core/units.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "input.hpp"
#include "lazy_store.hpp"
#include "inspect_output.hpp"
#include "report_error.hpp"
#include "number_checks.hpp"
#include "setting_options.hpp"

namespace claimcheck::cli {
namespace {

struct InspectFlags {
  std::vector<std::string> inputs;
  bool offline = false;
  bool verify = false;
  bool url = false;
  std::string expires = "1h";
  bool json = false;
  int jobs = InspectOptions{}.concurrency;
};

struct NamedInput {
  std::string source;
  std::string text;
};

/// Files, "-" for stdin (once), or a reference written inline ('{...}', or
/// as a JSON string).
std::vector<NamedInput> read_inputs(std::vector<std::string> args) {
  if (args.empty()) args.push_back("-");
  std::vector<NamedInput> inputs;
  bool stdin_used = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (is_inline_json(arg)) {
      inputs.push_back({"arg:" + std::to_string(i + 1), arg});
      continue;
    }
    if (arg == "-" && std::exchange(stdin_used, true))
      throw Error(ErrorKind::Usage, "inspect", "stdin ('-') given more than once");
    Input input(arg);
    inputs.push_back({arg, input.read_all()});
  }
  return inputs;
}

/// An input that is not JSON is reported (invalid) and the other inputs still
/// checked, as a bad line of JSON Lines is; --json still prints its report.
void scan_input(const NamedInput& input, TimePoint now, std::vector<Inspection>& items) {
  const auto add = [&](Finding&& finding) { items.push_back(prepare_inspection(std::move(finding), input.source, now)); };
  try {
    scan_text(input.text, add, BadLines::Report);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::InvalidInput) throw Error(e.kind(), "inspect " + input.source, e.why());
    Finding unreadable;
    unreadable.format = FoundFormat::Unreadable;
    unreadable.error = e.why();
    add(std::move(unreadable));
  }
}

InspectOptions lookup_options(const InspectFlags& flags) {
  InspectOptions options;
  options.offline = flags.offline;
  options.verify = flags.verify;
  options.concurrency = flags.jobs;
  if (flags.url) options.url_lifetime = parse_duration(flags.expires, "--expires");
  if (options.url_lifetime) check_url_lifetime(*options.url_lifetime, "--expires " + flags.expires);
  return options;
}

bool use_color() { return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

/// The terminal's width when stdout is one (a pipe or file gets every column).
std::size_t terminal_columns() {
  if (!isatty(STDOUT_FILENO)) return 0;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

std::string problem_counts(const InspectSummary& s) {
  std::string text;
  auto add = [&text](std::size_t count, const char* what) {
    if (count) text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  };
  add(s.corrupt, "corrupt");
  add(s.missing, "missing");
  add(s.errors, "not checked (store error)");
  add(s.invalid, "invalid");
  return text + " of " + std::to_string(s.found) + " references";
}

/// Through FdSink so a full disk or closed pipe is an error, not silence.
void print(const std::string& text) {
  FdSink out(STDOUT_FILENO);
  out.write(text.data(), text.size());
}

int run_inspect(const GlobalOptions& global, const InspectFlags& flags) {
  const SignalHandling signals(kEndAtOnceOnAnySignal);
  InspectOptions options = lookup_options(flags);  // bad --expires fails before any I/O
  // Read and checked as every command's, also offline: a bad flag or
  // configuration file is exit 2 whether or not anything is looked up.
  const Config config = load_config_for(global);
  InspectReport report;
  report.now = std::chrono::system_clock::now();
  report.offline = flags.offline;
  const auto inputs = read_inputs(flags.inputs);
  report.several_sources = inputs.size() > 1;
  for (const auto& input : inputs) scan_input(input, report.now, report.items);
  if (!flags.offline && lookups_needed(report.items) > 0) {
    options.ttl = config.ttl;
    LazyStore store([&config] { return open_store_for(config); });
    auto buckets = open_bucket_stores_for(config);
    check_inspections(report.items, store, *buckets, options, report.now);
  } else if (flags.offline) {
    auto buckets = open_bucket_stores_for(config);  // opens nothing until a store is asked for
    settle_offline(report.items, store_location(config), *buckets, report.now);
    if (flags.url) {
      // Presigning is computed here, not asked of the store: offline still holds.
      auto store = open_store_for(config);
      presign_inspections(report.items, *store, *buckets, options);
    }
  }
  report.summary = summarize(report.items);
  wait_if_interrupted();  // lookups an interrupt failed are not the result
  print(flags.json ? inspect_json(report) : inspect_table(report, use_color(), terminal_columns()));
  const int code = inspect_exit_code(report.summary);
  // Like every failing command: one line on stderr says why.
  if (code != 0) print_error_line("inspect: " + problem_counts(report.summary));
  return code;
}

void add_inspect_options(CLI::App& sub, InspectFlags& flags) {
  sub.add_option("INPUT", flags.inputs,
                 "Files, '-' for stdin, or an inline reference '{...}' or JSON string (none: stdin)");
  auto* offline = sub.add_flag("--offline", flags.offline,
                               "Only read the references: no store request at all (other-store is still said)");
  sub.add_flag("--verify", flags.verify, "Download each object and check size and sha256")
      ->excludes(offline);
  auto* url = sub.add_flag("--url", flags.url,
                           "Print a link per reference: on S3 a presigned GET URL that serves the original, on a "
                           "local store the object's file:// URL (its stored bytes); works offline");
  sub.add_option("--expires", flags.expires, "Lifetime of --url links (S3)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->needs(url);
  sub.add_flag("--json", flags.json, "One JSON document (schema claimcheck.inspect/v1)");
  sub.add_option("-j,--jobs", flags.jobs, "Store lookups at a time" + range_text(1, kMaxJobs))
      ->type_name("N")
      ->capture_default_str()
      ->transform(whole_number(1, kMaxJobs));
}

}  // namespace

void define_inspect_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<InspectFlags>();
  add_inspect_options(sub, *flags);
  add_setting_options(sub, "inspect", global.overrides);  // --read-bucket
  sub.callback([&global, &run, flags] { run = [&global, flags] { return run_inspect(global, *flags); }; });
}

}  // namespace claimcheck::cli
