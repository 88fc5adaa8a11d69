#include "credential_fields.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include "base/io.hpp"
#include "base/time.hpp"

namespace sigv4 {
namespace {

[[noreturn]] void bad_answer(const std::string& provider, const std::string& why) {
  throw CredentialsError(CredentialsError::Cause::Provider, provider, why);
}

std::string string_field(const nlohmann::json& document, const char* name,
                         const std::string& provider, bool required) {
  const auto found = document.find(name);
  if (found == document.end() || found->is_null()) {
    if (required) bad_answer(provider, std::string("the answer has no ") + name);
    return {};
  }
  if (!found->is_string()) bad_answer(provider, std::string("the answer's ") + name + " is not a string");
  return found->get<std::string>();
}

}  // namespace

TimedCredentials credentials_from_json(const nlohmann::json& document,
                                       const CredentialFieldNames& names,
                                       const std::string& provider) {
  if (!document.is_object()) bad_answer(provider, "the answer is not a JSON object");
  TimedCredentials timed;
  timed.credentials.access_key_id = string_field(document, names.access_key_id, provider, true);
  timed.credentials.secret_access_key =
      string_field(document, names.secret_access_key, provider, true);
  timed.credentials.session_token = string_field(document, names.session_token, provider, false);
  if (timed.credentials.access_key_id.empty() || timed.credentials.secret_access_key.empty())
    bad_answer(provider, std::string("the answer's ") + names.access_key_id + " or " +
                             names.secret_access_key + " is empty");
  const std::string expiration = string_field(document, names.expiration, provider, false);
  if (!expiration.empty()) {
    timed.expiration = parse_rfc3339(expiration);
    if (!timed.expiration)
      bad_answer(provider, std::string("the answer's ") + names.expiration + " '" + expiration +
                               "' is not an RFC 3339 time");
  }
  return timed;
}

std::optional<nlohmann::json> parse_json_quietly(const std::string& text) {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  return document;
}

std::optional<TimePoint> parse_rfc3339(const std::string& text) {
  try {
    const TimePoint time = base::parse_rfc3339(text);
    if (time >= TimePoint{}) return time;  // an expiration before 1970 is no real one
  } catch (const base::InvalidTimestamp&) {
  }
  return std::nullopt;
}

std::string session_name_or_default(const std::string& configured) {
  if (!configured.empty()) return configured;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return "claimcheck-" + std::to_string(now.count());
}

std::string read_token_file(const std::string& path, const std::string& what,
                            const std::string& provider) {
  auto content = base::read_small_file(path, base::kSmallFileLimit);
  if (!content)
    throw CredentialsError(CredentialsError::Cause::Configuration, provider,
                           errno == EFBIG ? what + " " + path + " is larger than " + std::to_string(base::kSmallFileLimit) + " bytes"
                                          : "cannot read " + what + " " + path + ": " + std::strerror(errno));
  std::string token = std::move(*content);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty())
    throw CredentialsError(CredentialsError::Cause::Configuration, provider, what + " " + path + " is empty");
  return token;
}

void check_header_value(const std::string& value, const std::string& what,
                        const std::string& provider) {
  if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos)
    throw CredentialsError(CredentialsError::Cause::Configuration, provider,
                           what + " holds a line break");
}

}  // namespace sigv4
