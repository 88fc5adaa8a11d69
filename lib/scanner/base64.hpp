// Base64 (RFC 4648, standard alphabet, padded), as Temporal's JSON encoding
// of payload bytes uses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace claimcheck {

std::string base64_encode(std::string_view bytes);

/// nullopt unless `text` is strictly valid padded base64 (so a plain word
/// that happens to use the alphabet but has the wrong length is rejected).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace claimcheck
