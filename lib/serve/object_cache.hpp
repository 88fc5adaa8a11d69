// Verified objects kept in memory, least recently used first out, bounded
// in bytes. The Web UI re-decodes the same payloads on every render and
// caches nothing itself; a reference's object is immutable (its key is new
// for each offload, its sha256 fixed), so a verified copy can answer the next
// request for the same reference (reference_resolver.cpp keys entries by the
// whole reference, never the digest alone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace claimcheck::serve {

/// An object verified against its reference. A claimcheck, Go or TypeScript
/// object is kept as the base64 text a response carries (encoded once, not
/// on every request; 4/3 of the bytes) with whether its original is JSON
/// (which decides the restored encoding); an External Storage object is
/// kept as stored.
struct VerifiedObject {
  std::string bytes;
  bool base64 = false;  // `bytes` is the base64 text of the original
  bool is_json = false;  // temporal::is_plain_json: restored as json/plain

  /// The original bytes (decoded when kept as base64).
  std::string original() const;
};

class ObjectCache {
 public:
  using Bytes = std::shared_ptr<const VerifiedObject>;

  /// capacity 0 disables the cache.
  explicit ObjectCache(std::size_t capacity_bytes);

  /// The cached bytes (now the most recently used), or null.
  Bytes find(const std::string& key);

  /// Keeps `bytes` under `key`, evicting the least recently used entries
  /// to stay within the capacity; an object larger than the capacity is
  /// not kept.
  void insert(const std::string& key, Bytes bytes);

  std::size_t size_bytes() const;
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Entry {
    std::string key;
    Bytes bytes;
  };
  void evict_until_fits(std::size_t incoming);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // front: most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t size_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace claimcheck::serve
