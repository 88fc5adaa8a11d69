// What a Temporal history event tells about the payloads inside it: its id,
// its type in one spelling, and the activity / workflow type they belong to.
#include <cctype>

#include "scanner/scan_internal.hpp"

namespace claimcheck::scan {
namespace {

constexpr std::string_view kNewPrefix = "EVENT_TYPE_";

/// "eventId" -> "event_id": the proto field name of a JSON name.
std::string proto_name(std::string_view json_name) {
  std::string name;
  for (char c : json_name) {
    if (c >= 'A' && c <= 'Z') {
      name += '_';
      c = static_cast<char>(c - 'A' + 'a');
    }
    name += c;
  }
  return name;
}


std::string nested_name(const Json& attributes, std::string_view type_field) {
  const Json* type = proto_member(attributes, type_field);
  const Json* name = type ? proto_member(*type, "name") : nullptr;
  return name && name->is_string() ? name->get<std::string>() : std::string();
}

std::string string_member(const Json& object, std::string_view name) {
  const Json* value = proto_member(object, name);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

/// A Nexus operation ("service/operation") or an update's name.
std::string operation_name(const Json& attributes) {
  std::string operation = string_member(attributes, "operation");
  if (!operation.empty()) {
    const std::string service = string_member(attributes, "service");
    return service.empty() ? operation : service + "/" + operation;
  }
  for (auto request : {"acceptedRequest", "request"}) {
    const Json* found = proto_member(attributes, request);
    const Json* input = found ? proto_member(*found, "input") : nullptr;
    if (input) return string_member(*input, "name");
  }
  return {};
}

/// The name the payloads of an event that others link to belong to.
std::string own_type_name(const Json& attributes) {
  for (auto field : {"activityType", "workflowType"}) {
    std::string name = nested_name(attributes, field);
    if (!name.empty()) return name;
  }
  return operation_name(attributes);
}

}  // namespace

const Json* proto_member(const Json& object, std::string_view json_name) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(json_name); it != object.end()) return &*it;
  if (auto it = object.find(proto_name(json_name)); it != object.end()) return &*it;
  return nullptr;
}

std::string json_name(std::string_view name) {
  std::string camel;
  bool upper = false;
  for (char c : name) {
    if (c == '_' && !camel.empty()) {
      upper = true;
      continue;
    }
    camel += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return camel;
}

std::string canonical_event_type(std::string_view event_type) {
  if (event_type.substr(0, kNewPrefix.size()) != kNewPrefix) return std::string(event_type);
  std::string camel;
  bool word_start = true;
  for (char c : event_type.substr(kNewPrefix.size())) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    camel += static_cast<char>(word_start ? std::toupper(byte) : std::tolower(byte));
    word_start = false;
  }
  return camel;
}

std::string id_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  return {};
}

const Json* event_attributes(const Json& event) {
  if (!event.is_object()) return nullptr;
  for (const auto& [key, value] : event.items())
    if (key.size() > 11 && (key.ends_with("Attributes") || key.ends_with("_attributes")) && value.is_object())
      return &value;
  return nullptr;
}

void add_type_name(const Json& event, TypeNames& names) {
  const Json* attributes = event_attributes(event);
  const Json* id = proto_member(event, "eventId");
  if (!attributes || !id) return;
  std::string name = own_type_name(*attributes);
  if (!name.empty()) names.emplace(id_text(*id), std::move(name));
}

TypeNames collect_type_names(const Json& events) {
  TypeNames names;
  for (const Json& event : events) add_type_name(event, names);
  return names;
}

bool is_event(const Json& value) {
  return proto_member(value, "eventType") != nullptr && event_attributes(value) != nullptr;
}

std::string event_type_name(const Json& attributes, const TypeNames& names) {
  std::string own = own_type_name(attributes);
  if (!own.empty()) return own;
  for (auto link : {"scheduledEventId", "initiatedEventId", "startedEventId", "acceptedEventId"}) {
    const Json* id = proto_member(attributes, link);
    if (!id) continue;
    auto it = names.find(id_text(*id));
    if (it != names.end()) return it->second;
  }
  for (auto field : {"signalName", "markerName"}) {
    std::string name = string_member(attributes, field);
    if (!name.empty()) return name;
  }
  return {};
}

}  // namespace claimcheck::scan
