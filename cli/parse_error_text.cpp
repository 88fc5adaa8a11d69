#include "parse_error_text.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace claimcheck::cli {
namespace {

/// Levenshtein distance: "ofload" is 1 from "offload".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The command `word` most likely meant, if one is at most two edits away.
std::string closest_command(const CLI::App& app, const std::string& word) {
  std::string best;
  std::size_t best_distance = 3;
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::size_t distance = edit_distance(word, sub->get_name());
    if (distance < best_distance) best = sub->get_name(), best_distance = distance;
  }
  return best;
}

}  // namespace

std::string parse_error_text(const CLI::App& app, const CLI::ParseError& error) {
  const std::string message = error.what();
  // "--limit: At Most 1 required but received 2": the flag was repeated.
  const auto at_most = message.find(": At Most 1 required but received ");
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && at_most != std::string::npos)
    return message.substr(0, at_most) + ": given more than once (it takes one value)";
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const bool command_given = !app.get_subcommands([](const CLI::App* s) { return s->parsed(); }).empty();
    const std::vector<std::string> extras = app.remaining(true);
    if (!command_given && !extras.empty() && !extras.front().starts_with('-')) {
      const std::string suggestion = closest_command(app, extras.front());
      if (!suggestion.empty())
        return "unknown command '" + extras.front() + "': did you mean '" + suggestion + "'?";
      return "unknown command '" + extras.front() + "'";
    }
    // CLI11 2.3 says them last first ("ts2 --read-bucket"): in the order given.
    if (!extras.empty()) {
      std::string text = extras.size() > 1 ? "The following arguments were not expected:"
                                           : "The following argument was not expected:";
      for (const std::string& extra : extras) text += " " + extra;
      return text;
    }
  }
  // "Could not convert: --verbose = x": a flag that takes no value was given one.
  const std::string_view convert = "Could not convert: ";
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr && message.starts_with(convert)) {
    const std::string rest = message.substr(convert.size());
    if (const auto equals = rest.find(" = "); rest.starts_with("-") && equals != std::string::npos)
      return rest.substr(0, equals) + ": '" + rest.substr(equals + 3) + "' is not a value it takes";
  }
  return message;
}

}  // namespace claimcheck::cli
