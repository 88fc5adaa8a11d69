// temporal.api.common.v1.Payloads in the JSON the Web UI and the `temporal`
// CLI send: protojson (camelCase, int64 as strings) from the UI, Go's
// encoding/json (snake_case, int64 as numbers) from the CLI. Both base64
// alphabets, padded or not, are accepted; unknown fields are ignored.
// Output is protojson: camelCase, standard padded base64, and only the
// fields a Payload has (the CLI's protojson.Unmarshal rejects others).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "serve/outgoing_payload.hpp"
#include "serve/response_body.hpp"
#include "temporal/payload.hpp"

namespace claimcheck::serve {

using temporal::Payload;

/// Parses a request body. Throws Error(InvalidInput) naming the place
/// ("payloads[3].metadata.encoding: not base64").
std::vector<Payload> parse_payloads(std::string_view body);

/// The response body: {"payloads":[...]}; shared base64 text stays shared.
ResponseBody write_payloads(const std::vector<OutgoingPayload>& payloads);
/// The same as one string.
std::string write_payloads(const std::vector<Payload>& payloads);

}  // namespace claimcheck::serve
