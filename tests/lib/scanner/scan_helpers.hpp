// Shared by the scanner tests: run the scanner, build Temporal payloads in
// proto JSON (base64) or the CLI's decoded shorthand.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "scanner/scanner.hpp"

namespace scanner_test {

using Json = nlohmann::ordered_json;
using claimcheck::Finding;

enum class Form { Base64, Shorthand };

inline std::vector<Finding> scan_str(std::string_view text) {
  std::vector<Finding> findings;
  claimcheck::scan_text(text, [&](Finding&& f) { findings.push_back(std::move(f)); });
  return findings;
}

inline std::vector<Finding> scan(const Json& document) { return scan_str(document.dump()); }

/// A payload as `temporal workflow show --output json` prints it, or with its
/// metadata left readable (as shorthand output does for non-JSON payloads).
inline Json payload(Form form, const std::map<std::string, std::string>& metadata,
                    std::string_view data) {
  Json meta = Json::object();
  for (const auto& [key, value] : metadata)
    meta[key] = form == Form::Base64 ? base::base64_encode(value) : value;
  return Json{{"metadata", meta}, {"data", base::base64_encode(data)}};
}

/// A json/plain payload: base64, or in shorthand the JSON value itself.
inline Json json_payload(Form form, const Json& value) {
  if (form == Form::Shorthand) return value;
  return payload(form, {{"encoding", "json/plain"}}, value.dump());
}

template <typename... Payload>
Json payloads(const Payload&... items) {
  Json list = Json::array();
  (list.push_back(items), ...);
  return Json{{"payloads", list}};
}

inline const std::string kSha =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

inline Json claimcheck_ref(const std::string& key) {
  return Json{{"_type", "claim_check_ref"}, {"key", key},           {"size_bytes", 1186475},
              {"compressed", true},         {"stored_at", "2026-01-09T13:24:00Z"},
              {"sha256", kSha},             {"stored_bytes", 90211},
              {"expires_at", "2026-02-08T13:24:00Z"}, {"store", "s3://claims"}, {"v", 1}};
}

inline Json go_ref(const std::string& key) {
  return Json{{"_type", "claim_check_ref"}, {"key", key}, {"size_bytes", 51200},
              {"compressed", true}, {"stored_at", "2026-01-09T13:24:00Z"}};
}

}  // namespace scanner_test
