// The settings table itself: its rows are consistent, its defaults are the
// ones library structs start from, and the resolution rules hold for rows of
// kinds the table does not have yet (a list, a setting of a future command).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "core/error.hpp"
#include "gc_stats/gc.hpp"
#include "manager/manager.hpp"
#include "scanner/inspect.hpp"
#include "test_support.hpp"

using claimcheck::Config;
using claimcheck::ConfigOverrides;
using claimcheck::Setting;
using claimcheck::SettingTarget;
using claimcheck::SettingValue;

namespace {

claimcheck::Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> seen_items;  // what the test row's parser received

/// A table with a list setting of a command that does not exist, and the
/// real table's row naming the config file.
const std::vector<Setting>& future_table() {
  static const std::vector<Setting> table{
    *claimcheck::find_setting("config"),
    {
        .key = "allow_origin",
        .flag = "--allow-origin",
        .commands = {{"serve"}},
        .env = {{"CLAIMCHECK_ALLOW_ORIGIN"}},
        .file_key = "allow_origin",
        .value_name = "ORIGIN",
        .apply = [](const SettingValue& v, SettingTarget&) { seen_items = v.items; },
        .fallback = "http://localhost:8233",
        .help = "Origins the server answers",
        .list = true,
    },
  };
  return table;
}

}  // namespace

TEST_CASE("every row is consistent") {
  std::set<std::string_view> keys, file_keys, env_names;
  std::map<std::string_view, std::set<std::string_view>> flags_by_command;
  for (const Setting& row : claimcheck::settings()) {
    CAPTURE(row.key);
    CHECK(keys.insert(row.key).second);
    CHECK(!row.help.empty());
    CHECK(static_cast<bool>(row.apply));
    if (!row.file_key.empty()) CHECK(file_keys.insert(row.file_key).second);
    for (const auto& var : row.env) {
      if (!var.name.empty()) CHECK(env_names.insert(var.name).second);
    }
    if (!row.flag.empty()) {
      CHECK(row.long_flag().starts_with("--"));
      if (row.commands.empty()) CHECK(flags_by_command[""].insert(row.long_flag()).second);
      for (const auto& c : row.commands) CHECK(flags_by_command[c.command].insert(row.long_flag()).second);
    }
    CHECK_FALSE((!row.fallback.empty() && row.compute_default != nullptr));
    if (row.stage != claimcheck::Stage::S3) CHECK(row.profile_key.empty());
    // -v prints every value but the secrets' (and the config file's, named in
    // its origin); virtual_hosted had printed without one.
    static const std::set<std::string_view> kShownWithoutValue = {
        "config", "access_key_id", "secret_access_key", "session_token", "container_authorization_token"};
    CHECK((row.show != nullptr) != kShownWithoutValue.contains(row.key));
  }
}

TEST_CASE("library option structs start from the table's defaults") {
  const Config& defaults = claimcheck::default_config();
  const claimcheck::OffloadOptions offload;
  CHECK(offload.threshold == defaults.threshold);
  CHECK(offload.level == defaults.level);
  CHECK(offload.compress == defaults.compress);
  CHECK(offload.ttl == defaults.ttl);
  CHECK(offload.prefix == defaults.prefix);
  CHECK(offload.enabled == defaults.enabled);
  const claimcheck::GcOptions gc;
  CHECK(gc.prefix == defaults.prefix);
  CHECK(gc.ttl == defaults.ttl);
  CHECK(claimcheck::InspectOptions{}.ttl == defaults.ttl);
  // and a run with nothing set gets the same values
  const Config loaded = claimcheck::load_config({}, env_of({}));
  CHECK(loaded.threshold == defaults.threshold);
  CHECK(loaded.level == defaults.level);
}

TEST_CASE("a list setting: every flag occurrence, or ',' separated elsewhere") {
  claimcheck::testing::TempDir home;
  const auto load = [&](const ConfigOverrides& flags, std::map<std::string, std::string> vars) {
    vars["HOME"] = home.path();
    seen_items.clear();
    return claimcheck::load_config_from(future_table(), flags, env_of(vars));
  };
  Config c = load({}, {});
  CHECK(seen_items == std::vector<std::string>{"http://localhost:8233"});
  CHECK(c.origin.at("allow_origin") == "default");

  c = load({}, {{"CLAIMCHECK_ALLOW_ORIGIN", "https://a.example, https://b.example"}});
  CHECK(seen_items == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(c.origin.at("allow_origin") == "env CLAIMCHECK_ALLOW_ORIGIN");

  claimcheck::testing::write_file(home / ".config/claimcheck/config", "allow_origin = https://f.example\n");
  c = load({}, {});
  CHECK(seen_items == std::vector<std::string>{"https://f.example"});

  ConfigOverrides flags;
  flags.add("allow_origin", "https://x.example");
  flags.add("allow_origin", "https://y,z.example");  // a flag value is never split
  c = load(flags, {{"CLAIMCHECK_ALLOW_ORIGIN", "https://a.example"}});
  CHECK(seen_items == std::vector<std::string>{"https://x.example", "https://y,z.example"});
  CHECK(c.origin.at("allow_origin") == "flag --allow-origin");
}

TEST_CASE("the config file's known keys are the table's") {
  claimcheck::testing::TempDir home;
  claimcheck::testing::write_file(home / ".config/claimcheck/config", "threshold = 1\n");
  try {
    claimcheck::load_config_from(future_table(), {}, env_of({{"HOME", home.path()}}));
    FAIL("a key of another table was accepted");
  } catch (const claimcheck::Error& e) {
    CHECK(e.why() == "unknown key 'threshold' (known: allow_origin)");
  }
}
