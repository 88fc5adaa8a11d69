// The static bearer token that guards the codec server: the `temporal` CLI
// sends `--codec-auth` verbatim ("Bearer <token>"), the Web UI sends
// "Bearer <access token>" when passAccessToken is on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace claimcheck::serve {

class BearerToken {
 public:
  /// An empty token accepts every request (no token configured).
  explicit BearerToken(std::string token);

  bool required() const { return !digest_.empty(); }

  /// True when `authorization` is "Bearer <token>" (scheme case-insensitive).
  /// The comparison is of SHA-256 digests in constant time, so neither the
  /// token's bytes nor its length leak through timing.
  bool accepts(std::string_view authorization) const;

 private:
  std::string digest_;  // hex SHA-256 of the token, "" when none
};

/// Reads the token file: the first line, surrounding whitespace removed.
/// Throws Error(Usage) when the file cannot be read or holds no token.
std::string read_token_file(const std::string& path);

/// The warning to print when every user of the machine may read the token
/// file (as ssh warns of a key file): "warning: token file F is readable by
/// every user (mode 0644): chmod 600 F". nullopt when it is not.
std::optional<std::string> token_file_exposure(const std::string& path);

}  // namespace claimcheck::serve
