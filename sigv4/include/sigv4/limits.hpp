// S3's and SigV4's limits, defined here once and read by every layer above
// (the S3 store, gc's batches, inspect's --expires) instead of written again.
#pragma once

#include <chrono>
#include <cstddef>

namespace sigv4 {

/// Keys one DeleteObjects request takes.
inline constexpr std::size_t kMaxDeleteKeys = 1000;

/// The longest a presigned URL may live (X-Amz-Expires at most 604800 s).
inline constexpr std::chrono::seconds kMaxPresignLifetime = std::chrono::hours(24 * 7);

}  // namespace sigv4
