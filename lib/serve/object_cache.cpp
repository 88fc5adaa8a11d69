#include "serve/object_cache.hpp"

#include "base/encoding.hpp"

namespace claimcheck::serve {
namespace {

std::size_t cost(const std::string& key, const ObjectCache::Bytes& bytes) {
  return key.size() + (bytes ? bytes->bytes.size() : 0);
}

}  // namespace

std::string VerifiedObject::original() const {
  if (!base64) return bytes;
  return base::base64_decode(bytes).value();  // written by base64_append: always valid
}

ObjectCache::ObjectCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

ObjectCache::Bytes ObjectCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->bytes;
}

void ObjectCache::insert(const std::string& key, Bytes bytes) {
  const std::size_t incoming = cost(key, bytes);
  if (!bytes || incoming > capacity_) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    size_ -= cost(key, it->second->bytes);
    order_.erase(it->second);
    index_.erase(it);
  }
  evict_until_fits(incoming);
  order_.push_front({key, std::move(bytes)});
  index_[key] = order_.begin();
  size_ += incoming;
}

void ObjectCache::evict_until_fits(std::size_t incoming) {
  while (!order_.empty() && size_ + incoming > capacity_) {
    const Entry& last = order_.back();
    size_ -= cost(last.key, last.bytes);
    index_.erase(last.key);
    order_.pop_back();
  }
}

std::size_t ObjectCache::size_bytes() const {
  std::lock_guard lock(mutex_);
  return size_;
}

std::uint64_t ObjectCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::uint64_t ObjectCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace claimcheck::serve
