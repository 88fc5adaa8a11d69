// A sink whose writes reach the next sink on a thread of their own, so the
// writer's work (inflating) and the next sink's (hashing, writing a file)
// overlap on two cores instead of adding up. Memory: `buffers` x
// `buffer_size`, whatever the stream's length.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/stream.hpp"

namespace claimcheck {

class ThreadedSink : public ByteSink {
 public:
  // Small buffers, so that the thread starts while a 1 MiB payload is still
  // arriving (1 MiB ones handed it everything at the end: no overlap);
  // 64 of them keep the 4 MiB a big stream had in flight.
  static constexpr std::size_t kDefaultBufferSize = 64u << 10;
  static constexpr std::size_t kDefaultBuffers = 64;

  explicit ThreadedSink(ByteSink& next, std::size_t buffer_size = kDefaultBufferSize,
                        std::size_t buffers = kDefaultBuffers);
  /// Stops the thread; what close() did not wait for is dropped.
  ~ThreadedSink() override;
  ThreadedSink(const ThreadedSink&) = delete;
  ThreadedSink& operator=(const ThreadedSink&) = delete;

  /// Copies into the current buffer and hands full ones over (waiting while
  /// all are in flight). An exception thrown by the next sink is rethrown
  /// here, by the first write or close() after it happened.
  void write(const char* data, std::size_t size) override;
  /// Hands over the rest and waits until the next sink has taken all of it;
  /// rethrows the next sink's exception.
  void close();

 private:
  void hand_over();
  void run();
  void rethrow_failure();

  ByteSink& next_;
  std::size_t buffer_size_;
  std::string current_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> full_;   // waiting for the thread, in order
  std::vector<std::string> free_;  // emptied buffers, reused
  std::size_t in_flight_ = 0;      // handed over, not yet written
  std::size_t max_in_flight_;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace claimcheck
