// `claimcheck offload [FILE|-]`: below the threshold the input comes out
// unchanged; at or above it, it goes to the store and a reference comes out.
#include <unistd.h>

#include <limits>
#include <memory>

#include <fmt/format.h>

#include "base/text.hpp"
#include "core/error.hpp"
#include "manager/json_fields.hpp"
#include "reference/reference.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "input.hpp"
#include "report_error.hpp"
#include "session.hpp"
#include "setting_options.hpp"
#include "terminal_status.hpp"
#include "number_checks.hpp"

namespace claimcheck::cli {
namespace {

/// The content type goes into the reference, whose reader refuses control
/// characters, and is sent as an HTTP header (S3): refused here, for every
/// store alike, before anything is read or stored.
CLI::Validator reference_text() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return has_control_character(text) ? "must not hold a control character (a tab or line break, say)" : "";
      },
      "", "REFERENCE_TEXT");
}

/// --sections NAMES: each flag's value split on ',' here, not by CLI11,
/// which drops empty pieces, and then takes the next argument (the input
/// file) for a value that had none (--sections ,). An empty name would name
/// nothing and offload nothing, in silence.
std::vector<std::string> section_names(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (const std::string& value : values) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = value.find(',', start);
      // "data, context" as a list is often written: blanks around a name are not part of it.
      names.emplace_back(base::trim(std::string_view(value).substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return names;
}

CLI::Validator section_list() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        for (const std::string& name : section_names({value}))
          if (name.empty()) return "an empty section name";
        return "";
      },
      "", "SECTION_NAMES");
}

struct OffloadFlags {
  std::string input = "-";
  std::string output = "-";
  std::string content_type;
  bool force = false;
  bool pretty = false;
  bool json_fields = false;
  FieldScope scope;
  bool sections_named = false;  // --sections was given: each name is expected in the document
};

void write_text(ByteSink& sink, const std::string& text) { sink.write(text.data(), text.size()); }

void offload_stream(Session& session, Input& input, StagedOutput& output, OffloadOptions options,
                    const OffloadFlags& flags) {
  ProgressBar bar(session.config().quiet, input.size_hint());
  options.progress = [&bar](std::uint64_t bytes) { bar.update(bytes); };
  OffloadOutcome outcome = session.manager().maybe_offload(input.source(), output, options);
  bar.finish();
  if (outcome.offloaded) write_text(output, to_json(outcome.reference, flags.pretty) + "\n");
}

/// A section that was not looked into offloads nothing, which would
/// otherwise pass in silence: each one named, or, with the Go runner's
/// defaults, a document that has neither (it is not a runner's state).
void warn_unused_sections(const FieldOffloadResult& result, const OffloadFlags& flags) {
  if (flags.sections_named) {
    for (const auto& name : result.absent_sections)
      print_error_line(fmt::format("warning: --sections: the document has no \"{}\"", name));
    for (const auto& name : result.non_object_sections)
      print_error_line(fmt::format("warning: --sections: \"{}\" is not an object: nothing in it was offloaded", name));
    return;
  }
  if (result.absent_sections.size() + result.non_object_sections.size() == flags.scope.sections.size())
    print_error_line(fmt::format("warning: the document has no \"{}\" object (the Go runner's sections): nothing "
                                 "was offloaded; --sections names others, '.' the top level",
                                 fmt::join(flags.scope.sections, "\" or \"")));
}

void offload_document(Session& session, Input& input, StagedOutput& output,
                      const OffloadOptions& options, const OffloadFlags& flags) {
  FieldOffloadResult result;
  std::string text =
      offload_fields_text(input.read_all(), session.manager(), options, flags.scope, &result);
  if (flags.pretty) text = nlohmann::ordered_json::parse(text).dump(2) + "\n";
  write_text(output, text);
  if (!session.config().quiet) warn_unused_sections(result, flags);
  if (session.config().verbosity > 0)
    print_error_line("offloaded " + std::to_string(result.offloaded) + " fields, kept " +
                     std::to_string(result.kept));
}

int run_offload(const GlobalOptions& global, const OffloadFlags& flags) {
  const SignalHandling signals(kCleanUpAndExitOnAnySignal);
  Session session(global);
  OffloadOptions options = OffloadOptions::from(session.config());
  options.force = flags.force;
  if (!flags.content_type.empty()) options.content_type = flags.content_type;
  Input input(flags.input);
  FdSink stdout_sink(STDOUT_FILENO);
  auto output = open_output(flags.output, stdout_sink);
  // A reference that cannot be written out would leave its object orphaned.
  session.manager().offload_then_deliver([&] {
    if (flags.json_fields)
      offload_document(session, input, *output, options, flags);
    else
      offload_stream(session, input, *output, options, flags);
    output->commit();
  });
  return 0;
}

void add_offload_options(CLI::App& sub, ConfigOverrides& o, OffloadFlags& flags) {
  sub.add_option("FILE", flags.input, "Payload to offload ('-' or none: stdin)");
  add_setting_options(sub, "offload", o);
  sub.add_flag("--force", flags.force, "Offload whatever the size");
  sub.add_option("--content-type", flags.content_type, "Content type recorded with the object")
      ->type_name("TYPE")
      ->check(reference_text());
  sub.add_option("-o,--output", flags.output, "Write to FILE (appears only when complete; '-': stdout)")
      ->type_name("FILE");
  sub.add_flag("--pretty", flags.pretty, "Indent the JSON output");
  auto* json_fields = sub.add_flag("--json-fields", flags.json_fields,
                                   "Offload the large fields of a JSON document in place");
  sub.add_option("--depth", flags.scope.depth, "With --json-fields: nesting levels to descend")
      ->type_name("N")
      ->capture_default_str()
      ->transform(whole_number(1, std::numeric_limits<int>::max()))
      ->needs(json_fields);
  sub.add_option("--sections", flags.scope.sections,
                 "With --json-fields: top-level members whose values are offloaded ('.': the top level itself)")
      ->type_name("NAMES")
      ->expected(1)
      ->allow_extra_args(false)  // one value per flag: never the command's positional input
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(section_list())
      ->default_str(fmt::format("{}", fmt::join(FieldScope{}.sections, ",")))
      ->needs(json_fields);
}

}  // namespace

void define_offload_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<OffloadFlags>();
  add_offload_options(sub, global.overrides, *flags);
  sub.callback([&sub, &global, &run, flags] {
    flags->scope.sections = section_names(flags->scope.sections);
    flags->sections_named = sub.count("--sections") > 0;
    run = [&global, flags] { return run_offload(global, *flags); };
  });
}

}  // namespace claimcheck::cli
