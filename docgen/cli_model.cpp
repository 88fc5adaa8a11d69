#include "cli_model.hpp"

#include <CLI/CLI.hpp>

#include "../cli/app.hpp"

namespace claimcheck::docgen {
namespace {

/// The type name without the descriptions CLI11 appends for validators
/// ("N:POSITIVE" -> "N").
std::string bare_type_name(CLI::Option& option) {
  std::string full = option.get_type_name(), suffix;
  for (int i = 0;; ++i) {
    try {
      const std::string description = option.get_validator(i)->get_description();
      if (!description.empty()) suffix += ":" + description;
    } catch (const CLI::OptionNotFound&) {
      break;
    }
  }
  if (!suffix.empty() && full.ends_with(suffix)) full.resize(full.size() - suffix.size());
  return full;
}

const Setting* setting_for(const CLI::Option& option) {
  for (const Setting& row : settings()) {
    for (const std::string& name : option.get_lnames()) {
      if (!row.flag.empty() && row.long_flag() == "--" + name) return &row;
    }
  }
  return nullptr;
}

OptionDoc describe_option(CLI::Option& option) {
  OptionDoc doc;
  doc.positional = option.get_positional();
  if (doc.positional) doc.names.push_back(option.get_name(true, false));
  for (const std::string& s : option.get_snames()) doc.names.push_back("-" + s);
  for (const std::string& l : option.get_lnames()) doc.names.push_back("--" + l);
  if (option.get_type_size() != 0) doc.value_name = bare_type_name(option);
  doc.help = cli::option_help(option);
  doc.default_text = option.get_default_str();
  doc.several_values = !doc.positional && option.get_items_expected_max() > 1;
  doc.repeatable = option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll || doc.several_values;
  doc.setting = setting_for(option);
  if (doc.setting) {
    doc.hint = doc.setting->hint;
    for (std::string_view c : doc.setting->choices) doc.choices.emplace_back(c);
    for (int v = doc.setting->int_range.first; v <= doc.setting->int_range.second && v > 0; ++v)
      doc.choices.push_back(std::to_string(v));
  } else if (doc.value_name.starts_with("FILE") || doc.value_name == "INPUT" ||
             (doc.positional && (doc.names[0] == "FILE" || doc.names[0] == "INPUT"))) {
    doc.hint = ValueHint::File;
  } else if (doc.value_name.starts_with("DIR")) {
    doc.hint = ValueHint::Directory;
  }
  return doc;
}

CommandDoc describe_command(CLI::App& app, std::string name) {
  CommandDoc doc{std::move(name), app.get_description(), {}, {}};
  for (CLI::Option* option : app.get_options()) {
    OptionDoc o = describe_option(*option);
    (o.positional ? doc.positionals : doc.options).push_back(std::move(o));
  }
  return doc;
}

}  // namespace

std::string OptionDoc::long_name() const {
  for (const std::string& n : names) {
    if (n.starts_with("--")) return n;
  }
  return names.empty() ? "" : names.back();
}

bool is_global(const CliDoc& cli, const OptionDoc& option) {
  for (const OptionDoc& global : cli.global.options) {
    if (global.long_name() == option.long_name()) return true;
  }
  return false;
}

CliDoc describe_cli() {
  auto app = cli::make_app();
  cli::GlobalOptions global;
  cli::CommandRunner run;
  cli::define_app(*app, global, run);
  CliDoc doc;
  doc.version = CLAIMCHECK_VERSION;
  doc.description = app->get_description();
  doc.global = describe_command(*app, "");
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; }))
    doc.commands.push_back(describe_command(*sub, sub->get_name()));
  return doc;
}

}  // namespace claimcheck::docgen
