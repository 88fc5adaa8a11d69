// What a reference's `store` field and --store's bucket may name: the facts
// shared by the settings (which refuse a bad --store) and retrieve (which
// tells the user which --store reaches a reference).
#pragma once

#include <string>
#include <string_view>

namespace claimcheck {

/// Letters, digits, '.', '-' and '_', 1 to 255 of them, the first and last a
/// letter or digit: today's S3 and R2 names, and the old us-east-1 ones with
/// capitals and underscores.
bool is_bucket_name(std::string_view name);

/// A store location as claimcheck writes it in a reference and accepts it as
/// --store: `s3://BUCKET` or `file:///DIR`.
bool is_store_location(std::string_view store);

/// A directory path lexically normal, without a trailing '/' ("/x/a//b/" ->
/// "/x/a/b"): how a local store's directory is named.
std::string normal_directory(std::string_view path);

/// A store location spelled as the configured store is: a file URL's path
/// lexically normal without a trailing '/' ("file:///x/a//b/" ->
/// "file:///x/a/b", "file://localhost/x" -> "file:///x"), "s3://bucket/" ->
/// "s3://bucket"; anything else as given.
std::string normal_store_location(std::string_view store);

}  // namespace claimcheck
