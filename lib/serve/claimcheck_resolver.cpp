#include "serve/claimcheck_resolver.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "manager/json_fields.hpp"
#include "manager/staged_output.hpp"
#include "serve/http_error.hpp"
#include "serve/payloads_json.hpp"

namespace claimcheck::serve {
namespace {

using Json = nlohmann::json;

constexpr const char* kJsonPlain = "json/plain";
constexpr const char* kBinaryPlain = "binary/plain";
constexpr const char* kTypeScriptEncoding = "binary/claimcheck";

/// Objects up to this size are spooled in memory while they are verified.
constexpr std::size_t kSpoolInMemory = 64u << 20;

bool mentions_reference(const Payload& payload) {
  return payload.data.find("claim_check_ref") != std::string::npos;
}

/// The reference when the whole JSON value of `data` is one.
std::optional<Reference> whole_reference(const std::string& data) {
  const Json value = Json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  auto type = value.find("_type");
  if (type == value.end() || *type != "claim_check_ref") return std::nullopt;
  return reference_from_json(value);  // throws InvalidInput when malformed
}

Reference typescript_reference(const Payload& payload, Json* marker_out = nullptr) {
  Json marker = Json::parse(payload.data, nullptr, /*allow_exceptions=*/false);
  std::optional<Reference> ref;
  if (marker.is_object()) ref = reference_from_json(marker);
  if (!ref) throw Error(ErrorKind::InvalidInput, "binary/claimcheck payload", "data is not a reference");
  if (marker_out != nullptr) *marker_out = std::move(marker);
  return *ref;
}

ReferenceInfo info_of(const Reference& ref) {
  return {ref.size_bytes, ref.key, ref.sha256.value_or("")};
}

std::string cache_key(const Reference& ref) {
  if (ref.sha256) return "sha256:" + *ref.sha256;
  // Go and TypeScript references carry no digest: their objects are keyed
  // by a fresh UUID each, so key and size identify the verified bytes.
  return "object:" + ref.key + "#" + std::to_string(ref.size_bytes) + (ref.compressed ? "z" : "");
}

std::string plain_encoding(const VerifiedObject& object) {
  return object.is_json ? kJsonPlain : kBinaryPlain;
}

}  // namespace

ClaimCheckResolver::ClaimCheckResolver(Manager& manager, ObjectCache& cache, int nested_concurrency)
    : manager_(manager), cache_(cache), nested_concurrency_(nested_concurrency) {}

std::optional<ReferenceInfo> ClaimCheckResolver::find(const Payload& payload) const {
  const std::string encoding = payload.encoding();
  if (encoding == kTypeScriptEncoding) return info_of(typescript_reference(payload));
  if (encoding != kJsonPlain || !mentions_reference(payload)) return std::nullopt;
  if (auto ref = whole_reference(payload.data)) return info_of(*ref);
  std::vector<Reference> nested;
  try {
    nested = references_in_text(payload.data);
  } catch (const Error&) {
    return std::nullopt;  // not JSON after all: nothing to restore
  }
  if (nested.empty()) return std::nullopt;
  ReferenceInfo info;
  info.restored_size = payload.data.size();
  for (const auto& ref : nested) info.restored_size += ref.size_bytes;
  if (nested.size() == 1) info.key = nested.front().key;
  return info;
}

Payload ClaimCheckResolver::resolve(const Payload& payload) {
  Payload out;
  if (payload.encoding() == kTypeScriptEncoding) {
    Json marker;
    auto object = fetch(typescript_reference(payload, &marker));
    auto metadata = marker.find("metadata");
    if (metadata != marker.end() && metadata->is_object()) {
      for (const auto& [key, value] : metadata->items())
        if (value.is_string())
          out.metadata[key] = decode_base64_lenient(value.get<std::string>(), "binary/claimcheck metadata." + key);
    }
    if (!out.metadata.count("encoding")) out.metadata["encoding"] = plain_encoding(*object);
    out.data = object->bytes;
    return out;
  }
  if (auto ref = whole_reference(payload.data)) {
    auto object = fetch(*ref);
    out.metadata["encoding"] = plain_encoding(*object);
    out.data = object->bytes;
    return out;
  }
  out.metadata = payload.metadata;
  out.data = restore_fields_text(
      payload.data, [this](const Reference& ref) { return fetch(ref)->bytes; }, nested_concurrency_);
  return out;
}

ObjectCache::Bytes ClaimCheckResolver::fetch(const Reference& ref) {
  const std::string key = cache_key(ref);
  if (auto cached = cache_.find(key)) return cached;
  if (ref.store && *ref.store != manager_.store().location())
    throw HttpError(403, "the reference names a store this server does not serve",
                    "reference store " + *ref.store);
  StringSink sink;
  auto staged = stage_to_stream(sink, kSpoolInMemory);
  manager_.retrieve(ref, *staged);
  auto object = std::make_shared<VerifiedObject>();
  object->bytes = sink.take();
  object->is_json = Json::accept(object->bytes);
  cache_.insert(key, object);
  return object;
}

}  // namespace claimcheck::serve
