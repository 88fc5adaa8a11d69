// Restoring Temporal payloads is the generic restore (manager/json_fields:
// spans, concurrency, splicing) taught the payload forms: a payload object
// that is a reference, the shorthand of an External Storage reference, and
// an ordinary proto JSON payload whose JSON data holds references.
#include "scanner/restore_fields.hpp"

#include <atomic>
#include <future>
#include <map>
#include <mutex>

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

/// An array with an External Storage reference in the CLI's shorthand among
/// its elements: a payload list the CLI wrote as an array of bare values.
bool is_shorthand_reference_list(std::string_view array) {
  for (const JsonSpan& element : array_elements(array, 0)) {
    if (array[element.begin] != '{') continue;
    for (const auto& member : object_members(array, element.begin))
      if (member.name == temporal::kShorthandMessageTypeKey &&
          Json::parse(array.substr(member.value.begin, member.value.end - member.value.begin)) ==
              temporal::kExternalStorageReferenceType)
        return true;
  }
  return false;
}

/// Set, inside such a list, when a payload restored there has no bare form.
using NeedsPayloadList = std::atomic<bool>;

class PayloadRestorer {
 public:
  PayloadRestorer(temporal::Resolver& resolver, int concurrency) : resolver_(resolver), concurrency_(concurrency) {}

  /// `in_list`: the text is one shorthand payload list (see shorthand_list).
  std::string restore(std::string_view text, std::size_t* restored, NeedsPayloadList* in_list = nullptr) {
    return restore_fields_text(
        text, fetch_through(resolver_.manager()), concurrency_, restored,
        [this, in_list](const WalkedValue& value) { return recognise(value, in_list); });
  }

 private:
  /// What the value is, and what makes another value restore alike: the
  /// same payload (whitespace aside), or the same list, byte for byte (its
  /// other bytes are kept).
  std::optional<OtherReference> recognise(const WalkedValue& value, NeedsPayloadList* in_list) {
    std::optional<OtherReference> other = recognise_value(value, in_list);
    if (other) other->identity = value.members ? "payload " + compact_text(value.text) : "list " + std::string(value.text);
    return other;
  }

  std::optional<OtherReference> recognise_value(const WalkedValue& value, NeedsPayloadList* in_list) {
    if (value.members == nullptr) {
      // A payload list is a field's value (input, result, details...): an
      // array inside an array, or a document that is an array, is a value,
      // as are arrays inside a list. A "payloads" array is the list form
      // that holds any payload already.
      if (in_list || value.member_name.empty() || value.member_name == "payloads" ||
          !is_shorthand_reference_list(value.text))
        return std::nullopt;
      return shorthand_list(value.text);
    }
    if (has_member(*value.members, "metadata")) return payload(Json::parse(value.text), value.text);
    if (has_member(*value.members, temporal::kShorthandMessageTypeKey))
      return shorthand(Json::parse(value.text), in_list);
    return std::nullopt;
  }

  static OtherReference computed(std::function<RestoredValue()> replacement,
                                 std::optional<std::string> nested_at = std::nullopt) {
    OtherReference other;
    other.replacement = std::move(replacement);
    other.nested_at = std::move(nested_at);
    return other;
  }

  /// The original payload, written in the form the reference was; in a
  /// shorthand list, one without a bare form says so.
  OtherReference resolving(temporal::PayloadReference reference, temporal::PayloadForm form,
                           NeedsPayloadList* in_list = nullptr) {
    return computed([this, reference = std::move(reference), form, in_list] {
      return written(resolved(reference), form, in_list, 1);
    });
  }

  /// The original payload behind a reference, fetched once however many
  /// places, lists and forms name it: a later asker waits for the first.
  temporal::Payload resolved(const temporal::PayloadReference& reference) {
    std::promise<temporal::Payload> fetching;
    std::shared_future<temporal::Payload> result;
    bool first = false;
    {
      std::lock_guard lock(resolved_mutex_);
      auto [at, inserted] = resolved_.try_emplace(fetch_identity(reference));
      if (inserted) at->second = fetching.get_future().share();
      result = at->second;
      first = inserted;
    }
    if (first) {
      try {
        fetching.set_value(resolver_.resolve(reference).payload);
      } catch (...) {
        fetching.set_exception(std::current_exception());
      }
    }
    return result.get();
  }

