// Parsers for the settings' value syntaxes: only the value that wins is
// parsed (a flag can override a broken variable), except the config file,
// which is checked whole.
#include "config/setting_values.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "base/text.hpp"
#include "base/time.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "reference/keys.hpp"
#include "reference/store_location.hpp"

namespace claimcheck {
namespace {

[[noreturn]] void bad_value(const std::string& label, const std::string& value,
                            const std::string& expected) {
  throw Error(ErrorKind::Usage, label, fmt::format("'{}' is not {}", value, expected));
}

/// A URL setting as a message may show it: what may be a user and password
/// (up to its last '@', from its "://" or, when it has none, from its start)
/// is "<redacted>", also in a value that is no URL at all ("u:pw@host").
std::string shown_url(const std::string& text) {
  const auto user_end = text.rfind('@');
  if (user_end == std::string::npos) return text;
  const auto separator = text.find("://");
  const auto user_start = separator == std::string::npos || separator > user_end ? 0 : separator + 3;
  return text.substr(0, user_start) + "<redacted>" + text.substr(user_end);
}

}  // namespace

std::optional<std::string> env_value(const Getenv& env, const std::string& name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;  // VAR= counts as unset
  return value;
}

/// Every spelling Go's strconv.ParseBool takes (the Go runner reads its
/// CLAIMCHECK_* booleans so), and yes/no, on/off.
bool parse_bool(const std::string& text, const std::string& label) {
  const std::string v = base::to_lower(text);
  if (v == "true" || v == "t" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "f" || v == "0" || v == "no" || v == "off") return false;
  bad_value(label, text, "a boolean (true or false, t or f, 1 or 0, yes or no, on or off)");
}

/// A bare number is days (the Go runner's CLAIMCHECK_TTL_DAYS). Zero is
/// refused: the next gc would delete what was just stored.
std::chrono::seconds parse_ttl(const std::string& text, const std::string& label) {
  std::chrono::seconds ttl{};
  // "+30" as Go's strconv.Atoi reads the Go runner's CLAIMCHECK_TTL_DAYS.
  const std::string days = text.size() > 1 && text[0] == '+' ? text.substr(1) : text;
  if (!days.empty() && days.find_first_not_of("0123456789") == std::string::npos) {
    if (days.size() > 9) bad_value(label, text, "a number of days this tool can handle");
    ttl = std::chrono::hours(24) * std::stoll(days);
  } else {
    ttl = parse_duration(text, label);
  }
  if (ttl <= std::chrono::seconds::zero())
    bad_value(label, text, "a TTL above zero (gc would delete the object at once)");
  // Refused here, where its origin is known, rather than by the first offload.
  const auto room = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max() - std::chrono::system_clock::now());
  if (ttl >= room)
    throw Error(ErrorKind::Usage, label, fmt::format("'{}' puts the expiry beyond {}", text, base::kClockRange));
  return ttl;
}

CompressPolicy parse_compress(const std::string& text, const std::string& label, bool allow_bool) {
  if (text == "auto") return CompressPolicy::Auto;
  if (text == "always") return CompressPolicy::Always;
  if (text == "never") return CompressPolicy::Never;
  if (!allow_bool) bad_value(label, text, "one of auto, always, never");
  try {
    return parse_bool(text, label) ? CompressPolicy::Auto : CompressPolicy::Never;
  } catch (const Error&) {
    bad_value(label, text, "one of auto, always, never, or a boolean (true or false, t or f, 1 or 0, yes or no, on or off)");
  }
}

