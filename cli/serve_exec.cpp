// `claimcheck serve` in claimcheck itself: once the command line has parsed,
// the process becomes claimcheck-serve with the same arguments, which runs
// the codec server. The server needs cpp-httplib, which Debian ships only as
// a shared library over the shared C++ runtime; keeping both out of
// claimcheck lets every other command start sooner (README "Performance").
// exec keeps the process id, so a service manager's SIGTERM reaches the
// server itself.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "serve_command.hpp"

namespace claimcheck::cli {
namespace {

constexpr const char* kServeExecutable = "claimcheck-serve";

/// This process's arguments exactly as it was given them (argv[0] included).
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<std::string> arguments;
  for (std::size_t at = 0; at < all.size();) {
    std::size_t end = all.find('\0', at);
    if (end == std::string::npos) end = all.size();
    arguments.push_back(all.substr(at, end - at));
    at = end + 1;
  }
  return arguments;
}

/// Beside this executable (the build tree, or both installed in one
/// directory), then where `meson install` puts it.
std::vector<std::filesystem::path> serve_executable_paths() {
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) paths.push_back(self.parent_path() / kServeExecutable);
  paths.push_back(std::filesystem::path(CLAIMCHECK_LIBEXEC_DIR) / kServeExecutable);
  return paths;
}

}  // namespace

int run_serve(const GlobalOptions& /*parsed again by claimcheck-serve*/) {
  std::vector<std::string> arguments = own_arguments();
  if (arguments.empty())  // no /proc: claimcheck-serve would run without them
    throw Error(ErrorKind::Internal, "serve", "cannot read this command line from /proc/self/cmdline");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::string failures;
  for (const std::filesystem::path& path : serve_executable_paths()) {
    ::execv(path.c_str(), argv.data());  // returns only when it failed
    failures += (failures.empty() ? "" : "; ") + path.string() + ": " + std::strerror(errno);
  }
  throw Error(ErrorKind::Internal, std::string("serve: cannot run ") + kServeExecutable,
              failures + " (it is installed with claimcheck)");
}

}  // namespace claimcheck::cli
