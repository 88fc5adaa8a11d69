#include "serve/reference_resolver.hpp"

#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "manager/json_fields.hpp"
#include "serve/http_error.hpp"
#include "serve/payloads_json.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_wire.hpp"

namespace claimcheck::serve {
namespace {

using temporal::PayloadReferenceKind;

constexpr const char* kJsonPlain = "json/plain";

/// A cache entry answers only the reference that verified it: the whole of
/// what the store lookup and the checks depend on (key, size, compression,
/// digest), never the digest alone. Otherwise a reference with another key,
/// or a wrong size, would be answered from the cache with 200 where a cold
/// cache says 404 or 502.
std::string cache_key(const Reference& ref) {
  return "object:" + ref.key + "#" + std::to_string(ref.size_bytes) + (ref.compressed ? "z" : "") + "@" +
         ref.sha256.value_or("");
}

/// The same for an External Storage claim: its bucket, key, stored size and
/// digest.
std::string cache_key(const temporal::ExternalStorageReference& claim) {
  return "external:" + claim.bucket + "/" + claim.key + "#" +
         (claim.size_bytes ? std::to_string(*claim.size_bytes) : std::string()) + "@" + claim.hash_value;
}

[[noreturn]] void refuse(const std::string& why) {
  throw HttpError(403, "the reference names a store this server does not serve", why);
}

}  // namespace

ReferenceResolver::ReferenceResolver(temporal::Resolver& resolver, ObjectCache& cache, int nested_concurrency,
                                     std::uint64_t inline_limit)
    : resolver_(resolver), cache_(cache), nested_concurrency_(nested_concurrency), inline_limit_(inline_limit) {}

std::string ReferenceResolver::refusal(const Reference& ref) const {
  if (!ref.store) return {};
  const std::string configured = resolver_.manager().store().location();
  return *ref.store == configured ? std::string() : "reference store " + *ref.store + ", served " + configured;
}

std::optional<ReferenceInfo> ReferenceResolver::find(const Payload& payload) const {
  if (auto reference = temporal::payload_reference(payload)) {  // throws InvalidInput when malformed
    ReferenceInfo info;
    if (reference->kind == PayloadReferenceKind::ExternalStorage) {
      const auto& external = *reference->external;
      info.native = true;
      info.key = external.key;
      info.sha256 = external.hash_value;
      info.restored_size = external.size_bytes.value_or(0);
      if (!resolver_.buckets().allows(external.bucket))
        info.refused = "bucket " + external.bucket + " is not configured";
      return info;
    }
    const Reference& ref = *reference->reference;
    info.restored_size = ref.size_bytes;
    info.key = ref.key;
    info.sha256 = ref.sha256.value_or("");
    info.refused = refusal(ref);
    return info;
  }
  if (payload.encoding() != kJsonPlain || payload.data.find("claim_check_ref") == std::string::npos)
    return std::nullopt;
  // Not JSON after all: nothing to restore. A malformed reference inside
  // throws (400), as a malformed whole reference does: passing the document
  // through would leave its good references unrestored without a word.
  const std::optional<NestedReferences> nested = references_in_text(payload.data);
  if (!nested || nested->references.empty()) return std::nullopt;
  ReferenceInfo info;
  info.restored_size = nested->restored_size;
  for (const auto& ref : nested->references)
    if (info.refused.empty()) info.refused = refusal(ref);
  if (nested->references.size() == 1) info.key = nested->references.front().key;
  return info;
}

Payload ReferenceResolver::resolve(const Payload& payload) { return resolve_outgoing(payload).decoded(); }

OutgoingPayload ReferenceResolver::resolve_outgoing(const Payload& payload) {
  OutgoingPayload out;
  auto reference = temporal::payload_reference(payload);
  if (!reference) {  // a document with references inside
    out.payload.metadata = payload.metadata;
    out.payload.data = restore_fields_text(
        payload.data, [this](const Reference& ref) { return fetch(ref)->original(); }, nested_concurrency_);
    return out;
  }
  if (reference->kind == PayloadReferenceKind::ExternalStorage) return {fetch_external(*reference), nullptr};
  auto object = fetch(*reference->reference);
  out.payload.metadata = temporal::restored_metadata(*reference, object->is_json);
  out.data_base64 = std::shared_ptr<const std::string>(object, &object->bytes);  // the cache's text, shared
  return out;
}

ObjectCache::Bytes ReferenceResolver::fetch(const Reference& ref) {
  if (auto why = refusal(ref); !why.empty()) refuse(why);
  // Keyed under this resolver's store too: with namespaces served from
  // stores of their own, one cache holds objects of several stores, and a
  // Go or TypeScript key in one store says nothing of another's.
  const std::string key = resolver_.manager().store().location() + " " + cache_key(ref);
  if (auto cached = cache_.find(key)) return cached;
  temporal::PayloadReference reference;
  reference.kind = PayloadReferenceKind::ClaimCheck;
  reference.reference = ref;
  auto object = std::make_shared<VerifiedObject>();
  const std::string original = resolver_.resolve(reference).payload.data;
  object->is_json = temporal::is_plain_json(original);
  base::base64_append(object->bytes, original);
  object->base64 = true;
  cache_.insert(key, object);
  return object;
}

Payload ReferenceResolver::fetch_external(const temporal::PayloadReference& reference) {
  const auto& external = *reference.external;
  if (!resolver_.buckets().allows(external.bucket)) refuse("bucket " + external.bucket + " is not configured");
  // The cache holds the verified object as stored (the serialised Payload).
  const std::string key =
      external.hash_value.empty() ? "" : resolver_.manager().store().location() + " " + cache_key(external);
  ObjectCache::Bytes cached = key.empty() ? nullptr : cache_.find(key);
  if (!cached) {
    auto object = std::make_shared<VerifiedObject>();
    object->bytes = resolver_.fetch_object(external, inline_limit_).bytes;
    cached = object;
    if (!key.empty()) cache_.insert(key, object);
  }
  try {
    return temporal::undo_external_codecs(external, temporal::decode_external_object(external, cached->bytes),
                                          inline_limit_);
  } catch (const temporal::InflatesBeyond& e) {
    throw too_large_for_a_response("the inflated binary/zlib payload", e.limit());
  }
}

}  // namespace claimcheck::serve
