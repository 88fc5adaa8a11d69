#include "stores/settling_put_body.hpp"

#include <algorithm>
#include <cstring>

#include "base/sha256.hpp"
#include "core/error.hpp"

namespace claimcheck {

std::size_t SettlingPutBody::read(char* buffer, std::size_t capacity) {
  std::lock_guard lock(mutex_);
  if (stopping_) throw Error(ErrorKind::Store, "put", "interrupted");  // never shown: the process is exiting
  const std::size_t length = std::min(capacity, bytes_.size() - position_);
  if (length > 0) std::memcpy(buffer, bytes_.data() + position_, length);
  position_ += length;
  return length;
}

void SettlingPutBody::rewind() {
  std::lock_guard lock(mutex_);
  position_ = 0;
}

std::string SettlingPutBody::sha256_hex() {
  if (!hash_) hash_ = base::sha256_hex(bytes_);
  return *hash_;
}

void SettlingPutBody::put_ended() {
  {
    std::lock_guard lock(mutex_);
    ended_ = true;
  }
  ended_changed_.notify_all();
}

void SettlingPutBody::settle() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  // The PUT's own time limits (stall and read timeouts, --deadline) bound this.
  ended_changed_.wait(lock, [this] { return ended_; });
}

}  // namespace claimcheck
