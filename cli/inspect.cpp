// placeholder until the inspect command lands
#include "command.hpp"

namespace claimcheck::cli {

void add_inspect_command(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* sub = app.add_subcommand("inspect", "(not implemented yet)");
  sub->callback([&run] { run = [] { return 1; }; });
}

}  // namespace claimcheck::cli
