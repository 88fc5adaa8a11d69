// Reading and writing a payload's JSON forms. The rules follow Temporal's own
// marshaller (api-go's payload shorthand) where it has one; the decoded form is
// what some tools export and is read leniently.
#include "temporal/payload.hpp"

#include <algorithm>

#include "core/json_text.hpp"
#include "base/encoding.hpp"

namespace claimcheck::temporal {
namespace {

constexpr std::string_view kJsonPlain = "json/plain";
constexpr std::string_view kJsonProtobuf = "json/protobuf";
constexpr std::string_view kBinaryNull = "binary/null";

bool printable(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

bool only_payload_members(const Json& value) {
  return std::all_of(value.items().begin(), value.items().end(), [](const auto& item) {
    const std::string& key = item.key();
    return key == "metadata" || key == "data" || key == "externalPayloads" ||
           key == "external_payloads";
  });
}

const Json* member(const Json& object, std::string_view name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

/// int64 as protojson writes it (a decimal string) or as Go's encoding/json
/// writes it (a number); negative or fractional sizes are refused.
std::optional<std::uint64_t> size_value(const Json& value) {
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return value.get<std::uint64_t>();
  }
  if (value.is_number_integer()) {
    if (value.get<std::int64_t>() < 0) return std::nullopt;
    return value.get<std::uint64_t>();
  }
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::uint64_t size = std::stoull(text);
  if (size > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return size;
}

/// Reads externalPayloads into `out`; returns why not ("" when fine).
std::string read_external_payloads(const Json& object, std::vector<std::uint64_t>& out) {
  const Json* list = member(object, "externalPayloads");
  if (!list) list = member(object, "external_payloads");
  if (!list || list->is_null()) return {};
  if (!list->is_array()) return "externalPayloads is not an array";
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& details = (*list)[i];
    if (!details.is_object()) return "externalPayloads[" + std::to_string(i) + "] is not an object";
    const Json* size = member(details, "sizeBytes");
    if (!size) size = member(details, "size_bytes");
    if (!size) {
      out.push_back(0);  // proto3: an absent int64 is 0
      continue;
    }
    auto bytes = size_value(*size);
    if (!bytes) {
      out.clear();
      return "externalPayloads[" + std::to_string(i) + "].sizeBytes is not a non-negative integer: " +
             size->dump().substr(0, 64);
    }
    out.push_back(*bytes);
  }
  return {};
}

struct Shape {
  const Json* metadata = nullptr;
  const Json* data = nullptr;  // null when absent
};

std::optional<Shape> payload_shape(const Json& value) {
  if (!value.is_object() || !only_payload_members(value)) return std::nullopt;
  Shape shape{member(value, "metadata"), member(value, "data")};
  if (!shape.metadata || !shape.metadata->is_object()) return std::nullopt;
  const Json* encoding = member(*shape.metadata, kEncodingKey);
  if (!encoding || !encoding->is_string()) return std::nullopt;
  for (const auto& [_, text] : shape.metadata->items())
    if (!text.is_string()) return std::nullopt;
  return shape;
}

/// Proto JSON when every metadata value and the data are base64.
std::optional<Payload> read_proto_json(const Shape& shape) {
  Payload payload;
  for (const auto& [key, text] : shape.metadata->items()) {
    auto bytes = decode_base64_lenient(text.get_ref<const std::string&>());
    if (!bytes) return std::nullopt;
    payload.metadata[key] = std::move(*bytes);
  }
  if (shape.data && !shape.data->is_null()) {
    if (!shape.data->is_string()) return std::nullopt;
    auto bytes = decode_base64_lenient(shape.data->get_ref<const std::string&>());
    if (!bytes) return std::nullopt;
    payload.data = std::move(*bytes);
  }
  return payload;
}

Payload read_decoded(const Shape& shape) {
  Payload payload;
  for (const auto& [key, text] : shape.metadata->items()) payload.metadata[key] = text.get<std::string>();
  if (!shape.data || shape.data->is_null()) return payload;
  if (shape.data->is_string()) {
    const auto& text = shape.data->get_ref<const std::string&>();
    auto bytes = base::base64_decode(text);  // strict: a plain word must stay a word
    payload.data = bytes ? std::move(*bytes) : text;
  } else {
    payload.data = shape.data->dump();
  }
  return payload;
}

JsonPayload with_external(Payload payload, PayloadForm form, const Json& value) {
  JsonPayload result{std::move(payload), form, {}};
  result.problem = read_external_payloads(value, result.payload.external_sizes);
  return result;
}

bool is_json_encoding(std::string_view encoding) { return encoding.starts_with("json/"); }

}  // namespace

std::string Payload::meta(std::string_view name) const {
  auto it = metadata.find(std::string(name));
  return it == metadata.end() ? std::string() : it->second;
}

std::optional<std::string> decode_base64_lenient(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  while (standard.size() % 4 != 0) standard += '=';
  return base::base64_decode(standard);
}

std::optional<JsonPayload> payload_from_proto_json(const Json& value) {
  auto shape = payload_shape(value);
  if (!shape) return std::nullopt;
  auto payload = read_proto_json(*shape);
  if (!payload) return std::nullopt;
  return with_external(std::move(*payload), PayloadForm::ProtoJson, value);
}

namespace {

/// Proto JSON whose metadata decodes but whose data is not base64: kept with
/// its data as written and the problem named, so that a reference payload
/// with corrupt data is reported invalid rather than read as another form.
std::optional<JsonPayload> proto_json_with_bad_data(const Shape& shape, const Json& value) {
  if (!shape.data || !shape.data->is_string()) return std::nullopt;
  auto payload = read_proto_json(Shape{shape.metadata, nullptr});
  if (!payload) return std::nullopt;
  payload->data = shape.data->get<std::string>();
  JsonPayload result = with_external(std::move(*payload), PayloadForm::ProtoJson, value);
  result.problem = "\"data\" is not base64";
  return result;
}

}  // namespace

std::optional<JsonPayload> payload_from_json(const Json& value) {
  auto shape = payload_shape(value);
  if (!shape) return std::nullopt;
  // A base64 encoding name decodes to printable text; a plain one
  // ("json/plain", "binary/claimcheck") is not valid base64 of such.
  auto encoding = decode_base64_lenient(member(*shape->metadata, kEncodingKey)->get_ref<const std::string&>());
  if (encoding && printable(*encoding)) {
    if (auto payload = read_proto_json(*shape))
      return with_external(std::move(*payload), PayloadForm::ProtoJson, value);
    if (auto payload = proto_json_with_bad_data(*shape, value)) return payload;
  }
  return with_external(read_decoded(*shape), PayloadForm::Decoded, value);
}

std::optional<Payload> payload_from_shorthand_message(const Json& value) {
  if (!value.is_object()) return std::nullopt;
  const Json* type = member(value, kShorthandMessageTypeKey);
  if (!type || !type->is_string()) return std::nullopt;
  Json message = value;
  message.erase(std::string(kShorthandMessageTypeKey));
  Payload payload;
  payload.metadata[std::string(kEncodingKey)] = std::string(kJsonProtobuf);
  payload.metadata[std::string(kMessageTypeKey)] = type->get<std::string>();
  payload.data = dump_json_text(message);
  return payload;
}

Json to_proto_json(const Payload& payload) {
  Json metadata = Json::object();
  for (const auto& [key, value] : payload.metadata) metadata[key] = base::base64_encode(value);
  Json out = {{"metadata", std::move(metadata)}, {"data", base::base64_encode(payload.data)}};
  if (!payload.external_sizes.empty()) {
    Json details = Json::array();
    for (std::uint64_t size : payload.external_sizes) details.push_back({{"sizeBytes", std::to_string(size)}});
    out["externalPayloads"] = std::move(details);
  }
  return out;
}

std::optional<Json> to_shorthand(const Payload& payload) {
  if (!payload.external_sizes.empty()) return std::nullopt;
  const std::string encoding = payload.encoding();
  if (encoding == kBinaryNull && payload.metadata.size() == 1) return Json(nullptr);
  if (encoding == kJsonPlain && payload.metadata.size() == 1) {
    Json value = parse_json_or_discarded<Json>(payload.data);
    if (!value.is_discarded()) return value;
  }
  const std::string type = payload.meta(kMessageTypeKey);
  if (encoding == kJsonProtobuf && !type.empty() && payload.metadata.size() == 2) {
    Json value = parse_json_or_discarded<Json>(payload.data);
    if (value.is_object()) {
      value[std::string(kShorthandMessageTypeKey)] = type;
      return value;
    }
  }
  return std::nullopt;
}

Json to_json(const Payload& payload, PayloadForm form) {
  if (form == PayloadForm::Decoded) {
    Json metadata = Json::object();
    for (const auto& [key, value] : payload.metadata) metadata[key] = value;
    Json data = is_json_encoding(payload.encoding()) ? parse_json_or_discarded<Json>(payload.data)
                                                     : Json(Json::value_t::discarded);
    Json out = {{"metadata", std::move(metadata)},
                {"data", data.is_discarded() ? Json(base::base64_encode(payload.data)) : std::move(data)}};
    return out;
  }
  if (form == PayloadForm::Shorthand) {
    if (auto value = to_shorthand(payload)) return std::move(*value);
  }
  return to_proto_json(payload);
}

}  // namespace claimcheck::temporal
