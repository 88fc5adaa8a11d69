#include "core/threaded_sink.hpp"

#include <algorithm>

namespace claimcheck {

ThreadedSink::ThreadedSink(ByteSink& next, std::size_t buffer_size, std::size_t buffers)
    : next_(next), buffer_size_(std::max<std::size_t>(buffer_size, 1)), max_in_flight_(std::max<std::size_t>(buffers, 1)) {
  current_.reserve(buffer_size_);
  thread_ = std::thread([this] { run(); });
}

ThreadedSink::~ThreadedSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    full_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

void ThreadedSink::write(const char* data, std::size_t size) {
  while (size > 0) {
    const std::size_t take = std::min(size, buffer_size_ - current_.size());
    current_.append(data, take);
    data += take;
    size -= take;
    if (current_.size() == buffer_size_) hand_over();
  }
}

void ThreadedSink::close() {
  if (!current_.empty()) hand_over();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return in_flight_ == 0 || failure_; });
  lock.unlock();
  rethrow_failure();
}

void ThreadedSink::hand_over() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return in_flight_ < max_in_flight_ || failure_; });
  if (failure_) {
    lock.unlock();
    rethrow_failure();
  }
  full_.push_back(std::move(current_));
  ++in_flight_;
  if (free_.empty()) {
    current_ = std::string();
  } else {
    current_ = std::move(free_.back());
    free_.pop_back();
  }
  lock.unlock();
  changed_.notify_all();
  current_.clear();
  current_.reserve(buffer_size_);
}

void ThreadedSink::rethrow_failure() {
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void ThreadedSink::run() {
  for (;;) {
    std::string buffer;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !full_.empty(); });
      if (full_.empty()) return;  // stopping
      buffer = std::move(full_.front());
      full_.pop_front();
    }
    try {
      if (!failure_) next_.write(buffer.data(), buffer.size());  // only this thread sets failure_
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      --in_flight_;
      free_.push_back(std::move(buffer));
    }
    changed_.notify_all();
  }
}

}  // namespace claimcheck
