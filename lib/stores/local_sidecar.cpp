#include "stores/local_sidecar.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"

namespace claimcheck {

std::string sidecar_json(const ObjectMeta& meta, std::uint64_t stored_size) {
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["stored_size"] = stored_size;
  if (meta.original_size) j["original_size"] = *meta.original_size;
  if (meta.sha256) j["sha256"] = *meta.sha256;
  if (meta.compressed) j["compressed"] = *meta.compressed;
  if (meta.expires_at) j["expires_at"] = format_rfc3339(*meta.expires_at);
  if (!meta.content_type.empty()) j["content_type"] = meta.content_type;
  return dump_json_text(j) + "\n";
}

std::optional<Sidecar> parse_sidecar(const std::string& text) {
  const nlohmann::json j = parse_json_or_discarded(text);
  if (!j.is_object() || j.value("v", 0) != 1) return std::nullopt;
  try {
    Sidecar sidecar;
    sidecar.stored_size = j.at("stored_size").get<std::uint64_t>();
    ObjectMeta& meta = sidecar.meta;
    if (j.contains("original_size")) meta.original_size = j["original_size"].get<std::uint64_t>();
    if (j.contains("sha256")) meta.sha256 = j["sha256"].get<std::string>();
    if (j.contains("compressed")) meta.compressed = j["compressed"].get<bool>();
    if (j.contains("expires_at")) meta.expires_at = parse_rfc3339(j["expires_at"].get<std::string>());
    if (j.contains("content_type")) meta.content_type = j["content_type"].get<std::string>();
    return sidecar;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // a malformed expires_at
  }
}

}  // namespace claimcheck
