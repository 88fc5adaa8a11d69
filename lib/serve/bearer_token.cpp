#include "serve/bearer_token.hpp"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "base/io.hpp"
#include "base/sha256.hpp"
#include "base/text.hpp"
#include "core/error.hpp"

namespace claimcheck::serve {
namespace {

using base::trim;

bool starts_with_bearer(std::string_view value) {
  return base::equals_ignoring_case(value.substr(0, 7), "bearer ");
}

}  // namespace

BearerToken::BearerToken(std::string token) {
  if (!token.empty()) digest_ = base::sha256_hex(token);
}

bool BearerToken::accepts(std::string_view authorization) const {
  if (!required()) return true;
  authorization = trim(authorization);
  if (!starts_with_bearer(authorization)) return false;
  const std::string presented = base::sha256_hex(trim(authorization.substr(7)));
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

std::string read_token_file(const std::string& path) {
  const auto content = base::read_small_file(path, base::kSmallFileLimit);
  if (!content) {
    throw Error(ErrorKind::Usage, "token file " + path,
                errno == EFBIG ? "is larger than " + std::to_string(base::kSmallFileLimit) + " bytes"
                               : std::string("cannot be read: ") + std::strerror(errno));
  }
  const std::string token(trim(std::string_view(*content).substr(0, content->find('\n'))));
  if (token.empty()) throw Error(ErrorKind::Usage, "token file " + path, "holds no token on its first line");
  return token;
}

std::optional<std::string> token_file_exposure(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !(info.st_mode & S_IROTH)) return std::nullopt;
  return fmt::format("warning: token file {} is readable by every user (mode {:04o}): chmod 600 {}", path,
                     info.st_mode & 07777, base::shell_word(path));
}

}  // namespace claimcheck::serve
