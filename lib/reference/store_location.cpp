#include "reference/store_location.hpp"

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

}  // namespace claimcheck
