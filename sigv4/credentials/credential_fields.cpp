#include "credential_fields.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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

bool digits(const std::string& text, std::size_t from, std::size_t count) {
  if (from + count > text.size()) return false;
  for (std::size_t i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

int number(const std::string& text, std::size_t from, std::size_t count) {
  return std::stoi(text.substr(from, count));
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
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 20 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) ||
      text[7] != '-' || !digits(text, 8, 2) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2) || text[13] != ':' || !digits(text, 14, 2) || text[16] != ':' ||
      !digits(text, 17, 2))
    return std::nullopt;
  const year_month_day date{year(number(text, 0, 4)), month(static_cast<unsigned>(number(text, 5, 2))),
                            day(static_cast<unsigned>(number(text, 8, 2)))};
  const int hour = number(text, 11, 2), minute = number(text, 14, 2), second = number(text, 17, 2);
  if (!date.ok() || int(date.year()) < 1970 || int(date.year()) > 2200 || hour > 23 ||
      minute > 59 || second > 60)
    return std::nullopt;
  std::size_t at = 19;
  nanoseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    std::size_t end = ++at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at) return std::nullopt;
    std::string nanos = text.substr(at, std::min<std::size_t>(end - at, 9));
    nanos.resize(9, '0');
    fraction = nanoseconds(std::stoll(nanos));
    at = end;
  }
  seconds offset{0};
  if (at == text.size() - 1 && (text[at] == 'Z' || text[at] == 'z')) {
    // UTC
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') &&
             digits(text, at + 1, 2) && text[at + 3] == ':' && digits(text, at + 4, 2)) {
    offset = hours(number(text, at + 1, 2)) + minutes(number(text, at + 4, 2));
    if (text[at] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const auto local = sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
  return time_point_cast<system_clock::duration>(local - offset + fraction);
}

std::string format_rfc3339(TimePoint time) {
  using namespace std::chrono;
  const auto whole = floor<seconds>(time);
  const auto day_start = floor<days>(whole);
  const year_month_day date{day_start};
  const hh_mm_ss clock{whole - day_start};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), long(clock.hours().count()),
                long(clock.minutes().count()), long(clock.seconds().count()));
  return text;
}

std::string session_name_or_default(const std::string& configured) {
  if (!configured.empty()) return configured;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return "claimcheck-" + std::to_string(now.count());
}

std::string read_token_file(const std::string& path, const std::string& what,
                            const std::string& provider) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw CredentialsError(CredentialsError::Cause::Configuration, provider,
                           "cannot read " + what + " " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string token = content.str();
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
