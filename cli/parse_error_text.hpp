// CLI11's parse errors in words a user can act on.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace claimcheck::cli {

/// The message for `error`: a flag given twice says so, an unknown command
/// suggests the one it is closest to; anything else is CLI11's own message.
std::string parse_error_text(const CLI::App& app, const CLI::ParseError& error);

}  // namespace claimcheck::cli
