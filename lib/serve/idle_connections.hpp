// Connections waiting for their next request, off the worker threads. A
// worker serves a connection only while a request is being read, handled
// and answered; between requests (and before the first) the connection
// waits here, with all the others, on one thread (epoll). So clients that
// connect and send nothing, a browser's spare connections or an attacker's
// hundreds, hold no worker, and cannot keep the others' requests waiting.
// A connection whose bytes arrive is handed back to be served; one idle
// past its deadline, closed by its client, or parked after stop() is
// closed (destroyed).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace claimcheck::serve {

/// What waits: anything with a socket, closed when destroyed.
class IdleConnection {
 public:
  virtual ~IdleConnection() = default;
  virtual int fd() const = 0;
};

class IdleConnections {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  /// `resume` gets each connection whose bytes have arrived (called on this
  /// class's thread: it should only queue the connection for a worker).
  explicit IdleConnections(std::function<void(std::unique_ptr<IdleConnection>)> resume);
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  /// Waits for `connection`'s next bytes until `deadline`.
  void park(std::unique_ptr<IdleConnection> connection, Deadline deadline);

  /// Closes every waiting connection, and any parked later; `resume` is not
  /// called again once this returns.
  void stop();

 private:
  struct Waiting {
    std::unique_ptr<IdleConnection> connection;
    Deadline deadline;
  };
  void run();
  /// Milliseconds to the nearest deadline (-1: none); closes those past.
  int close_expired();

  std::function<void(std::unique_ptr<IdleConnection>)> resume_;
  int epoll_fd_;
  int wake_fd_;
  std::mutex stop_mutex_;  // one stop() at a time: it joins the thread
  std::mutex mutex_;
  std::unordered_map<int, Waiting> waiting_;  // by fd; guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  std::thread thread_;
};

}  // namespace claimcheck::serve
