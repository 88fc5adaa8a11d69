#include "reference/store_location.hpp"

#include <filesystem>

namespace claimcheck {

bool is_bucket_name(std::string_view name) {
  // Starting and ending with a letter or digit, as every store's rules say:
  // "." or ".." would be a path segment in a request or presigned URL.
  const auto alphanumeric = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return !name.empty() && name.size() <= 255 && alphanumeric(name.front()) && alphanumeric(name.back()) &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
             std::string_view::npos;
}

namespace {

/// RFC 8089: "file://localhost/dir" is "file:///dir", in a reference's
/// store field as in --store.
constexpr std::string_view kLocalhostFile = "file://localhost/";

}  // namespace

bool is_store_location(std::string_view store) {
  if (store.starts_with("s3://")) return is_bucket_name(store.substr(5));
  return store.starts_with("file:///") || store.starts_with(kLocalhostFile);
}

std::string normal_directory(std::string_view path) {
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

std::string normal_store_location(std::string_view store) {
  if (store.starts_with(kLocalhostFile)) return "file://" + normal_directory(store.substr(kLocalhostFile.size() - 1));
  if (store.starts_with("file:///")) return "file://" + normal_directory(store.substr(7));
  std::string text(store);
  if (text.starts_with("s3://") && text.find('/', 5) == text.size() - 1) text.pop_back();
  return text;
}

}  // namespace claimcheck
