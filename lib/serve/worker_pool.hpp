// serve's workers, in place of httplib's ThreadPool, which starts
// its threads in its constructor, and one that cannot be started (a limit on
// processes and threads: ulimit -u, a container's pids.max) unwinds past the
// ones already running, which ends the program (under some limits it hung
// instead, after printing that it listened). This pool is made before serve
// says it listens; when a thread cannot be started it stops and joins the
// ones it started, then throws.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace claimcheck::serve {

class WorkerPool {
 public:
  /// `before_shutdown` runs first in shutdown() (serve stops taking idle
  /// connections back, so none is queued to a pool that is going).
  WorkerPool(std::size_t workers, std::function<void()> before_shutdown);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> task);
  /// Runs the tasks queued so far, then joins the workers.
  void shutdown();

 private:
  void work();
  void stop_and_join();

  std::function<void()> before_shutdown_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace claimcheck::serve
