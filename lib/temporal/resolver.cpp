#include "temporal/resolver.hpp"

#include <fmt/format.h>

#include "codec/digest.hpp"
#include "core/error.hpp"
#include "manager/staged_output.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_wire.hpp"

namespace claimcheck::temporal {
namespace {

/// Collects an object in memory, refusing to grow past `limit`.
class BoundedSink : public ByteSink {
 public:
  BoundedSink(std::string what, std::uint64_t limit) : what_(std::move(what)), limit_(limit) {}
  void write(const char* data, std::size_t size) override {
    if (bytes_.size() + size > limit_)
      throw Error(ErrorKind::Integrity, what_, fmt::format("the stored object is larger than {} bytes", limit_));
    bytes_.append(data, size);
    sha256_.update(data, size);
  }
  std::string take() { return std::move(bytes_); }
  std::string hex_digest() { return sha256_.hex_digest(); }

 private:
  std::string what_;
  std::uint64_t limit_;
  std::string bytes_;
  Sha256 sha256_;
};

}  // namespace

Resolver::Resolver(Manager& manager, BucketStores& buckets) : manager_(manager), buckets_(buckets) {}

std::optional<Payload> Resolver::resolve(const Payload& payload) {
  auto reference = payload_reference(payload);
  if (!reference) return std::nullopt;
  return resolve(*reference).payload;
}

Resolution Resolver::resolve(const PayloadReference& reference) {
  if (reference.kind == PayloadReferenceKind::ExternalStorage) return resolve_external(*reference.external);
  return resolve_claimcheck(reference);
}

Resolution Resolver::resolve_claimcheck(const PayloadReference& reference) {
  const Reference& ref = *reference.reference;
  if (ref.size_bytes > kMaxPayloadBytes)
    throw Error(ErrorKind::InvalidInput, "retrieve " + ref.key,
                fmt::format("a payload of {} bytes does not fit in a Temporal payload", ref.size_bytes));
  StringSink data;
  auto staged = stage_to_stream(data, static_cast<std::size_t>(ref.size_bytes) + 1);
  RetrieveOutcome outcome = manager_.retrieve(ref, *staged);
  Resolution resolution;
  resolution.payload.data = data.take();
  resolution.payload.metadata = restored_metadata(reference, is_plain_json(resolution.payload.data));
  resolution.sha256_verified = outcome.sha256_verified;
  return resolution;
}

namespace {

std::string location_of(const ExternalStorageReference& reference) {
  return "retrieve s3://" + reference.bucket + "/" + reference.key;
}

}  // namespace

StoredObject fetch_external_object(BucketStores& buckets, const ExternalStorageReference& reference,
                                   std::uint64_t max_bytes) {
  Store& store = buckets.store_for(reference.bucket);
  const std::string what = location_of(reference);
  max_bytes = std::min(max_bytes, kMaxPayloadBytes);
  BoundedSink sink(what, reference.size_bytes ? std::min(*reference.size_bytes, max_bytes) : max_bytes);
  store.get(reference.key, sink);
  StoredObject object;
  const std::string digest = sink.hex_digest();
  object.bytes = sink.take();
  if (reference.size_bytes && object.bytes.size() != *reference.size_bytes)
    throw Error(ErrorKind::Integrity, what,
                fmt::format("the stored object is {} bytes, externalPayloads.sizeBytes says {}",
                            object.bytes.size(), *reference.size_bytes));
  if (!reference.hash_value.empty()) {
    if (digest != reference.hash_value)
      throw Error(ErrorKind::Integrity, what,
                  fmt::format("sha256 of the stored object is {}, {} says {}", digest,
                              reference.hash_from_key ? "its key" : "the reference", reference.hash_value));
    object.sha256_verified = true;
  }
  return object;
}

Payload decode_external_object(const ExternalStorageReference& reference, std::string_view bytes) {
  try {
    return decode_payload_wire(bytes);
  } catch (const Error& e) {
    throw Error(e.kind(), location_of(reference), "the stored object is " + e.why());
  }
}

Payload undo_external_codecs(const ExternalStorageReference& reference, Payload payload, std::uint64_t max_bytes) {
  try {
    return undo_known_codecs(std::move(payload), max_bytes);
  } catch (const InflatesBeyond&) {
    throw;
  } catch (const Error& e) {
    throw Error(e.kind(), location_of(reference), e.what_failed() + ": " + e.why());
  }
}

Resolution Resolver::resolve_external(const ExternalStorageReference& reference) {
  StoredObject object = fetch_external_object(buckets_, reference);
  Resolution resolution;
  resolution.payload = decode_external_object(reference, object.bytes);
  resolution.stored = std::move(object.bytes);
  resolution.sha256_verified = object.sha256_verified;
  return resolution;
}

}  // namespace claimcheck::temporal
