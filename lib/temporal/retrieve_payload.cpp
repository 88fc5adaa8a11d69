#include "temporal/retrieve_payload.hpp"

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_reference.hpp"
#include "temporal/resolver.hpp"

namespace claimcheck::temporal {
namespace {

/// A whole payload, or the shorthand of a json/protobuf one.
std::optional<PayloadReference> reference_in(std::string_view input) {
  const Json value = parse_json_or_discarded<Json>(input);
  if (!value.is_object()) return std::nullopt;
  if (auto parsed = payload_from_json(value)) {
    auto reference = payload_reference(parsed->payload);
    if (reference && !parsed->problem.empty())
      throw Error(ErrorKind::InvalidInput, "invalid reference", parsed->problem);
    return reference;
  }
  auto shorthand = payload_from_shorthand_message(value);
  if (shorthand && is_external_storage_reference(*shorthand)) return payload_reference(*shorthand);
  return std::nullopt;
}

/// A TypeScript payload whose original encoding says it is not the value
/// itself (a marker without metadata predates the field: its data is written).
void check_typescript_encoding(const PayloadReference& reference, bool raw) {
  auto encoding = reference.original_metadata.find(std::string(kEncodingKey));
  if (raw || encoding == reference.original_metadata.end() || encoding->second == kTypeScriptEncoding) return;
  Payload original{reference.original_metadata, {}, {}};
  plain_data(original, "retrieve " + reference.reference->key);
}

RetrieveOutcome write_external(Resolver& resolver, const PayloadReference& reference, StagedOutput& out,
                               const RetrievePayloadOptions& options) {
  const ExternalStorageReference& external = *reference.external;
  Resolution resolution = resolver.resolve(reference);
  const std::string what = "retrieve s3://" + external.bucket + "/" + external.key;
  std::string decoded;
  const std::string* bytes = &resolution.stored;
  if (!options.raw) {
    Payload payload = undo_external_codecs(external, std::move(resolution.payload));
    decoded = plain_data(payload, what);
    bytes = &decoded;
  }
  out.write(bytes->data(), bytes->size());
  if (options.progress) options.progress(bytes->size());
  out.commit();
  RetrieveOutcome outcome;
  outcome.was_reference = true;
  outcome.sha256_verified = resolution.sha256_verified;
  outcome.bytes = bytes->size();
  outcome.reference.key = external.key;
  outcome.reference.size_bytes = bytes->size();
  return outcome;
}

}  // namespace

std::optional<RetrieveOutcome> retrieve_payload_input(Resolver& resolver, std::string_view input,
                                                      StagedOutput& out, const RetrievePayloadOptions& options) {
  auto reference = reference_in(input);
  if (!reference) return std::nullopt;
  try {
    if (reference->kind == PayloadReferenceKind::ExternalStorage)
      return write_external(resolver, *reference, out, options);
    if (reference->kind == PayloadReferenceKind::TypeScript) check_typescript_encoding(*reference, options.raw);
    return resolver.manager().retrieve(*reference->reference, out, options.progress);
  } catch (...) {
    out.abort();
    throw;
  }
}

ReferenceHook payload_reference_hook(Resolver& resolver, RetrievePayloadOptions options) {
  return [&resolver, options = std::move(options)](std::string_view input, StagedOutput& out) {
    return retrieve_payload_input(resolver, input, out, options);
  };
}

}  // namespace claimcheck::temporal
