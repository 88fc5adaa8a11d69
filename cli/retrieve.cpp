// placeholder until the retrieve command lands
#include "command.hpp"

namespace claimcheck::cli {

void add_retrieve_command(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* sub = app.add_subcommand("retrieve", "(not implemented yet)");
  sub->callback([&run] { run = [] { return 1; }; });
}

}  // namespace claimcheck::cli
