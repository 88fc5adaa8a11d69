// How long one HTTP exchange may take to connect, and to stand still, when
// the caller says nothing: the S3 client's and the credential providers'
// defaults, written once.
#pragma once

#include <chrono>

namespace sigv4 {

inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{5000};
/// No byte moving either way for this long ends the exchange.
inline constexpr std::chrono::seconds kDefaultStallTimeout{30};

}  // namespace sigv4
