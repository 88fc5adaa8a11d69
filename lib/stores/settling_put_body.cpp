#include "stores/settling_put_body.hpp"

#include "core/error.hpp"

namespace claimcheck {

std::size_t SettlingPutBody::read(char* buffer, std::size_t capacity) {
  std::lock_guard lock(mutex_);
  if (stopping_) throw Error(ErrorKind::Store, "put", "interrupted");  // never shown: the process is exiting
  return inner_.read(buffer, capacity);
}

void SettlingPutBody::rewind() {
  std::lock_guard lock(mutex_);
  inner_.rewind();
}

void SettlingPutBody::put_ended() {
  {
    std::lock_guard lock(mutex_);
    ended_ = true;
  }
  ended_changed_.notify_all();
}

bool SettlingPutBody::settle(std::chrono::steady_clock::time_point end) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  return ended_changed_.wait_until(lock, end, [this] { return ended_; });
}

}  // namespace claimcheck
