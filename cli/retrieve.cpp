// `claimcheck retrieve [FILE|-|{...}]`: a reference becomes the original bytes,
// verified before any of them is released; anything else passes through.
#include <unistd.h>

#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "scanner/restore_fields.hpp"
#include "temporal/retrieve_payload.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "input.hpp"
#include "report_error.hpp"
#include "session.hpp"
#include "number_checks.hpp"
#include "setting_options.hpp"
#include "terminal_status.hpp"

namespace claimcheck::cli {
namespace {

struct RetrieveFlags {
  std::string input = "-";
  std::string output = "-";
  bool strict = false;
  bool json_fields = false;
  bool raw = false;
  int jobs = 8;
};

void warn_unverified(const Session& session, const RetrieveOutcome& outcome) {
  if (!outcome.was_reference || outcome.sha256_verified || session.config().quiet) return;
  print_error_line("warning: reference " + outcome.reference.key +
                   " has no sha256: verified by size only");
}

void warn_expired(const Session& session, const RetrieveOutcome& outcome) {
  if (!outcome.expired_at || session.config().quiet) return;
  print_error_line("warning: reference " + outcome.reference.key + " expired at " +
                   format_rfc3339(*outcome.expired_at) + ": the object is still stored, but gc may delete it");
}

void retrieve_stream(Session& session, ByteSource& input, StagedOutput& output,
                     const RetrieveFlags& flags) {
  ProgressBar bar(session.config().quiet, 0);
  auto progress = [&bar](std::uint64_t bytes) { bar.update(bytes); };
  auto found = [&bar](const Reference& ref) { bar.set_total(ref.size_bytes); };
  temporal::RetrievePayloadOptions payload_options{flags.raw, progress};
  RetrieveOutcome outcome =
      session.manager().maybe_retrieve(input, output, flags.strict, progress,
                                       temporal::payload_reference_hook(session.resolver(), payload_options), found);
  bar.finish();
  warn_unverified(session, outcome);
  warn_expired(session, outcome);
}

/// What plain retrieve says of one reference, said once for all those a
/// document held: how many expired, and how many had no sha256.
class DocumentWarnings {
 public:
  void add(const RetrieveOutcome& outcome) {
    std::lock_guard lock(mutex_);
    if (outcome.expired_at && (!expired_ || *outcome.expired_at < *expired_->expired_at)) expired_ = outcome;
    expired_count_ += outcome.expired_at ? 1 : 0;
    if (!outcome.sha256_verified && (!unverified_ || outcome.reference.key < unverified_->reference.key))
      unverified_ = outcome;  // the least key: the same line whichever fetch ends first
    unverified_count_ += outcome.sha256_verified ? 0 : 1;
  }

  void print(const Session& session) const {
    if (expired_count_ == 1) warn_expired(session, *expired_);
    if (expired_count_ > 1 && !session.config().quiet)
      print_error_line(fmt::format("warning: {} references expired, the first ({}) at {}: the objects are still "
                                   "stored, but gc may delete them",
                                   expired_count_, expired_->reference.key, format_rfc3339(*expired_->expired_at)));
    if (unverified_count_ == 1) warn_unverified(session, *unverified_);
    if (unverified_count_ > 1 && !session.config().quiet)
      print_error_line(fmt::format("warning: {} references have no sha256 ({} among them): verified by size only",
                                   unverified_count_, unverified_->reference.key));
  }

 private:
  std::mutex mutex_;
  std::optional<RetrieveOutcome> expired_, unverified_;  // the earliest expired; the least key unverified
  std::size_t expired_count_ = 0, unverified_count_ = 0;
};

void retrieve_document(Session& session, const std::string& document, StagedOutput& output,
                       const RetrieveFlags& flags) {
  std::size_t restored = 0;
  DocumentWarnings warnings;
  session.manager().on_retrieved([&warnings](const RetrieveOutcome& outcome) { warnings.add(outcome); });
  struct Unhook {  // the listener ends with `warnings`, however this returns
    Manager& manager;
    ~Unhook() { manager.on_retrieved({}); }
  } unhook{session.manager()};
  std::string text = restore_fields_text(document, session.resolver(), flags.jobs, &restored);
  output.write(text.data(), text.size());
  output.commit();
  warnings.print(session);
  if (session.config().verbosity > 0)
    print_error_line("restored " + std::to_string(restored) + " references");
}

int run_retrieve(const GlobalOptions& global, const RetrieveFlags& flags) {
  const SignalHandling signals(kCleanUpAndExitOnAnySignal);
  Session session(global);
  std::optional<Input> file;
  std::optional<StringSource> inline_text;
  if (is_inline_json(flags.input))
    inline_text.emplace(flags.input);
  else
    file.emplace(flags.input);
  FdSink stdout_sink(STDOUT_FILENO);
  auto output = open_output(flags.output, stdout_sink);
  if (flags.json_fields)
    retrieve_document(session, file ? file->read_all() : flags.input, *output, flags);
  else
    retrieve_stream(session, file ? file->source() : static_cast<ByteSource&>(*inline_text), *output, flags);
  return 0;
}

void add_retrieve_options(CLI::App& sub, RetrieveFlags& flags) {
  sub.add_option("INPUT", flags.input,
                 "File with a reference or document ('-' or none: stdin), or an inline reference '{...}'");
  sub.add_option("-o,--output", flags.output, "Write to FILE (appears only when verified; '-': stdout)")
      ->type_name("FILE");
  sub.add_flag("--strict", flags.strict, "Fail (exit 3) when the input is not a reference");
  auto* json_fields = sub.add_flag("--json-fields", flags.json_fields,
                                   "Restore every reference found inside a JSON document");
  sub.add_flag("--raw", flags.raw,
               "Temporal payloads: write what is stored, undecoded (External Storage: the object)")
      ->excludes(json_fields);
  sub.add_option("-j,--jobs", flags.jobs, "With --json-fields: fetches at a time" + range_text(1, kMaxJobs))
      ->type_name("N")
      ->capture_default_str()
      ->transform(whole_number(1, kMaxJobs))
      ->needs(json_fields);
}

}  // namespace

void define_retrieve_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<RetrieveFlags>();
  add_retrieve_options(sub, *flags);
  add_setting_options(sub, "retrieve", global.overrides);  // --read-bucket
  sub.callback([&global, &run, flags] { run = [&global, flags] { return run_retrieve(global, *flags); }; });
}

}  // namespace claimcheck::cli
