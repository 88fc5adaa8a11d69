// placeholder until the gc command lands
#include "command.hpp"

namespace claimcheck::cli {

void add_gc_command(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* sub = app.add_subcommand("gc", "(not implemented yet)");
  sub->callback([&run] { run = [] { return 1; }; });
}

}  // namespace claimcheck::cli
