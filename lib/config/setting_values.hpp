// The value syntaxes of settings: each parser takes the text and the label
// that names it in errors, and throws Error(Usage) "<label>: '<text>' is not
// <what>" for a value it cannot take. Sizes and durations are in core/units.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace claimcheck {

/// Getenv, with an empty variable counted as unset.
std::optional<std::string> env_value(const Getenv& env, const std::string& name);

bool parse_bool(const std::string& text, const std::string& label);
/// A duration ("30d", "12h"); a bare number means days, as in CLAIMCHECK_TTL_DAYS.
std::chrono::seconds parse_ttl(const std::string& text, const std::string& label);
/// auto|always|never; where `allow_bool`, also true (auto) and false (never).
CompressPolicy parse_compress(const std::string& text, const std::string& label, bool allow_bool);
int parse_level(const std::string& text, const std::string& label);
/// A decimal integer in [range.first, range.second].
int parse_int_in(const std::string& text, const std::string& label, std::pair<int, int> range);
/// "https://host[:port]", trailing '/' dropped.
std::string parse_endpoint(const std::string& text, const std::string& label);
std::string parse_region(const std::string& text, const std::string& label);
/// Seconds as the AWS CLI writes them ("1", "2.5"), more than 0 and at most 60.
std::chrono::milliseconds parse_timeout_seconds(const std::string& text, const std::string& label);
/// A network timeout: a duration above zero ("30s", "2m").
std::chrono::seconds parse_timeout(const std::string& text, const std::string& label);
/// A duration above zero, or "none" (0: no deadline).
std::chrono::seconds parse_deadline(const std::string& text, const std::string& label);
/// A whole number from 1 to 10.
int parse_attempts(const std::string& text, const std::string& label);
/// A URL with a path (container credentials): http:// or https://, no
/// spaces or line breaks; the provider checks the host.
std::string parse_url(const std::string& text, const std::string& label);
/// "claimcheck" -> "claimcheck/".
std::string normalise_prefix(std::string prefix, const std::string& label);

/// s3://bucket[/prefix], file:///dir, or a directory path (relative:
/// under `base_dir`, see expand_path).
StoreSpec parse_store(const std::string& text, const std::string& label, const Getenv& env,
                      const std::string& base_dir = {});
/// The store as a URL: s3://bucket[/prefix] or file:///dir.
std::string format_store(const StoreSpec& store);
/// NAMESPACE=STORE entries (serve): a Temporal namespace name ([A-Za-z0-9._@-]) and a store as
/// parse_store; one store per namespace.
std::vector<NamespaceStore> parse_namespace_stores(const std::vector<std::string>& items, const std::string& label,
                                                   const Getenv& env, const std::string& base_dir = {});
/// A bucket name: letters, digits, '.', '-' and '_' (those of old us-east-1
/// buckets too), as in an s3:// store.
std::string parse_bucket(const std::string& text, const std::string& label);
/// A bare bucket name (R2_BUCKET) as a store URL.
std::string bucket_store_url(const std::string& bucket, const std::string& label);

/// A web page's origin as a browser sends it: http(s)://HOST[:PORT], made
/// lower case, without a trailing '/' or the scheme's default port; '*', a
/// path or another scheme is refused.
std::string parse_origin(const std::string& text, const std::string& label);

/// "127.0.0.1:8081", "[::1]:8081", "localhost:0".
ListenAddress parse_listen_address(const std::string& text, const std::string& label);
/// The address as parse_listen_address reads it (brackets around IPv6).
std::string format_listen_address(const ListenAddress& address);

/// "~/x" and relative paths made absolute: relative to `base_dir` when one
/// is given (a config file's directory), else to the current directory.
std::string expand_path(const std::string& path, const Getenv& env, const std::string& base_dir = {});
/// $<xdg>/claimcheck, else $HOME/<fallback>/claimcheck; "" without either.
std::string home_relative(const Getenv& env, const char* xdg, const char* fallback);

}  // namespace claimcheck
