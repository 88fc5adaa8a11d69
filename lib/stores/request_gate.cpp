#include "stores/request_gate.hpp"

#include "core/error.hpp"

namespace claimcheck {

RequestGate::Pass::~Pass() {
  {
    std::lock_guard lock(gate_.mutex_);
    --gate_.out_;
  }
  gate_.changed_.notify_all();
}

RequestGate::Pass RequestGate::pass() {
  std::lock_guard lock(mutex_);
  if (settling_) throw Error(ErrorKind::Store, "put", "interrupted");
  ++out_;
  return Pass(*this);
}

bool RequestGate::settle(std::chrono::steady_clock::time_point end) {
  std::unique_lock lock(mutex_);
  settling_ = true;
  return changed_.wait_until(lock, end, [this] { return out_ == 0; });
}

}  // namespace claimcheck
