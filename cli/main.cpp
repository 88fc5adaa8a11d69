// Entry point: parses with the CLI definition (app.cpp), runs the chosen
// command, and is the one place that turns errors into exit codes. Nothing
// here opens the store or initialises curl, so `--version` and a small
// pass-through stay as fast as starting a process.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "core/error.hpp"
#include "interrupt.hpp"
#include "parse_error_text.hpp"
#include "report_error.hpp"
#include "sigv4/credential_providers.hpp"
#include "standard_streams.hpp"
#include "stdout_text.hpp"

namespace {

using namespace claimcheck::cli;

/// Buffers from this size up are mapped from the kernel and given back when
/// freed. glibc would otherwise raise its threshold after the first free and
/// keep the 8 MiB upload parts in the heap, where freed ones linger: a 1 GiB
/// offload to S3 peaked at 61-67 MiB instead of about 51 MiB (its parts in
/// flight and compression blocks; measured with GNU time). Below S3's 5 MiB
/// minimum part size; the 1 MiB compression blocks stay on the heap and are
/// reused. serve sets its own (http_server.cpp).
constexpr int kMappedBufferBytes = 4 << 20;

/// Whether `text` is about a global option (the first "--name" it holds:
/// "--max-attempts: ..."), which 'claimcheck --help' lists and the
/// command's help does not.
bool names_global_option(const CLI::App& app, const CLI::App& command, const std::string& text) {
  const std::size_t start = text.starts_with("--") ? 0 : text.find(" --");
  if (start == std::string::npos) return false;
  const std::size_t begin = text.find("--", start);
  const std::string name = text.substr(begin, text.find_first_of(" :=", begin) - begin);
  return command.get_option_no_throw(name) == nullptr && app.get_option_no_throw(name) != nullptr;
}

/// CLI11's messages can span lines; ours never do. The help pointed to is
/// the command's, when one was given.
int report_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == 0) {  // --help, --version: their text, written as any output is
    std::ostringstream out, err;
    const int code = app.exit(error, out, err);
    print_stdout(out.str());  // a stdout that cannot take it is an error (exit 1), not a success
    std::fputs(err.str().c_str(), stderr);
    return code;
  }
  const std::string text = parse_error_text(app, error);
  std::string help = "claimcheck --help";
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return s->parsed(); }))
    if (!names_global_option(app, *sub, text)) help = "claimcheck " + sub->get_name() + " --help";
  print_error_line(text + " (see '" + help + "')");
  return claimcheck::exit_code(claimcheck::ErrorKind::Usage);
}

/// Ends the process without static destructors and atexit handlers
/// (OpenSSL's and libcurl's global cleanup among them): the kernel frees
/// everything at once. ninja's main exits without cleanup for the same
/// reason. Measured: a 1 MiB retrieve from radosgw, 14.52 ms median before,
/// 14.14 ms after (300 interleaved runs each). What a command writes goes
/// straight to its descriptor (FdSink); stdio is flushed here. Builds with
/// AddressSanitizer exit normally, so that its leak check at exit runs.
[[noreturn]] void exit_without_teardown(int code) {
  // A credential refresh abandoned at the command's end may still be running
  // its credential_process: ended, so that it neither outlives the command
  // nor holds its stderr open (`claimcheck gc 2>&1 | tee` would wait for it).
  sigv4::end_credential_processes();
  std::fflush(nullptr);
#if defined(__SANITIZE_ADDRESS__)
  std::exit(code);
#else
  ::_exit(code);
#endif
}

/// The arguments as CLI11 parses them (last first), with "--name=" given as
/// "--name" and an empty value. CLI11 reads "--output=" as "--output" without
/// its value and takes the next word for it: `--output="$OUT"` with OUT unset
/// made the input file the output, and overwrote it with standard input.
/// Words after "--" are left as they are.
std::vector<std::string> arguments_for_parse(int argc, char** argv) {
  std::vector<std::string> words;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    options_ended = options_ended || word == "--";
    if (!options_ended && word.starts_with("--") && word.find('=') == word.size() - 1) {
      word.pop_back();
      words.push_back(std::move(word));
      words.emplace_back();
    } else {
      words.push_back(std::move(word));
    }
  }
  std::reverse(words.begin(), words.end());
  return words;
}

int run_main(int argc, char** argv) {
  reserve_standard_streams();
  // A closed stdout becomes an EPIPE error, so that cleanup runs before the
  // quiet exit 141 (see ErrorKind::ReaderGone), not a death mid-upload.
  std::signal(SIGPIPE, SIG_IGN);
  // A file-size limit (ulimit -f) becomes an EFBIG error, as a full disk
  // gives ENOSPC: the write fails, one line says so and the half-written
  // files are removed, instead of a death (exit 153) that leaves them.
  std::signal(SIGXFSZ, SIG_IGN);
  mallopt(M_MMAP_THRESHOLD, kMappedBufferBytes);
  // claimcheck starts no process but a credential_process: the orphans its
  // wrapper leaves (a Ctrl-C ends a shell before its `&` children) are
  // adopted, and so ended with it.
  sigv4::adopt_credential_process_orphans();
  GlobalOptions global;
  try {
    auto app = make_app();
    CommandRunner run;
    std::vector<std::string> arguments = arguments_for_parse(argc, argv);
    define_app(*app, global, run, &arguments);
    try {
      app->parse(arguments);
    } catch (const CLI::ParseError& error) {
      return report_parse_error(*app, error);
    }
    if (!run) {  // one line, as every failure: the help is one flag away
      std::string commands;
      for (const CLI::App* sub : app->get_subcommands({})) commands += (commands.empty() ? "" : ", ") + sub->get_name();
      print_error_line("no command given: one of " + commands + " (see 'claimcheck --help')");
      return claimcheck::exit_code(claimcheck::ErrorKind::Usage);
    }
    const int code = run();
    wait_if_interrupted();  // an interrupt's cleanup decides the exit status
    return code;
  } catch (...) {
    wait_if_interrupted();  // the signal thread says why, and exits
    return report_exception(std::current_exception(), global.verbosity);
  }
}

}  // namespace

int main(int argc, char** argv) { exit_without_teardown(run_main(argc, argv)); }
