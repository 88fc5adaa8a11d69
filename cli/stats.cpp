// placeholder until the stats command lands
#include "command.hpp"

namespace claimcheck::cli {

void add_stats_command(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* sub = app.add_subcommand("stats", "(not implemented yet)");
  sub->callback([&run] { run = [] { return 1; }; });
}

}  // namespace claimcheck::cli
