// Object keys: `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`, where the date and time
// are the object's EXPIRY (UTC). gc decides from a listing alone; a
// bucket lifecycle rule can also match on the date segment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reference/reference.hpp"

namespace claimcheck {

/// UUID v4 from a CSPRNG (the kernel's, getrandom).
std::string random_uuid_v4();

std::string make_key(std::string_view prefix, TimePoint expires_at);

/// Throws what make_key would for every key under `prefix` (ending in '/'
/// or empty): a '..' or empty segment, control characters, too long.
void validate_key_prefix(std::string_view prefix);

/// The expiry encoded in a key of claimcheck's layout (whatever the prefix);
/// nullopt for foreign keys (e.g. the Go runner's bare UUIDs).
std::optional<TimePoint> expiry_from_key(std::string_view key);

/// Whether a key at the root of a store (no prefix) is a runner's object: the
/// Go runner's bare UUID, or claimcheck's layout written with an empty prefix
/// (`<YYYY-MM-DD>/<HHMMSS>Z-<uuid>`). With an empty prefix gc and stats judge
/// only these, so nothing else kept at the root is ever touched.
bool is_runner_key_at_root(std::string_view key);

/// A key gc never touches and stats leaves out, counted as "other keys": at
/// the root (`at_root`: an empty prefix) one that is not a runner's, and
/// anywhere one no store request may name (key_problem): a dry run must not
/// list what the real run cannot delete.
bool is_other_key(std::string_view key, bool at_root);

}  // namespace claimcheck
