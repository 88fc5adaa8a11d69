#include <cstdio>

#include <CLI/CLI.hpp>

#include "command.hpp"

int main(int argc, char** argv) {
  using namespace claimcheck::cli;
  CLI::App app{"claimcheck: the claim-check pattern for large workflow payloads"};
  app.set_version_flag("--version", std::string("claimcheck ") + CLAIMCHECK_VERSION);
  GlobalOptions global;
  CommandRunner run;
  add_offload_command(app, global, run);
  add_retrieve_command(app, global, run);
  add_inspect_command(app, global, run);
  add_gc_command(app, global, run);
  add_stats_command(app, global, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 0;
}
