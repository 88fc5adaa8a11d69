// What the providers share: reading credentials out of a JSON document,
// RFC 3339 expiration times, and the default role session name. Private to
// sigv4/.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "base/time.hpp"
#include "sigv4/credentials.hpp"

namespace sigv4 {

/// The names one provider's JSON uses for each field.
struct CredentialFieldNames {
  const char* access_key_id = "AccessKeyId";
  const char* secret_access_key = "SecretAccessKey";
  const char* session_token = "Token";
  const char* expiration = "Expiration";  // RFC 3339
};

/// Credentials from `document`; throws CredentialsError(Provider) naming
/// `provider` when a key or the secret is missing or a field has the wrong
/// type. The message names fields, never their values.
TimedCredentials credentials_from_json(const nlohmann::json& document,
                                       const CredentialFieldNames& names,
                                       const std::string& provider);

/// Parses `text` as JSON without ever putting its content into a message:
/// nullopt when it is not JSON.
std::optional<nlohmann::json> parse_json_quietly(const std::string& text);

/// "2026-12-01T23:54:51Z", "...51.793282635Z", "...51+02:00" (base::parse_rfc3339),
/// from 1970 on; nullopt otherwise.
std::optional<TimePoint> parse_rfc3339(const std::string& text);
/// "2026-12-01T23:54:51Z".
using base::format_rfc3339;

/// "claimcheck-<unix seconds>" when `configured` is empty.
std::string session_name_or_default(const std::string& configured);

/// Reads a small file (a token); throws CredentialsError(Configuration)
/// naming `what` when it cannot. Trailing whitespace is dropped.
std::string read_token_file(const std::string& path, const std::string& what,
                            const std::string& provider);

/// Throws CredentialsError(Configuration) when `value` (a token going into a
/// header) holds a line break or NUL, which would inject headers.
void check_header_value(const std::string& value, const std::string& what,
                        const std::string& provider);

}  // namespace sigv4
