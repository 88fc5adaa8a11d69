// The local store's metadata sidecar, `<key>.meta.json` beside the object:
// {"v":1,"stored_size":N,"original_size":N,"sha256":"...","compressed":b,
//  "expires_at":"RFC 3339","content_type":"..."} (optional fields omitted).
// stored_size ties the sidecar to the object it was written with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stores/store.hpp"

namespace claimcheck {

std::string sidecar_json(const ObjectMeta& meta, std::uint64_t stored_size);

struct Sidecar {
  ObjectMeta meta;
  std::uint64_t stored_size = 0;
};

/// nullopt when the text is not a version-1 sidecar.
std::optional<Sidecar> parse_sidecar(const std::string& text);

}  // namespace claimcheck
