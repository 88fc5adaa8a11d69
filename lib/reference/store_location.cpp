#include "reference/store_location.hpp"

#include <filesystem>

namespace claimcheck {

bool is_bucket_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
             std::string_view::npos;
}

bool is_store_location(std::string_view store) {
  if (store.starts_with("s3://")) return is_bucket_name(store.substr(5));
  return store.starts_with("file:///");
}

std::string normal_store_location(std::string_view store) {
  if (store.starts_with("file:///")) {
    std::string path = std::filesystem::path(store.substr(7)).lexically_normal().string();
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return "file://" + path;
  }
  std::string text(store);
  if (text.starts_with("s3://") && text.find('/', 5) == text.size() - 1) text.pop_back();
  return text;
}

}  // namespace claimcheck
