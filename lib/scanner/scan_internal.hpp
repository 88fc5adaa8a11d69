// Pieces of the scanner shared by its source files (not installed).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "scanner/scanner.hpp"

namespace claimcheck::scan {

using Json = nlohmann::ordered_json;

/// A Temporal payload with its metadata and data as bytes, whether the input
/// carried them base64-encoded (proto JSON) or already decoded (shorthand).
struct Payload {
  std::map<std::string, std::string> metadata;
  std::string data;
  std::string encoding() const;
};

/// nullopt unless `value` has the shape {"metadata":{"encoding":..},"data":".."}.
std::optional<Payload> decode_payload(const Json& value);

/// A finding for payloads that ARE references (TypeScript, Temporal external
/// storage, DataDog v2, cookbook); nullopt for ordinary payloads.
std::optional<Finding> payload_reference(const Payload& payload);

/// A finding for an AWS extended-client pointer array; nullopt otherwise.
std::optional<Finding> aws_pointer(const Json& value);

/// A bare TypeScript reference {"key","size","compressed"} (accepted only as a
/// whole input: inside documents that shape is too common to trust).
std::optional<Finding> typescript_reference(const Json& value);

/// True when the object says `"_type": "claim_check_ref"`.
bool claims_to_be_reference(const Json& object);

/// The finding for such an object (with `error` set when it is malformed).
Finding claim_check_finding(const Json& object);

/// True when decoded text might hold a reference, so it is worth parsing.
bool may_hold_reference(std::string_view text);

/// "EVENT_TYPE_ACTIVITY_TASK_COMPLETED" -> "ActivityTaskCompleted"; the old
/// spelling is returned unchanged.
std::string canonical_event_type(std::string_view event_type);

/// The `...EventAttributes` object of an event, or null.
const Json* event_attributes(const Json& event);

/// Event id -> activity or workflow type name, from one pass over `events`.
using TypeNames = std::unordered_map<std::string, std::string>;
TypeNames collect_type_names(const Json& events);

/// Records one event's type name (for histories read one event per line).
void add_type_name(const Json& event, TypeNames& names);

/// An object with an eventType and an `...EventAttributes` member.
bool is_event(const Json& value);

/// An id written as a number or a string, as a string ("" when absent).
std::string id_text(const Json& value);

/// The type (or signal / marker) name an event's payloads belong to.
std::string event_type_name(const Json& attributes, const TypeNames& names);

}  // namespace claimcheck::scan
