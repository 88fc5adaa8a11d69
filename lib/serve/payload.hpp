// A Temporal payload (temporal.api.common.v1.Payload) as the codec server
// handles it: metadata and data as raw bytes, and the sizes of the external
// payloads it stands for when it is an External Storage reference.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace claimcheck::serve {

struct Payload {
  std::map<std::string, std::string> metadata;  // values are bytes
  std::string data;
  /// externalPayloads[].sizeBytes; nullopt when the field was absent, so a
  /// payload that passes through is emitted as it came.
  std::optional<std::vector<std::uint64_t>> external_sizes;

  /// metadata["encoding"], or "" when absent.
  std::string encoding() const;
};

}  // namespace claimcheck::serve
