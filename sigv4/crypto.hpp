// The MACs and digests only SigV4 and S3 need, over OpenSSL EVP: HMAC-SHA256
// for the signing key and signature, MD5 for Content-MD5, SHA-1 for the SSO
// cache's file names. (SHA-256, hex and base64 are base/.) Private to sigv4/ (and its tests).
#pragma once

#include <string>
#include <string_view>

namespace sigv4 {

/// Lower-case hex SHA-1 of `data`: only where a format demands it (the
/// AWS SSO token cache names its files so), never for security.
std::string sha1_hex(std::string_view data);

/// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Base64 of the raw MD5 of `data` (the Content-MD5 header value).
std::string md5_base64(std::string_view data);

}  // namespace sigv4
