// Restoring Temporal payloads is the generic restore (manager/json_fields:
// spans, concurrency, splicing) taught the payload forms: a payload object
// that is a reference, the shorthand of an External Storage reference, and
// an ordinary proto JSON payload whose JSON data holds references.
#include "scanner/restore_fields.hpp"

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "manager/json_fields.hpp"
#include "scanner/scan_internal.hpp"
#include "temporal/payload_reference.hpp"

namespace claimcheck {
namespace {

using Json = nlohmann::ordered_json;

bool has_member(const std::vector<MemberSpan>& members, std::string_view name) {
  for (const auto& member : members)
    if (member.name == name) return true;
  return false;
}

class PayloadRestorer {
 public:
  PayloadRestorer(temporal::Resolver& resolver, int concurrency) : resolver_(resolver), concurrency_(concurrency) {}

  std::string restore(std::string_view text, std::size_t* restored) {
    return restore_fields_text(
        text, fetch_through(resolver_.manager()), concurrency_, restored,
        [this](std::string_view object, const std::vector<MemberSpan>& members) { return recognise(object, members); });
  }

 private:
  std::optional<OtherReference> recognise(std::string_view object, const std::vector<MemberSpan>& members) {
    if (has_member(members, "metadata")) return payload(Json::parse(object));
    if (has_member(members, temporal::kShorthandMessageTypeKey)) return shorthand(Json::parse(object));
    return std::nullopt;
  }

  /// The original payload, written in the form the reference was.
  OtherReference resolving(temporal::PayloadReference reference, temporal::PayloadForm form) {
    return {[this, reference = std::move(reference), form] {
              temporal::Resolution resolution = resolver_.resolve(reference);
              return dump_json_text(temporal::to_json(resolution.payload, form));
            },
            1};
  }

  std::optional<OtherReference> payload(const Json& value) {
    auto parsed = temporal::payload_from_json(value);
    if (!parsed) return std::nullopt;
    if (auto original = temporal::claimcheck_driver_payload(parsed->payload)) return unwrapped(*original, parsed->form);
    if (auto reference = temporal::payload_reference(parsed->payload)) {  // throws when malformed
      if (!parsed->problem.empty()) throw Error(ErrorKind::InvalidInput, "invalid reference", parsed->problem);
      return resolving(std::move(*reference), parsed->form);
    }
    // A decoded payload's data is JSON in place: the walk goes on into it.
    if (parsed->form != temporal::PayloadForm::ProtoJson) return std::nullopt;
    return encoded_data(parsed->payload);
  }

  /// Proto JSON data is base64: references in it are restored there, and
  /// the payload written again around the restored data.
  std::optional<OtherReference> encoded_data(const temporal::Payload& payload) {
    if (!payload.encoding().starts_with("json/") || !scan::may_hold_reference(payload.data) ||
        !is_json<Json>(payload.data))
      return std::nullopt;
    std::size_t restored = 0;
    temporal::Payload updated = payload;
    updated.data = restore(payload.data, &restored);
    if (restored == 0) return std::nullopt;
    return OtherReference{[text = temporal::to_proto_json(updated).dump()] { return text; }, restored};
  }

  /// serve's wrapper (a history the Web UI exports holds it): the payload it
  /// wraps, restored, in the wrapper's form. A document with references in
  /// it (the Go runner's state) has them restored.
  OtherReference unwrapped(temporal::Payload original, temporal::PayloadForm form) {
    if (auto reference = temporal::payload_reference(original)) return resolving(std::move(*reference), form);
    std::size_t restored = 0;
    if (scan::may_hold_reference(original.data) && is_json<Json>(original.data))
      original.data = restore(original.data, &restored);
    return OtherReference{[text = dump_json_text(temporal::to_json(original, form))] { return text; }, restored};
  }

  std::optional<OtherReference> shorthand(const Json& value) {
    auto payload = temporal::payload_from_shorthand_message(value);
    if (!payload) return std::nullopt;
    if (auto original = temporal::claimcheck_driver_payload(*payload))
      return unwrapped(*original, temporal::PayloadForm::Shorthand);
    if (!temporal::is_external_storage_reference(*payload)) return std::nullopt;
    return resolving(*temporal::payload_reference(*payload), temporal::PayloadForm::Shorthand);
  }

  temporal::Resolver& resolver_;
  int concurrency_;
};

}  // namespace

std::string restore_fields_text(std::string_view text, temporal::Resolver& resolver, int concurrency,
                                std::size_t* restored) {
  return PayloadRestorer(resolver, concurrency).restore(text, restored);
}

std::size_t restore_fields(nlohmann::ordered_json& document, temporal::Resolver& resolver, int concurrency) {
  std::size_t restored = 0;
  document = Json::parse(restore_fields_text(document.dump(), resolver, concurrency, &restored));
  return restored;
}

}  // namespace claimcheck
