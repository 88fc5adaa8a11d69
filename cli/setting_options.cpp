#include "setting_options.hpp"

#include <string>
#include <vector>

#include "config/settings.hpp"
#include "number_checks.hpp"

namespace claimcheck::cli {
namespace {

CLI::Option* add_flag(CLI::App& app, const Setting& row, std::string_view command, ConfigOverrides& o) {
  const std::string key(row.key), name(row.flag), help(row.help_for(command));
  if (row.switch_flag) {
    return app.add_flag_function(name, [&o, key](std::int64_t) { o.set(key, "true"); }, help);
  }
  if (row.int_range.second > 0) {
    // Parsed as an integer first, so that "05" is 5 as for any integer flag.
    return app
        .add_option_function<int>(name, [&o, key](int v) { o.set(key, std::to_string(v)); },
                                  help + range_text(row.int_range.first, row.int_range.second))
        ->transform(whole_number(row.int_range.first, row.int_range.second));
  }
  if (row.list) {
    return app.add_option_function<std::vector<std::string>>(
                  name, [&o, key](const std::vector<std::string>& v) { o.values[key] = v; }, help)
        ->expected(1)
        ->allow_extra_args(false)  // one value per flag: never the command's positional input
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  }
  CLI::Option* option =
      app.add_option_function<std::string>(name, [&o, key](const std::string& v) { o.set(key, v); }, help);
  // The value name lists the choices already ("auto|always|never"): the
  // check adds none of its own to the help.
  if (!row.choices.empty())
    option->check(CLI::IsMember(std::vector<std::string>(row.choices.begin(), row.choices.end())).description(""));
  return option;
}

}  // namespace

void add_setting_options(CLI::App& app, std::string_view command, ConfigOverrides& overrides) {
  for (const Setting& row : settings()) {
    if (row.flag.empty()) continue;
    if (command.empty() ? !row.commands.empty() : !row.on_command(command)) continue;
    CLI::Option* option = add_flag(app, row, command, overrides);
    if (row.switch_flag) continue;
    option->type_name(std::string(row.value_name));
    if (!row.default_text().empty()) option->default_str(std::string(row.default_text()));
  }
}

}  // namespace claimcheck::cli