std::chrono::milliseconds parse_timeout_seconds(const std::string& text, const std::string& label) {
  const bool number = !text.empty() && text.size() <= 8 && text.find_first_not_of("0123456789.") == std::string::npos &&
                      text.find('.') == text.rfind('.') && text.front() != '.' && text.back() != '.';
  const double seconds = number ? std::stod(text) : 0;
  if (seconds <= 0 || seconds > 60) bad_value(label, text, "a number of seconds above 0 and at most 60");
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::chrono::seconds parse_timeout(const std::string& text, const std::string& label) {
  const std::chrono::seconds timeout = parse_duration(text, label);
  if (timeout <= std::chrono::seconds::zero()) bad_value(label, text, "a duration above zero");
  return timeout;
}

std::chrono::seconds parse_deadline(const std::string& text, const std::string& label) {
  if (text == "none") return std::chrono::seconds::zero();
  return parse_timeout(text, label);
}

int parse_attempts(const std::string& text, const std::string& label) {
  const bool digits = !text.empty() && text.size() <= 2 && text.find_first_not_of("0123456789") == std::string::npos;
  const int attempts = digits ? std::stoi(text) : 0;
  if (attempts < 1 || attempts > 10) bad_value(label, text, "a number of attempts from 1 to 10");
  return attempts;
}

std::string parse_url(const std::string& text, const std::string& label) {
  const bool scheme = text.starts_with("http://") || text.starts_with("https://");
  if (!scheme || text.find_first_of(" \t\r\n") != std::string::npos)
    bad_value(label, shown_url(text), "an http:// or https:// URL");
  return text;
}

int parse_level(const std::string& text, const std::string& label) {
  if (text.size() != 1 || text[0] < '1' || text[0] > '9') bad_value(label, text, "a level from 1 to 9");
  return text[0] - '0';
}

int parse_int_in(const std::string& text, const std::string& label, std::pair<int, int> range) {
  // A bare number may carry a leading '+' (README), as Go's strconv reads it.
  const std::string_view digits = std::string_view(text).substr(text.starts_with('+') ? 1 : 0);
  int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || digits.front() == '-' || error != std::errc() || end != digits.data() + digits.size() ||
      value < range.first || value > range.second) {
    bad_value(label, text, "an integer from " + std::to_string(range.first) + " to " + std::to_string(range.second));
  }
  return value;
}

/// No path, query or user part: credentials never travel in the URL.
std::string parse_endpoint(const std::string& text, const std::string& label) {
  const auto separator = text.find("://");
  const std::string scheme = text.substr(0, separator);
  if (separator == std::string::npos || (scheme != "http" && scheme != "https")) {
    bad_value(label, shown_url(text), "an http:// or https:// URL");
  }
  std::string endpoint = text;
  while (endpoint.size() > separator + 3 && endpoint.back() == '/') endpoint.pop_back();
  const std::string host = endpoint.substr(separator + 3);
  const bool open_ipv6 = host.starts_with('[') && host.find(']') == std::string::npos;
  if (host.empty() || open_ipv6 || host.find_first_of("/?#@ ") != std::string::npos) {
    bad_value(label, shown_url(text), "an endpoint of the form https://host[:port] (no path, query or user)");
  }
  // the port, after the last ':' that is not inside an IPv6 literal "[...]"
  const auto colon = host.rfind(':');
  if (colon != std::string::npos && (host.find(']') == std::string::npos || colon > host.rfind(']'))) {
    const std::string port = host.substr(colon + 1);
    const bool digits = !port.empty() && port.size() <= 5 &&
                        port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(port) == 0 || std::stoul(port) > 65535)
      bad_value(label, text, "an endpoint whose port is a number from 1 to 65535");
  }
  return endpoint;
}

/// Regions are signed into every request: letters, digits and '-' only
/// ("us-east-1", R2's "auto").
std::string parse_region(const std::string& text, const std::string& label) {
  if (text.empty() || text.size() > 64 ||
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
          std::string::npos)
    bad_value(label, text, "a region name (letters, digits and '-', e.g. us-east-1 or auto)");
  return text;
}

