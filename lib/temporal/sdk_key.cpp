#include "temporal/sdk_key.hpp"

#include <vector>

namespace claimcheck::temporal {
namespace {

std::vector<std::string_view> split(std::string_view key) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = key.find('/', start);
    parts.push_back(key.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view segment) {
  if (segment == "null") return std::string();
  std::string out;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out += segment[i];
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    const int high = hex_value(segment[i + 1]);
    const int low = hex_value(segment[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

/// "ns", "<value>", "wt", "<value>"... into the fields they name.
bool read_pairs(const std::vector<std::string_view>& parts, std::size_t begin, std::size_t end,
                SdkKey& key) {
  if ((end - begin) % 2 != 0) return false;
  for (std::size_t i = begin; i < end; i += 2) {
    auto value = percent_decode(parts[i + 1]);
    if (!value) return false;
    const std::string_view name = parts[i];
    if (name == "ns") key.namespace_name = std::move(*value);
    else if (name == "wt") key.workflow_type = std::move(*value);
    else if (name == "wi") key.workflow_id = std::move(*value);
    else if (name == "at") key.activity_type = std::move(*value);
    else if (name == "ai") key.activity_id = std::move(*value);
    else if (name == "ri") key.run_id = std::move(*value);
    else return false;
  }
  return true;
}

}  // namespace

std::optional<SdkKey> parse_sdk_key(std::string_view text) {
  if (!text.starts_with(kSdkKeyPrefix)) return std::nullopt;
  const auto parts = split(text);
  // v0 ... d <algorithm> <hash>
  if (parts.size() < 4 || parts[parts.size() - 3] != "d") return std::nullopt;
  SdkKey key;
  key.hash_algorithm = parts[parts.size() - 2];
  key.hash = parts.back();
  if (key.hash_algorithm.empty() || key.hash.empty()) return std::nullopt;
  if (!read_pairs(parts, 1, parts.size() - 3, key)) return std::nullopt;
  return key;
}

}  // namespace claimcheck::temporal
