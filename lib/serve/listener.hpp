// serve's accept loop, in place of cpp-httplib's. httplib 0.11 retries an
// accept that fails with EMFILE every millisecond, for ever and without a
// word, and takes any other failure (ENFILE, ENOBUFS, a connection aborted
// before it was accepted) for the end of the server: serve then said
// "stopped" and exited 0. Here a descriptor or memory shortage is said once,
// in the log, and waited out; a connection's own failure is passed over; and
// a stop ends the loop whatever accept is doing.
#pragma once

#include <functional>
#include <string>

namespace claimcheck::serve {

class Listener {
 public:
  using Accepted = std::function<void(int fd)>;
  using LogSink = std::function<void(const std::string& line)>;

  /// Accepts on `listening_fd` (not owned); says each shortage to `log`.
  Listener(int listening_fd, LogSink log);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  /// Hands each accepted connection (non-blocking, close-on-exec) to
  /// `accepted` until stop(). Throws Error(Internal) when the listening
  /// socket fails for good.
  void run(const Accepted& accepted);

  /// Ends run(), or the run() to come; safe from any thread.
  void stop();

 private:
  /// Waits until `fd` is readable, the stop, or `timeout_ms` (-1: none);
  /// false at the stop.
  bool wait(int fd, int timeout_ms) const;

  int listening_fd_;
  int stop_fd_;  // an eventfd, written by stop()
  LogSink log_;
};

/// Throws Error(Internal), naming the limit, when fewer than
/// kDescriptorsToServe descriptors are left under the open-file limit: with
/// none left for a connection, serve would say it listens and answer nothing.
void require_descriptors_to_serve();

}  // namespace claimcheck::serve
