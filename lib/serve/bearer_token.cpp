#include "serve/bearer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>
#include <fstream>

#include "core/error.hpp"

namespace claimcheck::serve {
namespace {

std::string sha256_raw(std::string_view text) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool starts_with_bearer(std::string_view value) {
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  return true;
}

}  // namespace

BearerToken::BearerToken(std::string token) {
  if (!token.empty()) digest_ = sha256_raw(token);
}

bool BearerToken::accepts(std::string_view authorization) const {
  if (!required()) return true;
  authorization = trim(authorization);
  if (!starts_with_bearer(authorization)) return false;
  const std::string presented = sha256_raw(trim(authorization.substr(7)));
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::Usage, "token file " + path, "cannot be read");
  std::string line;
  std::getline(in, line);
  const std::string token(trim(line));
  if (token.empty()) throw Error(ErrorKind::Usage, "token file " + path, "holds no token on its first line");
  return token;
}

}  // namespace claimcheck::serve
