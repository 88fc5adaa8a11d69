// Object keys carry their expiry: `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`.
// The layout is read from the END of a key so any prefix (including one
// with slashes or dashes) works, and gc can decide from a listing alone.
#include "reference/keys.hpp"

#include <array>
#include <string>

#include <sys/random.h>

#include "base/encoding.hpp"
#include "base/io.hpp"
#include "core/error.hpp"

namespace claimcheck {

namespace {

constexpr std::size_t kUuidLength = 36;
// "YYYY-MM-DD/HHMMSSZ-" before the UUID.
constexpr std::size_t kStampLength = 19;

/// 8-4-4-4-12 hex digits.
bool looks_like_uuid(std::string_view text) {
  if (text.size() != kUuidLength) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !base::is_hex_digit(text[i])) return false;
  }
  return true;
}

/// From the kernel's CSPRNG: one system call, where OpenSSL's RAND_bytes
/// first seeds its own generator (8 million instructions, 3% of a 1 MiB offload).
void fill_random(unsigned char* out, std::size_t size) {
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t n = base::retry_on_eintr([&] { return ::getrandom(out + filled, size - filled, 0); });
    if (n < 0) throw Error(ErrorKind::Internal, "cannot make a key", "the random number generator failed");
    filled += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string random_uuid_v4() {
  std::array<unsigned char, 16> bytes{};
  fill_random(bytes.data(), bytes.size());
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string uuid =
      base::hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  for (const std::size_t dash : {8, 13, 18, 23}) uuid.insert(dash, 1, '-');
  return uuid;
}

std::string make_key(std::string_view prefix, TimePoint expires_at) {
  const std::string stamp = format_rfc3339(expires_at);  // 2026-01-09T13:24:00Z
  std::string key(prefix);
  key += stamp.substr(0, 10);
  key += '/';
  key += stamp.substr(11, 2) + stamp.substr(14, 2) + stamp.substr(17, 2);
  key += "Z-";
  key += random_uuid_v4();
  validate_key(key);  // a prefix too long or with control characters
  return key;
}

void validate_key_prefix(std::string_view prefix) {
  // A stand-in for the date, time and uuid: one segment of their length.
  validate_key(std::string(prefix) + std::string(kStampLength + kUuidLength, '0'));
}

bool is_runner_key_at_root(std::string_view key) {
  if (looks_like_uuid(key)) return true;
  return key.size() == kStampLength + kUuidLength && expiry_from_key(key).has_value();
}

bool is_other_key(std::string_view key, bool at_root) {
  return (at_root && !is_runner_key_at_root(key)) || key_problem(key);
}

std::optional<TimePoint> expiry_from_key(std::string_view key) {
  if (key.size() < kStampLength + kUuidLength) return std::nullopt;
  if (!looks_like_uuid(key.substr(key.size() - kUuidLength))) return std::nullopt;
  const std::string_view stamp = key.substr(key.size() - kUuidLength - kStampLength, kStampLength);
  if (stamp[10] != '/' || stamp[17] != 'Z' || stamp[18] != '-') return std::nullopt;
  // Rebuild RFC 3339 and let its parser check digits and the calendar.
  std::string rfc3339(stamp.substr(0, 10));
  rfc3339 += 'T';
  rfc3339 += std::string(stamp.substr(11, 2)) + ':' + std::string(stamp.substr(13, 2)) + ':' +
             std::string(stamp.substr(15, 2)) + 'Z';
  try {
    return parse_rfc3339(rfc3339);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace claimcheck
