// Pieces of the scanner shared by its source files (not installed).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "scanner/scanner.hpp"
#include "temporal/payload.hpp"

namespace claimcheck::scan {

using Json = nlohmann::ordered_json;

/// A finding for payloads that ARE references (claimcheck references wrapped
/// in json/plain, TypeScript markers, Temporal External Storage, DataDog v2,
/// cookbook); nullopt for ordinary payloads.
std::optional<Finding> payload_finding(const temporal::JsonPayload& payload);

/// A finding for the CLI's shorthand of an External Storage reference (an
/// object with "_protoMessageType"); nullopt for any other message.
std::optional<Finding> shorthand_message_finding(const Json& object);

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

/// A member of a protobuf message in JSON by its JSON name ("eventId"), or
/// else by its proto name ("event_id"): protojson writes the latter when
/// asked to (Go's UseProtoNames, Python's preserving_proto_field_name).
const Json* proto_member(const Json& object, std::string_view json_name);

/// "last_completion_result" -> "lastCompletionResult"; a JSON name stays.
std::string json_name(std::string_view name);

/// "EVENT_TYPE_ACTIVITY_TASK_COMPLETED" -> "ActivityTaskCompleted"; the old
/// spelling is returned unchanged.
std::string canonical_event_type(std::string_view event_type);

/// The `...EventAttributes` (or `..._event_attributes`) object of an event, or null.
const Json* event_attributes(const Json& event);

/// Event id -> activity or workflow type name, from one pass over `events`.
using TypeNames = std::unordered_map<std::string, std::string>;
TypeNames collect_type_names(const Json& events);

/// Records one event's type name (for histories read one event per line).
void add_type_name(const Json& event, TypeNames& names);

/// An object with an eventType (event_type) and an `...EventAttributes` member.
bool is_event(const Json& value);

/// An id written as a number or a string, as a string ("" when absent).
std::string id_text(const Json& value);

/// The name an event's payloads belong to: activity or workflow type,
/// Nexus "service/operation", update, signal or marker name (linked events
/// inherit the name of the event they point to).
std::string event_type_name(const Json& attributes, const TypeNames& names);

}  // namespace claimcheck::scan
