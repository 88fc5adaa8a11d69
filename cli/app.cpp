#include "app.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "setting_options.hpp"

namespace claimcheck::cli {
namespace {

/// CLI11's layout, with an option's default at the end of its description,
/// "(default 50KiB)", rather than as "SIZE=50KiB", and the flags it needs or
/// excludes there too ("(not with --raw)"), not beside its name, where they
/// pushed the description onto a line of its own.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* option) const override {
    std::string opts = CLI::Formatter::make_option_opts(option);
    const std::string shown = "=" + option->get_default_str();
    if (const auto at = opts.find(shown); !option->get_default_str().empty() && at != std::string::npos)
      opts.erase(at, shown.size());
    for (const char* label : {" Needs:", " Excludes:"})
      if (const auto at = opts.find(label); at != std::string::npos) opts.erase(at);
    return opts;
  }
  std::string make_option_desc(const CLI::Option* option) const override {
    const std::string& value = option->get_default_str();
    return option_help(*option) + (value.empty() ? "" : " (default " + value + ")");
  }
};

/// "gzip: levels 1-3 ISA-L 2.30.0, levels 4-9 zlib 1.2.13; gunzip ISA-L 2.30.0":
/// which library a level (and retrieval) uses in this build.
std::string gzip_engines_line() {
  const auto named = [](GzipEngine e) { return fmt::format("{} {}", engine_name(e), engine_version(e)); };
  std::string text = "gzip:";
  int first = 1;
  for (int level = 1; level <= 9; ++level) {
    const GzipEngine engine = deflate_engine(level);
    if (level < 9 && deflate_engine(level + 1) == engine) continue;
    text += fmt::format("{} levels {}-{} {}", first == 1 ? "" : ",", first, level, named(engine));
    first = level + 1;
  }
  return text + "; gunzip " + named(inflate_engine());
}

std::string exit_status_footer() {
  std::string text = "Exit codes:";
  for (const ExitStatusDoc& status : exit_statuses()) text += "\n  " + status.code + "  " + status.meaning;
  return text;
}

/// The commands, in the order --help lists them.
struct Command {
  const char* name;
  const char* summary;
  void (*define)(CLI::App& sub, GlobalOptions& global, CommandRunner& run);
};
constexpr Command kCommands[] = {
    {"offload", "Store a large payload and print its reference", define_offload_command},
    {"retrieve", "Turn a reference back into the verified payload", define_retrieve_command},
    {"inspect", "Explain the references found in documents and histories", define_inspect_command},
    {"gc", "Delete expired objects under the prefix", define_gc_command},
    {"stats", "What is stored, and how offloads and retrievals performed", define_stats_command},
    {"serve", "Temporal codec server: claim-checked payloads in the Web UI and CLI", define_serve_command},
};

void add_global_options(CLI::App& app, GlobalOptions& global) {
  add_setting_options(app, "", global.overrides);
  app.add_flag("-v,--verbose", global.verbosity,
               "More detail on stderr: config origins (-v), also every store request (-vv)");
  app.add_flag("-q,--quiet", global.quiet, "No warnings or progress on stderr");
}

}  // namespace

std::string option_help(const CLI::Option& option) {
  std::string text = option.get_description();
  for (const CLI::Option* needed : option.get_needs())  // unless the description says it
    if (text.find(needed->get_name()) == std::string::npos) text += " (with " + needed->get_name() + ")";
  for (const CLI::Option* excluded : option.get_excludes()) text += " (not with " + excluded->get_name() + ")";
  return text;
}

std::unique_ptr<CLI::App> make_app() {
  return std::make_unique<CLI::App>("claimcheck: the claim-check pattern for large workflow payloads",
                                    "claimcheck");
}

void define_app(CLI::App& app, GlobalOptions& global, CommandRunner& run, const std::vector<std::string>* words) {
  app.formatter(std::make_shared<HelpFormatter>());  // before the commands, which copy it
  app.set_version_flag("--version", std::string("claimcheck ") + CLAIMCHECK_VERSION + "\n" + gzip_engines_line());
  app.footer(exit_status_footer());
  app.fallthrough();  // global options may follow the command name
  // One command: a later word that names another (`offload gc`, a file
  // named gc) is the first command's argument. CLI11 had run the second.
  app.require_subcommand(0, 1);
  add_global_options(app, global);
  for (const Command& command : kCommands) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    // CLI11 runs a command only when its name is a word of the command line.
    // Defining the flags of all six took 0.2 ms of a 13 ms retrieve.
    if (words == nullptr || std::find(words->begin(), words->end(), command.name) != words->end()) {
      command.define(*sub, global, run);
      // The settings of one command only (serve's, read_buckets) are resolved for it alone.
      sub->preparse_callback([&global, name = command.name](std::size_t) { global.overrides.command = name; });
    }
  }
}

}  // namespace claimcheck::cli
