// Keeps credentials out of traces and messages. Private to sigv4/.
#pragma once

#include <string>
#include <string_view>

namespace sigv4 {

/// Replaces the values of Signature=, X-Amz-Signature=, X-Amz-Security-Token=,
/// X-Amz-Credential= (query form) and of Authorization: / X-Amz-Security-Token:
/// (header form) with "<redacted>". Names are matched case-insensitively.
std::string redact_secrets(std::string_view text);

}  // namespace sigv4