/// Keys are <prefix><date>/<uuid>. A prefix no key can have is the
/// setting's error (exit 2), for gc and stats as for offload, not a key
/// refused after the command has started.
std::string normalise_prefix(std::string prefix, const std::string& label) {
  if (prefix.starts_with("/")) bad_value(label, prefix, "a key prefix (it must not start with '/')");
  std::string normalised = prefix;
  if (!normalised.empty() && !normalised.ends_with("/")) normalised += '/';
  try {
    validate_key_prefix(normalised);
  } catch (const Error& error) {
    bad_value(label, prefix, fmt::format("a key prefix (its keys would be refused: {})", error.why()));
  }
  return normalised;
}

/// "name:" first, as RFC 3986 writes a scheme (a letter, then letters,
/// digits, '+', '-' or '.').
bool starts_with_url_scheme(const std::string& text) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || !letter(text[0])) return false;
  return std::all_of(text.begin() + 1, text.begin() + static_cast<std::ptrdiff_t>(colon), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  });
}

StoreSpec parse_store(const std::string& text, const std::string& label, const Getenv& env,
                      const std::string& base_dir) {
  const std::string forms = "(s3://bucket/prefix, file:///dir or a directory)";
  if (text.empty()) bad_value(label, text, "a store " + forms);
  // "s3:/bucket", "file:dir" or "gs:bucket" taken as a relative directory
  // would put the data under the cwd, where no one looks: a value that
  // begins with a URL scheme is a URL, and "./s3:x" names such a directory.
  // RFC 8089's one-slash "file:/dir" is refused too, pointing to the form
  // references carry.
  const std::string lower = base::to_lower(text);
  if (starts_with_url_scheme(text) && !text.starts_with("s3://") && !text.starts_with("file://")) {
    const bool one_slash_file = lower.starts_with("file:/") && !lower.starts_with("file://");
    bad_value(label, text,
              "a supported store " +
                  (one_slash_file ? "(a file URL takes three slashes: file://" + text.substr(5) + ")" : forms));
  }
  StoreSpec spec;
  if (text.starts_with("s3://")) {
    const std::string rest = text.substr(5);
    const auto slash = rest.find('/');
    spec.kind = "s3";
    spec.bucket = rest.substr(0, slash);
    // Anything else, such as '?', would be sent as part of the request path,
    // to a bucket that cannot exist.
    if (!is_bucket_name(spec.bucket)) bad_value(label, text, "a store " + forms);
    if (slash != std::string::npos && slash + 1 < rest.size()) spec.prefix = rest.substr(slash + 1);
    return spec;
  }
  std::string dir = text;
  if (text.starts_with("file://")) {
    // RFC 8089: "file://localhost/dir" is "file:///dir" (normal_store_location).
    dir = normal_store_location(text).substr(7);
    if (!dir.starts_with("/")) bad_value(label, text, "a file URL with an absolute path (file:///dir)");
  } else if (text.find("://") != std::string::npos) {
    bad_value(label, text, "a supported store " + forms);
  }
  spec.kind = "local";
  spec.dir = expand_path(dir, env, base_dir);
  return spec;
}

std::string format_store(const StoreSpec& store) {
  if (store.kind == "s3") return "s3://" + store.bucket + (store.prefix ? "/" + *store.prefix : "");
  return "file://" + store.dir;
}

