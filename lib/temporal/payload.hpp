// The Temporal payload (temporal.api.common.v1.Payload) and the three ways a
// JSON document writes one (design/reference-formats.md section 4):
//  - proto JSON: {"metadata":{"encoding":"<base64>"},"data":"<base64>",
//    "externalPayloads":[{"sizeBytes":"43"}]} (what protojson, `temporal
//    workflow show --output json` and codec-server clients send);
//  - decoded: metadata values as plain strings, data as the JSON value;
//  - the CLI's bare shorthand: a json/plain payload is its JSON value, a
//    json/protobuf one is the message's JSON object plus "_protoMessageType".
// Used by the scanner (finding references), --json-fields (restoring them in
// place, in the form they were written) and `serve` (the codec-server bodies).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace claimcheck::temporal {

using Json = nlohmann::ordered_json;

constexpr std::string_view kEncodingKey = "encoding";
constexpr std::string_view kMessageTypeKey = "messageType";
/// The member the CLI's shorthand adds to a json/protobuf message's object.
constexpr std::string_view kShorthandMessageTypeKey = "_protoMessageType";

struct Payload {
  /// map<string, bytes>: the values are bytes (usually short names).
  std::map<std::string, std::string> metadata;
  std::string data;
  /// externalPayloads[].sizeBytes (field 3): on a reference payload, the size
  /// of the stored payload it stands for. Empty on ordinary payloads.
  std::vector<std::uint64_t> external_sizes;

  /// metadata[name] as text, "" when absent.
  std::string meta(std::string_view name) const;
  std::string encoding() const { return meta(kEncodingKey); }
  bool operator==(const Payload&) const = default;
};

enum class PayloadForm { ProtoJson, Decoded, Shorthand };

struct JsonPayload {
  Payload payload;
  PayloadForm form = PayloadForm::ProtoJson;
  /// Why externalPayloads could not be read ("" when it could, or is
  /// absent); external_sizes is then empty. A reference payload with a
  /// problem is invalid; an ordinary one can still be passed through.
  std::string problem;
};

/// An object with a "metadata" object holding "encoding", an optional "data"
/// and optional "externalPayloads" (or "external_payloads"; "sizeBytes" or
/// "size_bytes" as a string or a number), and nothing else. Proto JSON when
/// the encoding is base64 of printable text (then every metadata value and
/// the data must be base64, standard or URL-safe, padding optional); decoded
/// otherwise (then data that is not a string is taken as its compact JSON,
/// and a string is base64 when it decodes, else its own bytes). nullopt for
/// any other value.
std::optional<JsonPayload> payload_from_json(const Json& value);

/// Strict proto JSON only (a codec server's request): nullopt unless every
/// metadata value and the data are base64; `problem` as above.
std::optional<JsonPayload> payload_from_proto_json(const Json& value);

/// The shorthand of a json/protobuf payload: an object whose
/// "_protoMessageType" is a string. Gives encoding json/protobuf, that
/// messageType, and the object without the member as compact JSON data.
std::optional<Payload> payload_from_shorthand_message(const Json& value);

/// Proto JSON as protojson writes it: standard padded base64, and
/// "externalPayloads":[{"sizeBytes":"N"}] only when there are sizes.
Json to_proto_json(const Payload& payload);

/// The payload in the CLI's bare shorthand: json/plain with no other
/// metadata: the value; json/protobuf with only messageType: the object plus
/// "_protoMessageType"; binary/null: null. nullopt for every other payload,
/// which the CLI writes in proto JSON (and a list holding one as
/// {"payloads":[...]}, not as an array of values).
std::optional<Json> to_shorthand(const Payload& payload);

/// The payload written in `form`, so that a restored reference keeps the form
/// of the document around it. Decoded: data as its JSON value when the
/// encoding is json/* and the data parses, else base64. Shorthand: as
/// to_shorthand, proto JSON when it gives nullopt, as the CLI writes it.
Json to_json(const Payload& payload, PayloadForm form);

/// Base64 as protojson reads it: standard or URL-safe alphabet, padded or not.
std::optional<std::string> decode_base64_lenient(std::string_view text);

}  // namespace claimcheck::temporal
