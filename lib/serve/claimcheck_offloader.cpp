#include "serve/claimcheck_offloader.hpp"

#include <nlohmann/json.hpp>

#include "base/encoding.hpp"

namespace claimcheck::serve {

ClaimCheckOffloader::ClaimCheckOffloader(Manager& manager, OffloadOptions options)
    : manager_(manager), options_(std::move(options)) {}

bool ClaimCheckOffloader::wants(const Payload& payload) const {
  return options_.enabled && payload.data.size() >= options_.threshold;
}

Payload ClaimCheckOffloader::offload(const Payload& payload) {
  const Reference ref = manager_.offload(payload.data, options_);
  Payload out;
  if (payload.encoding() == "json/plain") {
    out.metadata["encoding"] = "json/plain";
    out.data = to_json(ref);
    return out;
  }
  nlohmann::ordered_json marker{{"key", ref.key}, {"size", ref.size_bytes}, {"compressed", ref.compressed}};
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  for (const auto& [key, value] : payload.metadata) metadata[key] = base::base64_encode(value);
  marker["metadata"] = metadata;
  out.metadata["encoding"] = "binary/claimcheck";
  out.data = marker.dump();
  return out;
}

}  // namespace claimcheck::serve
