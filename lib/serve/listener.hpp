// serve's accept loop, in place of cpp-httplib's. httplib 0.11 retries an
// accept that fails with EMFILE every millisecond, for ever and without a
// word, and takes any other failure (ENFILE, ENOBUFS, a connection aborted
// before it was accepted) for the end of the server: serve then said
// "stopped" and exited 0. Here connections are accepted only while they
// leave half the free descriptors to the store requests they make (else
// their own opens and sockets failed with 500s, and a failed /encode could
// not remove what it had stored); a shortage is said in the log, at most
// once a minute, and waited out; a connection's own failure is passed over;
// and a stop ends the loop whatever accept is doing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace claimcheck::serve {

/// The connections serve holds open, parked ones too, counted as they open
/// and close. While connections wait to be accepted (others_wait), a close
/// wakes the listener through closed_fd(), and those open take turns with
/// the waiting. Safe from any thread.
class ConnectionCount {
 public:
  /// Throws Error(Internal) when its eventfd cannot be made.
  ConnectionCount();
  ~ConnectionCount();
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

  void opened() { ++open_; }
  void closed();
  std::size_t open() const { return open_.load(); }

  /// Connections wait to be accepted for want of a place (the cap, or
  /// descriptors): one that has had its turn should close after its answer
  /// rather than keep its place (else clients that keep theirs busy hold the
  /// others off for as long as they send).
  bool others_wait() const { return others_wait_.load(); }
  void set_others_wait(bool wait) { others_wait_ = wait; }

  /// Readable once a connection has closed while others wait; read_closed()
  /// makes it unreadable again.
  int closed_fd() const { return closed_fd_; }
  void read_closed() const;

 private:
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> others_wait_{false};
  int closed_fd_;  // an eventfd
};

class Listener {
 public:
  using Accepted = std::function<void(int fd)>;
  using LogSink = std::function<void(const std::string& line)>;

  /// Accepts on `listening_fd` (not owned) while fewer than
  /// `max_connections` are open (`connections`, counted by the server);
  /// says each shortage to `log`.
  Listener(int listening_fd, std::size_t max_connections, ConnectionCount& connections, LogSink log);
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
  /// Until a connection closes (a place, and a descriptor, come free),
  /// kShortageRetryMs at most (descriptors freed elsewhere, memory); false
  /// at the stop.
  bool wait_for_a_place() const;
  /// A shortage begins (`why`) or goes on: said unless one was said in the
  /// last minute, with how many were not.
  void short_of(const std::string& why);
  /// A connection was accepted: the end of a shortage that was said.
  void accepting();

  int listening_fd_;
  std::size_t max_connections_;
  ConnectionCount& connections_;
  int stop_fd_;  // an eventfd, written by stop()
  LogSink log_;
  bool in_shortage_ = false;
  bool shortage_said_ = false;
  std::size_t shortages_unsaid_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_said_;
};

/// How many connections serve may hold open: half the descriptors free
/// under the open-file limit once it listens, the other half being for the
/// store requests of those connections. Throws Error(Internal), naming the
/// limit, when too few are free to listen and answer one request (with
/// none left for a connection, serve said it listened and answered nothing).
std::size_t connections_the_open_file_limit_allows();

}  // namespace claimcheck::serve
