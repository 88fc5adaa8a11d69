// One accepted connection (plain TCP or TLS over OpenSSL) with I/O that
// waits at most until a deadline. cpp-httplib 0.11 times out each read
// separately, so a client sending one byte every few seconds would hold a
// worker forever (slowloris); here a whole request must arrive, and a whole
// response leave, within its deadline.
#pragma once

#include <openssl/ssl.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string_view>

namespace claimcheck::serve {

using Deadline = std::chrono::steady_clock::time_point;

class Connection {
 public:
  /// Takes ownership of `fd`; `tls` null for plain TCP.
  Connection(int fd, SSL_CTX* tls);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The TLS handshake (true at once for plain TCP).
  bool handshake(Deadline deadline);

  /// On a TLS connection, whether the client's first byte (peeked, not
  /// read) begins a plain HTTP request: a method's capital letter, where a
  /// TLS handshake begins with 0x16. The mistake of http:// for https://.
  bool sent_plain_http() const;

  /// Answers such a client in plain text: writes `response` as it is, ends
  /// the sending side, and reads what the client sent until it closes or
  /// `deadline` (closing on unread bytes would reset the connection, and the
  /// client could lose the answer).
  void refuse_in_plain_text(std::string_view response, Deadline deadline);

  /// After an answer sent with the request not read in full: ends the
  /// sending side and reads, unread, what the client sends until it closes
  /// or `deadline`, for the reason above.
  void close_after_discarding(Deadline deadline);

  /// Whether the next bytes from the client (a request, or a TLS
  /// handshake) are here, not yet (by `deadline`), or will never come.
  enum class Readiness { Ready, NotYet, Closed };
  Readiness readiness(Deadline deadline) const;

  /// Up to `size` bytes: > 0 read, 0 end of stream, -1 error or deadline.
  ssize_t read_some(char* buffer, std::size_t size, Deadline deadline);

  /// Writes all of `size` bytes or fails (-1).
  ssize_t write_all(const char* data, std::size_t size, Deadline deadline);
  /// Writes all of `first` then all of `second` (gathered into each send on
  /// plain TCP), or fails (-1).
  ssize_t write_all(std::string_view first, std::string_view second, Deadline deadline);

  int fd() const { return fd_; }
  bool is_tls() const { return ssl_ != nullptr; }

 private:
  /// Waits for `events` (POLLIN/POLLOUT) until `deadline`.
  bool wait(short events, Deadline deadline) const;
  /// After an OpenSSL call: waits as it asks, false when it cannot go on.
  bool wait_for_tls(int result, Deadline deadline);
  /// Sends what is left of `parts` on the TCP socket itself (gathered), or fails (-1).
  ssize_t send_tcp(std::string_view (&parts)[2], ssize_t total, Deadline deadline);

  int fd_;
  bool tls_ = false;  // TLS was asked for (even if SSL_new failed)
  SSL* ssl_ = nullptr;
};

}  // namespace claimcheck::serve
