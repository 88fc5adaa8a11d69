// A request signed by a clock far from the server's is refused (AWS allows
// 15 minutes). The server's Date header says by how much it is off, and a
// request signed again at the server's time goes through: the AWS SDKs do
// the same.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace sigv4 {

/// An offset below this is not the cause of a refusal: the request is not
/// signed again for it.
constexpr std::chrono::minutes kSkewWorthCorrecting{5};

/// Offsets beyond this are a server's broken Date, not a clock to adopt
/// (and adding them to a time would overflow it).
constexpr std::chrono::hours kLargestClockOffset{24 * 365 * 100};

/// The server's clock minus ours, from an answer's Date header (any HTTP
/// date curl reads); nullopt without one, or beyond kLargestClockOffset.
std::optional<std::chrono::seconds> server_clock_offset(const std::string& date_header);

/// The same when the two clocks differ by kSkewWorthCorrecting or more:
/// then times the server gives (an Expiration) are read by our clock.
std::optional<std::chrono::seconds> significant_clock_skew(const std::string& date_header);

}  // namespace sigv4