  /// What resolving depends on: the claim, or the reference and the
  /// metadata its original is written with.
  static std::string fetch_identity(const temporal::PayloadReference& reference) {
    if (reference.external) return temporal::fetch_identity(*reference.external);
    std::string id = std::to_string(static_cast<int>(reference.kind)) + "\n" + to_json(*reference.reference) +
                     (reference.metadata_in_marker ? "\nmarker" : "\n");
    for (const auto& [name, value] : reference.original_metadata)
      id += "\n" + std::to_string(name.size()) + ":" + name + std::to_string(value.size()) + ":" + value;
    return id;
  }

  static RestoredValue written(const temporal::Payload& payload, temporal::PayloadForm form,
                               NeedsPayloadList* in_list, std::size_t references) {
    if (in_list && !temporal::to_shorthand(payload)) *in_list = true;
    return {dump_json_text(temporal::to_json(payload, form)), references};
  }

  std::optional<OtherReference> payload(const Json& value, std::string_view text) {
    auto parsed = temporal::payload_from_json(value);
    if (!parsed) return std::nullopt;
    if (auto original = temporal::claimcheck_driver_payload(parsed->payload))
      return unwrapped(std::move(*original), parsed->form);
    if (auto reference = temporal::payload_reference(parsed->payload)) {  // throws when malformed
      if (!parsed->problem.empty()) throw Error(ErrorKind::InvalidInput, "invalid reference", parsed->problem);
      return resolving(std::move(*reference), parsed->form);
    }
    // A decoded payload's data is JSON in place: the walk goes on into it.
    if (parsed->form != temporal::PayloadForm::ProtoJson) return std::nullopt;
    return encoded_data(parsed->payload, text);
  }

  /// Proto JSON data is base64: references in it are restored there, and
  /// the payload written again around the restored data (`text`, the
  /// payload as it was, when there are none).
  std::optional<OtherReference> encoded_data(const temporal::Payload& payload, std::string_view text) {
    if (!payload.encoding().starts_with("json/") || !scan::may_hold_reference(payload.data) ||
        !is_json<Json>(payload.data))
      return std::nullopt;
    return computed(
        [this, payload, text = std::string(text)] {
          RestoredValue value{{}, 0};
          temporal::Payload updated = payload;
          updated.data = restore(payload.data, &value.references);
          value.text = value.references == 0 ? text : temporal::to_proto_json(updated).dump();
          return value;
        },
        "/data");
  }

  /// serve's wrapper (a history the Web UI exports holds it): the payload it
  /// wraps, restored, in the wrapper's form. A document with references in
  /// it (the Go runner's state) has them restored.
  OtherReference unwrapped(temporal::Payload original, temporal::PayloadForm form, NeedsPayloadList* in_list = nullptr) {
    if (auto reference = temporal::payload_reference(original)) return resolving(std::move(*reference), form, in_list);
    return computed([this, original = std::move(original), form, in_list]() mutable {
      std::size_t restored = 0;
      if (scan::may_hold_reference(original.data) && is_json<Json>(original.data))
        original.data = restore(original.data, &restored);
      return written(original, form, in_list, restored);
    });
  }

  std::optional<OtherReference> shorthand(const Json& value, NeedsPayloadList* in_list) {
    auto payload = temporal::payload_from_shorthand_message(value);
    if (!payload) return std::nullopt;
    if (auto original = temporal::claimcheck_driver_payload(*payload))
      return unwrapped(std::move(*original), temporal::PayloadForm::Shorthand, in_list);
    if (!temporal::is_external_storage_reference(*payload)) return std::nullopt;
    return resolving(*temporal::payload_reference(*payload), temporal::PayloadForm::Shorthand, in_list);
  }

  /// A payload list the CLI wrote as an array of bare values (design note
  /// reference-formats, section 4), restored in place. When a payload
  /// restored in it has no bare form, the CLI would have written the list
  /// as {"payloads":[...]} with that one in proto JSON: so is it written.
  OtherReference shorthand_list(std::string_view array) {
    return computed(
        [this, array = std::string(array)] {
          NeedsPayloadList needs_payload_list{false};
          RestoredValue list;
          list.text = restore(array, &list.references, &needs_payload_list);
          if (needs_payload_list) list.text = "{\"payloads\":" + list.text + "}";
          return list;
        },
        "");
  }

  temporal::Resolver& resolver_;
  int concurrency_;
  std::mutex resolved_mutex_;
  std::map<std::string, std::shared_future<temporal::Payload>> resolved_;
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
