// placeholder until the offload command lands
#include "command.hpp"

namespace claimcheck::cli {

void add_offload_command(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* sub = app.add_subcommand("offload", "(not implemented yet)");
  sub->callback([&run] { run = [] { return 1; }; });
}

}  // namespace claimcheck::cli
