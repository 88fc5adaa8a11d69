// `claimcheck serve`'s definition: every flag is a row of the settings
// table; what running it means is serve_command.hpp's run_serve.
#include "serve_command.hpp"

#include "setting_options.hpp"

namespace claimcheck::cli {

void define_serve_command(CLI::App& sub, GlobalOptions& global, CommandRunner& run) {
  add_setting_options(sub, "serve", global.overrides);
  sub.callback([&global, &run] { run = [&global] { return run_serve(global); }; });
}

}  // namespace claimcheck::cli
