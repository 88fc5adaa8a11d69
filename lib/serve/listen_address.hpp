// Where serve listens, and whether that is safe: a codec server is a
// decryption oracle reachable from a browser, so it stays on loopback
// unless it has TLS and a token, or the user says --insecure.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace claimcheck::serve {

/// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

/// Throws Error(Usage) for a non-loopback address without TLS and a token
/// (and without --insecure); returns the warning to print for --insecure.
std::optional<std::string> check_exposure(const ServeSettings& settings);

/// For a server on 127.0.0.1 or ::1: the warning to print when something
/// already listens on the other one at the same `port` (both can be bound),
/// since a client that asks for localhost may reach that one instead.
std::optional<std::string> check_other_loopback(const std::string& host, int port);

}  // namespace claimcheck::serve
