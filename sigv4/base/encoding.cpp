#include "base/encoding.hpp"

#include <openssl/evp.h>

#include <cstddef>

namespace base {
namespace {

// OpenSSL's block functions take an int length: larger inputs go in pieces
// of whole groups (3 bytes in, 4 characters out).
constexpr std::size_t kEncodePiece = 3u << 20;
constexpr std::size_t kDecodePiece = 4u << 20;

bool in_base64_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

/// The number of '=' at the end, or nullopt when the text breaks the rules
/// EVP_DecodeBlock does not enforce (length, padding, whitespace).
std::optional<std::size_t> strict_padding(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i)
    if (!in_base64_alphabet(text[i])) return std::nullopt;
  return padding;
}

unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }
const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  base64_append(out, bytes);
  return out;
}

void base64_append(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + 4 * ((bytes.size() + 2) / 3));
  // EVP_EncodeBlock counts in int: feed it pieces (whole 3-byte groups), each
  // written with its terminating NUL, which the next piece overwrites.
  for (std::size_t done = 0; done < bytes.size(); done += kEncodePiece) {
    const std::string_view piece = bytes.substr(done, kEncodePiece);
    const std::size_t at = out.size();
    out.resize(at + 4 * ((piece.size() + 2) / 3) + 1);
    const int written = EVP_EncodeBlock(bytes_of(out) + at, bytes_of(piece), static_cast<int>(piece.size()));
    out.resize(at + static_cast<std::size_t>(written));
  }
}

std::optional<std::string> base64_decode(std::string_view text) {
  const std::optional<std::size_t> padding = strict_padding(text);
  if (!padding) return std::nullopt;
  // EVP_DecodeBlock writes 3 bytes per 4 characters, padding included.
  std::string out(text.size() / 4 * 3, '\0');
  for (std::size_t done = 0; done < text.size(); done += kDecodePiece) {
    const std::string_view piece = text.substr(done, kDecodePiece);
    if (EVP_DecodeBlock(bytes_of(out) + done / 4 * 3, bytes_of(piece), static_cast<int>(piece.size())) < 0)
      return std::nullopt;
  }
  out.resize(out.size() - *padding);
  return out;
}

}  // namespace base
