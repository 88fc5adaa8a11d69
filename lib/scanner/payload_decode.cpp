// Temporal payloads as they appear in history exports: proto JSON (metadata
// values and data base64) or the CLI's decoded shorthand (plain strings).
#include <algorithm>

#include "base/encoding.hpp"
#include "scanner/scan_internal.hpp"

namespace claimcheck::scan {
namespace {

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7E; });
}

/// Metadata values are short names ("json/plain", "v2"): a value that decodes
/// to printable text was base64, anything else is already decoded.
std::string decode_metadata_value(const std::string& text) {
  auto decoded = base::base64_decode(text);
  if (decoded && !decoded->empty() && printable(*decoded)) return *decoded;
  return text;
}

bool only_payload_keys(const Json& value) {
  for (const auto& [key, _] : value.items())
    if (key != "metadata" && key != "data" && key != "externalPayloads") return false;
  return true;
}

}  // namespace

std::string Payload::encoding() const {
  auto it = metadata.find("encoding");
  return it == metadata.end() ? std::string() : it->second;
}

std::optional<Payload> decode_payload(const Json& value) {
  if (!value.is_object() || !only_payload_keys(value)) return std::nullopt;
  auto metadata = value.find("metadata");
  if (metadata == value.end() || !metadata->is_object()) return std::nullopt;
  auto data = value.find("data");
  if (data != value.end() && !data->is_string()) return std::nullopt;
  Payload payload;
  for (const auto& [key, text] : metadata->items()) {
    if (!text.is_string()) return std::nullopt;
    payload.metadata[key] = decode_metadata_value(text.get<std::string>());
  }
  if (!payload.metadata.count("encoding")) return std::nullopt;
  if (data != value.end()) {
    const auto& text = data->get_ref<const std::string&>();
    auto decoded = base::base64_decode(text);
    payload.data = decoded ? std::move(*decoded) : text;
  }
  return payload;
}

}  // namespace claimcheck::scan
