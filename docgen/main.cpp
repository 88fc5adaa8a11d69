// docgen: writes the man page and the shell completions from their templates,
// the settings table and the CLI definition; prints README's tables.
//   docgen man|bash|zsh|fish TEMPLATE OUTPUT
//   docgen readme
#include <cstdio>
#include <exception>
#include <string>

#include "generators.hpp"
#include "template.hpp"

namespace {

using namespace claimcheck::docgen;

std::string generate(const std::string& kind, const CliDoc& cli, const std::string& text) {
  if (kind == "man") return man_page(cli, text);
  if (kind == "bash") return bash_completion(cli, text);
  if (kind == "zsh") return zsh_completion(cli, text);
  if (kind == "fish") return fish_completion(cli, text);
  throw std::runtime_error("unknown output '" + kind + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string kind = argc > 1 ? argv[1] : "";
    if (kind == "readme" && argc == 2) {
      std::fputs(readme_tables().c_str(), stdout);
      return 0;
    }
    if (argc != 4) throw std::runtime_error("usage: docgen man|bash|zsh|fish TEMPLATE OUTPUT, or docgen readme");
    write_text_file(argv[3], generate(kind, describe_cli(), read_text_file(argv[2])));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "docgen: %s\n", e.what());
    return 1;
  }
}
