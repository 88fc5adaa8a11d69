// Entry point: global options, the command table, one place that turns
// errors into exit codes. Nothing here opens the store or initialises curl,
// so `--version` and a small pass-through stay as fast as starting a process.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "codec/codec.hpp"
#include "command.hpp"
#include "report_error.hpp"

namespace {

using namespace claimcheck::cli;

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  unexpected internal error\n"
    "  2  usage error (bad flag or configuration value)\n"
    "  3  invalid input (malformed reference or document)\n"
    "  4  object not found in the store\n"
    "  5  integrity failure (checksum, size or compressed stream wrong)\n"
    "  6  store error after retries (network, authentication, permission)\n"
    "  128+N  stopped by signal N (130: Ctrl-C); nothing half-written is left\n"
    "  141  the reader of stdout went away (as `| head`); no message";

void add_global_options(CLI::App& app, GlobalOptions& global) {
  auto& o = global.overrides;
  app.add_option_function<std::string>("--store", [&o](const std::string& v) { o.store = v; },
                                       "Store URI: s3://bucket[/prefix] or file:///dir")
      ->type_name("URI");
  app.add_option_function<std::string>("--endpoint", [&o](const std::string& v) { o.endpoint = v; },
                                       "S3-compatible endpoint (R2, radosgw, MinIO)")
      ->type_name("URL");
  app.add_option_function<std::string>("--region", [&o](const std::string& v) { o.region = v; },
                                       "S3 region")
      ->type_name("REGION");
  app.add_option_function<std::string>("--config", [&o](const std::string& v) { o.config_file = v; },
                                       "Configuration file")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", global.verbosity,
               "More detail on stderr: config origins, request trace (repeatable)");
  app.add_flag("-q,--quiet", global.quiet, "No warnings or progress on stderr");
}

/// "gzip: levels 1-3 ISA-L 2.30.0, levels 4-9 zlib 1.2.13; gunzip ISA-L 2.30.0":
/// which library a level (and retrieval) uses in this build.
std::string gzip_engines_line() {
  using claimcheck::GzipEngine;
  const auto named = [](GzipEngine e) { return fmt::format("{} {}", claimcheck::engine_name(e), claimcheck::engine_version(e)); };
  std::string text = "gzip:";
  int first = 1;
  for (int level = 1; level <= 9; ++level) {
    const GzipEngine engine = claimcheck::deflate_engine(level);
    if (level < 9 && claimcheck::deflate_engine(level + 1) == engine) continue;
    text += fmt::format("{} levels {}-{} {}", first == 1 ? "" : ",", first, level, named(engine));
    first = level + 1;
  }
  return text + "; gunzip " + named(claimcheck::inflate_engine());
}

/// CLI11's messages can span lines; ours never do.
int report_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
  print_error_line(std::string(error.what()) + " (see 'claimcheck --help')");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout becomes an EPIPE error, so that cleanup runs before the
  // quiet exit 141 (see ErrorKind::ReaderGone), not a death mid-upload.
  std::signal(SIGPIPE, SIG_IGN);
  GlobalOptions global;
  try {
    CLI::App app{"claimcheck: the claim-check pattern for large workflow payloads", "claimcheck"};
    app.set_version_flag("--version", std::string("claimcheck ") + CLAIMCHECK_VERSION + "\n" + gzip_engines_line());
    app.footer(kExitCodes);
    app.fallthrough();  // global options may follow the command name
    add_global_options(app, global);
    CommandRunner run;
    add_offload_command(app, global, run);
    add_retrieve_command(app, global, run);
    add_inspect_command(app, global, run);
    add_gc_command(app, global, run);
    add_stats_command(app, global, run);
    add_serve_command(app, global, run);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      return report_parse_error(app, error);
    }
    if (!run) {
      std::fputs(app.help().c_str(), stderr);
      return 2;
    }
    return run();
  } catch (...) {
    return report_exception(std::current_exception(), global.verbosity);
  }
}
