#include "stores/s3_metadata.hpp"

#include <charconv>

#include "core/error.hpp"
#include "reference/reference.hpp"

namespace claimcheck {
namespace {

constexpr const char* kOriginalSize = "claimcheck-original-size";
constexpr const char* kSha256 = "claimcheck-sha256";
constexpr const char* kCompressed = "claimcheck-compressed";
constexpr const char* kExpiresAt = "claimcheck-expires-at";

const std::string* find(const std::map<std::string, std::string>& metadata, const char* name) {
  const auto it = metadata.find(name);
  return it == metadata.end() ? nullptr : &it->second;
}

}  // namespace

sigv4::PutOptions to_put_options(const ObjectMeta& meta) {
  sigv4::PutOptions options;
  options.content_type = meta.content_type;
  if (meta.original_size) options.metadata[kOriginalSize] = std::to_string(*meta.original_size);
  if (meta.sha256) options.metadata[kSha256] = *meta.sha256;
  if (meta.compressed) options.metadata[kCompressed] = *meta.compressed ? "true" : "false";
  if (meta.expires_at) options.metadata[kExpiresAt] = format_rfc3339(*meta.expires_at);
  return options;
}

ObjectMeta from_s3_metadata(const std::map<std::string, std::string>& metadata,
                            const std::string& content_type) {
  ObjectMeta meta;
  meta.content_type = content_type;
  if (const std::string* size = find(metadata, kOriginalSize)) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(size->data(), size->data() + size->size(), value);
    if (error == std::errc() && end == size->data() + size->size()) meta.original_size = value;
  }
  if (const std::string* sha = find(metadata, kSha256)) meta.sha256 = *sha;
  if (const std::string* compressed = find(metadata, kCompressed)) {
    if (*compressed == "true") meta.compressed = true;
    if (*compressed == "false") meta.compressed = false;
  }
  if (const std::string* expires = find(metadata, kExpiresAt)) {
    try {
      meta.expires_at = parse_rfc3339(*expires);
    } catch (const Error&) {
      // someone else's value: no expiry known
    }
  }
  return meta;
}

}  // namespace claimcheck
