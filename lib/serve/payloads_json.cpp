#include "serve/payloads_json.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "manager/json_spans.hpp"
#include "base/encoding.hpp"

namespace claimcheck::serve {
namespace {

using Json = nlohmann::json;

/// A Payloads document nests five levels; unknown fields may add some, but
/// nothing legitimate comes near this, and a hostile nesting is refused
/// before the parser sees it.
constexpr std::size_t kMaxNesting = 64;

[[noreturn]] void invalid(const std::string& where, const std::string& why) {
  throw Error(ErrorKind::InvalidInput, where, why);
}

/// The member under either spelling (protojson camelCase or Go's snake_case).
const Json* member(const Json& object, const char* camel, const char* snake) {
  auto it = object.find(camel);
  if (it == object.end()) it = object.find(snake);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::uint64_t parse_int64(const Json& value, const std::string& where) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!text.empty() && text.size() <= 19 &&
        text.find_first_not_of("0123456789") == std::string::npos)
      return std::stoull(text);
  }
  invalid(where, "not a non-negative int64 (a number or a decimal string)");
}

std::string bytes_field(const Json& value, const std::string& where) {
  if (!value.is_string()) invalid(where, "not a base64 string");
  auto bytes = temporal::decode_base64_lenient(value.get_ref<const std::string&>());
  if (!bytes) invalid(where, "not base64");
  return std::move(*bytes);
}

std::vector<std::uint64_t> parse_external(const Json& value, const std::string& where) {
  if (!value.is_array()) invalid(where, "not an array");
  std::vector<std::uint64_t> sizes;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!value[i].is_object()) invalid(at, "not an object");
    const Json* size = member(value[i], "sizeBytes", "size_bytes");
    sizes.push_back(size ? parse_int64(*size, at + ".sizeBytes") : 0);
  }
  return sizes;
}

Payload parse_payload(const Json& value, const std::string& where) {
  if (!value.is_object()) invalid(where, "not an object");
  Payload payload;
  if (const Json* metadata = member(value, "metadata", "metadata")) {
    if (!metadata->is_object()) invalid(where + ".metadata", "not an object");
    for (const auto& [key, text] : metadata->items())
      payload.metadata[key] = bytes_field(text, where + ".metadata." + key);
  }
  if (const Json* data = member(value, "data", "data")) payload.data = bytes_field(*data, where + ".data");
  if (const Json* external = member(value, "externalPayloads", "external_payloads"))
    payload.external_sizes = parse_external(*external, where + ".externalPayloads");
  return payload;
}

void append_string(std::string& out, const std::string& text) {
  out += dump_json_text(Json(text));
}

/// Appends one payload to `text`; data already in base64 and shared is put
/// into `body` as its own piece, after the text before it.
void append_payload(ResponseBody& body, std::string& text, const Payload& payload,
                    const std::shared_ptr<const std::string>& data_base64) {
  text += "{\"metadata\":{";
  bool first = true;
  for (const auto& [key, value] : payload.metadata) {
    if (!first) text += ',';
    first = false;
    append_string(text, key);
    text += ":\"";
    base::base64_append(text, value);
    text += '"';
  }
  text += "},\"data\":\"";
  if (data_base64 != nullptr) {
    body.append(std::move(text));
    text.clear();
    body.append_shared(data_base64);
  } else {
    base::base64_append(text, payload.data);
  }
  text += '"';
  if (!payload.external_sizes.empty()) {
    text += ",\"externalPayloads\":[";
    for (std::size_t i = 0; i < payload.external_sizes.size(); ++i) {
      if (i > 0) text += ',';
      text += "{\"sizeBytes\":\"" + std::to_string(payload.external_sizes[i]) + "\"}";
    }
    text += ']';
  }
  text += '}';
}

}  // namespace

std::vector<Payload> parse_payloads(std::string_view body) {
  if (nesting_depth(body) > kMaxNesting)
    invalid("request body", "JSON nests deeper than " + std::to_string(kMaxNesting) + " levels");
  Json document;
  try {
    document = parse_json<Json>(body);
  } catch (const Json::out_of_range&) {  // 1e400: JSON, but no double holds it
    invalid("request body", "a number in it is out of range");
  } catch (const Json::exception&) {
    invalid("request body", "not JSON");
  }
  if (!document.is_object()) invalid("request body", "not a JSON object with \"payloads\"");
  std::vector<Payload> payloads;
  const Json* list = member(document, "payloads", "payloads");
  if (list == nullptr) return payloads;
  if (!list->is_array()) invalid("payloads", "not an array");
  payloads.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i)
    payloads.push_back(parse_payload((*list)[i], "payloads[" + std::to_string(i) + "]"));
  return payloads;
}

ResponseBody write_payloads(const std::vector<OutgoingPayload>& payloads) {
  // The text between shared pieces: reserved for what it will hold, so a
  // large inline payload is not copied as the string grows.
  std::size_t estimate = 16;
  auto encoded = [](std::size_t n) { return (n + 2) / 3 * 4; };
  for (const auto& [payload, data_base64] : payloads) {
    estimate += (data_base64 ? 0 : encoded(payload.data.size())) + 64 + 32 * payload.external_sizes.size();
    for (const auto& [key, value] : payload.metadata) estimate += 2 * key.size() + encoded(value.size()) + 8;
  }
  ResponseBody body;
  std::string text;
  text.reserve(estimate);
  text += "{\"payloads\":[";
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    if (i > 0) text += ',';
    append_payload(body, text, payloads[i].payload, payloads[i].data_base64);
  }
  text += "]}";
  body.append(std::move(text));
  return body;
}

std::string write_payloads(const std::vector<Payload>& payloads) {
  std::vector<OutgoingPayload> outgoing;
  outgoing.reserve(payloads.size());
  for (const auto& payload : payloads) outgoing.push_back({payload, nullptr});
  return write_payloads(outgoing).str();
}

}  // namespace claimcheck::serve
