// The settings table's flags as CLI11 options.
#pragma once

#include <string_view>

#include <CLI/CLI.hpp>

#include "config/config.hpp"

namespace claimcheck::cli {

/// Adds the flag of every setting the table gives `command` ("": the global
/// options) to `app`; a value given goes to `overrides` under the setting's
/// key, for load_config to weigh against the other sources.
void add_setting_options(CLI::App& app, std::string_view command, ConfigOverrides& overrides);

}  // namespace claimcheck::cli
