// Hex and base64 (RFC 4648, standard alphabet, padded). Base64 goes through
// OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock; the decoder first checks the
// text strictly, because OpenSSL alone would accept what callers must refuse.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace base {

/// Lower-case hex of arbitrary bytes, two characters per byte.
std::string hex_encode(std::string_view bytes);

/// 0-9, a-f or A-F.
bool is_hex_digit(char c);

/// Padded base64 of arbitrary bytes.
std::string base64_encode(std::string_view bytes);

/// The same, written at the end of `out` (no temporary copy of a large text).
void base64_append(std::string& out, std::string_view bytes);

/// The bytes, or nullopt unless `text` is strictly valid padded base64: a
/// multiple of 4 characters, only the alphabet, '=' only as the last one or
/// two (so a plain word that happens to use the alphabet but has the wrong
/// length is refused, as is any whitespace).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace base
