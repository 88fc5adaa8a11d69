// `claimcheck serve`'s definition: every flag is a row of the settings
// table; what running it means is serve_command.hpp's run_serve.
#include "serve_command.hpp"

#include "setting_options.hpp"

namespace claimcheck::cli {

void add_serve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run) {
  auto* sub = app.add_subcommand("serve", "Temporal codec server: claim-checked payloads in the Web UI and CLI");
  add_setting_options(*sub, "serve", global.overrides);
  sub->callback([&global, &run] {
    global.overrides.command = "serve";
    run = [&global] { return run_serve(global); };
  });
}

}  // namespace claimcheck::cli