std::vector<NamespaceStore> parse_namespace_stores(const std::vector<std::string>& items, const std::string& label,
                                                   const Getenv& env, const std::string& base_dir) {
  std::vector<NamespaceStore> entries;
  for (const std::string& text : items) {
    const auto equals = text.find('=');
    NamespaceStore entry;
    entry.ns = text.substr(0, equals == std::string::npos ? 0 : equals);
    const bool valid_name = !entry.ns.empty() && entry.ns.size() <= 1000 &&
                            std::all_of(entry.ns.begin(), entry.ns.end(), is_namespace_character);
    if (!valid_name) bad_value(label, text, "NAMESPACE=STORE (a namespace name of letters, digits and ._@-)");
    for (const NamespaceStore& earlier : entries)
      if (earlier.ns == entry.ns)
        throw Error(ErrorKind::Usage, label, "namespace " + entry.ns + " is given twice (one store per namespace)");
    entry.store = parse_store(text.substr(equals + 1), label, env, base_dir);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string parse_bucket(const std::string& text, const std::string& label) {
  if (!is_bucket_name(text)) bad_value(label, text, "a bucket name (letters, digits, '.', '-' and '_', starting and ending with a letter or digit)");
  return text;
}

std::string parse_origin(const std::string& text, const std::string& label) {
  // A browser's Origin is compared byte for byte: a value that can never
  // equal one would refuse the Web UI in silence. So it is written as a
  // browser serialises an origin, or refused.
  if (text == "*")
    bad_value(label, text,
              "allowed: name each origin (a codec server open to every web page decodes payloads for any of them)");
  const std::string form = "an origin (http://HOST[:PORT] or https://HOST[:PORT], no path)";
  std::string origin = base::to_lower(text);  // browsers send scheme and host in lower case
  if (origin.ends_with('/')) origin.pop_back();  // as an address bar shows it
  const auto separator = origin.find("://");
  const std::string scheme = origin.substr(0, separator);
  const std::string authority = separator == std::string::npos ? "" : origin.substr(separator + 3);
  if ((scheme != "http" && scheme != "https") || authority.empty() ||
      authority.find_first_of("/?#@ \t") != std::string::npos)
    bad_value(label, text, form);
  if (std::any_of(authority.begin(), authority.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    bad_value(label, text, "an origin with an ASCII host (browsers send an international one in punycode, xn--...)");
  const auto colon = authority.rfind(':');
  const bool has_port = colon != std::string::npos && authority.find(']', colon) == std::string::npos;
  const std::string host = has_port ? authority.substr(0, colon) : authority;
  std::string port = has_port ? authority.substr(colon + 1) : "";
  if (host.empty() || port.find_first_not_of("0123456789") != std::string::npos) bad_value(label, text, form);
  while (port.size() > 1 && port.front() == '0') port.erase(0, 1);  // "0080" -> "80"
  if (port.size() > 5 || (!port.empty() && std::stoi(port) > 65535))
    bad_value(label, text, "an origin with a port from 0 to 65535");
  // Browsers leave out an empty port and the scheme's own.
  if (port.empty() || port == (scheme == "http" ? "80" : "443")) return scheme + "://" + host;
  return scheme + "://" + host + ":" + port;
}

std::string bucket_store_url(const std::string& bucket, const std::string& label) {
  return "s3://" + parse_bucket(bucket, label);
}

ListenAddress parse_listen_address(const std::string& text, const std::string& label) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) bad_value(label, text, "HOST:PORT");
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.front() == '[') {
    if (address.host.back() != ']') bad_value(label, text, "HOST:PORT ([IPv6]:PORT)");
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    bad_value(label, text, "HOST:PORT with a port from 0 to 65535");
  address.port = std::stoi(port);
  if (address.host.empty()) bad_value(label, text, "HOST:PORT");
  return address;
}

std::string format_listen_address(const ListenAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string expand_path(const std::string& path, const Getenv& env, const std::string& base_dir) {
  std::string out = path;
  if (out == "~" || out.starts_with("~/")) {
    if (auto home = env_value(env, "HOME")) out = *home + out.substr(1);
  }
  if (out.empty()) return out;
  if (!base_dir.empty() && !out.starts_with('/')) out = base_dir + "/" + out;
  return std::filesystem::absolute(out).lexically_normal().string();
}

std::string home_relative(const Getenv& env, const char* xdg, const char* fallback) {
  if (auto base = env_value(env, xdg); base && base->starts_with("/")) return *base + "/claimcheck";
  if (auto home = env_value(env, "HOME")) return fmt::format("{}/{}/claimcheck", *home, fallback);
  return {};
}

}  // namespace claimcheck
