#include "handle_pool.hpp"

#include <utility>

namespace sigv4 {

HandlePool::Lease HandlePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      CurlEasy handle = std::move(idle_.back());
      idle_.pop_back();
      handle.reset();  // options from the last request must not leak into this one
      return Lease(*this, std::move(handle));
    }
  }
  return Lease(*this, CurlEasy());
}

void HandlePool::close_idle() {
  std::vector<CurlEasy> closing;  // closed outside the lock
  std::lock_guard lock(mutex_);
  closing.swap(idle_);
}

void HandlePool::give_back(CurlEasy handle) noexcept {
  if (handle.get() == nullptr) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) {
    try {
      idle_.push_back(std::move(handle));
    } catch (...) {
      // Out of memory: the handle is simply closed.
    }
  }
}

}  // namespace sigv4
