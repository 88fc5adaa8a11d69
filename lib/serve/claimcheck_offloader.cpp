#include "serve/claimcheck_offloader.hpp"

#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "core/json_text.hpp"

namespace claimcheck::serve {

ClaimCheckOffloader::ClaimCheckOffloader(Manager& manager, OffloadOptions options)
    : manager_(manager), options_(std::move(options)) {}

bool ClaimCheckOffloader::wants(const Payload& payload) const {
  return options_.enabled && payload.data.size() >= options_.threshold;
}

namespace {

/// /decode answers a whole claimcheck reference with only an encoding:
/// json/plain when the restored bytes are JSON. A payload that carries
/// anything more (other metadata, or json/plain data that is not JSON)
/// goes in the marker, which keeps its metadata, so that /decode gives it
/// back as it was.
bool restores_as_plain_json(const Payload& payload) {
  return payload.metadata.size() == 1 && payload.encoding() == "json/plain" && is_json(payload.data);
}

}  // namespace

OffloadedPayload ClaimCheckOffloader::offload(const Payload& payload) {
  const Reference ref = manager_.offload(payload.data, options_);
  OffloadedPayload out;
  out.key = ref.key;
  if (restores_as_plain_json(payload)) {
    out.reference.metadata["encoding"] = "json/plain";
    out.reference.data = to_json(ref);
    return out;
  }
  // The runner's marker has no sha256; with it, /decode, retrieve and
  // inspect --verify check the object's content, not only its size.
  nlohmann::ordered_json marker{{"key", ref.key}, {"size", ref.size_bytes}, {"compressed", ref.compressed}};
  if (ref.sha256) marker["sha256"] = *ref.sha256;
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  for (const auto& [key, value] : payload.metadata) metadata[key] = base::base64_encode(value);
  marker["metadata"] = metadata;
  out.reference.metadata["encoding"] = "binary/claimcheck";
  out.reference.data = marker.dump();
  return out;
}

std::string ClaimCheckOffloader::remove_undelivered(const std::vector<std::string>& keys) {
  return manager_.remove_undelivered(keys);
}

}  // namespace claimcheck::serve
