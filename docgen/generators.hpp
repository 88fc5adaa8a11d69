// The generated documentation, each from its template (see template.hpp).
#pragma once

#include <string>

#include "cli_model.hpp"

namespace claimcheck::docgen {

std::string man_page(const CliDoc& cli, const std::string& template_text);
std::string bash_completion(const CliDoc& cli, const std::string& template_text);
std::string zsh_completion(const CliDoc& cli, const std::string& template_text);
std::string fish_completion(const CliDoc& cli, const std::string& template_text);
/// README's "Configuration" and "Exit codes" tables, which tests/docs
/// compares with README.md.
std::string readme_tables();

}  // namespace claimcheck::docgen
