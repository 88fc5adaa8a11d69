#include "serve/connection.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <openssl/err.h>

namespace claimcheck::serve {
namespace {

/// Rounded up: a wait never ends before its deadline.
int millis_until(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 60'000));
}

}  // namespace

Connection::Connection(int fd, SSL_CTX* tls) : fd_(fd) {
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  // Responses go out as headers then body: without this, Nagle's algorithm
  // and delayed ACKs add 40 ms to every keep-alive round trip.
  int on = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (tls != nullptr) {
    tls_ = true;
    ssl_ = SSL_new(tls);
    if (ssl_ != nullptr) SSL_set_fd(ssl_, fd_);
  }
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);  // best effort: the socket is non-blocking
    SSL_free(ssl_);
  }
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
}

bool Connection::wait(short events, Deadline deadline) const {
  for (;;) {
    pollfd pfd{fd_, events, 0};
    const int timeout = millis_until(deadline);
    const int ready = ::poll(&pfd, 1, timeout);
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

bool Connection::wait_for_tls(int result, Deadline deadline) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ: return wait(POLLIN, deadline);
    case SSL_ERROR_WANT_WRITE: return wait(POLLOUT, deadline);
    default: return false;
  }
}

bool Connection::handshake(Deadline deadline) {
  if (!tls_) return true;
  if (ssl_ == nullptr) return false;
  for (;;) {
    ERR_clear_error();
    const int result = SSL_accept(ssl_);
    if (result == 1) return true;
    if (!wait_for_tls(result, deadline)) return false;
  }
}

bool Connection::sent_plain_http() const {
  char first = 0;
  return tls_ && ::recv(fd_, &first, 1, MSG_PEEK | MSG_DONTWAIT) == 1 && first >= 'A' && first <= 'Z';
}

void Connection::refuse_in_plain_text(std::string_view response, Deadline deadline) {
  std::string_view parts[2] = {response, {}};
  if (send_tcp(parts, static_cast<ssize_t>(response.size()), deadline) < 0) return;
  close_after_discarding(deadline);
}

void Connection::close_after_discarding(Deadline deadline) {
  ::shutdown(fd_, SHUT_WR);
  char discard[4096];
  for (;;) {
    const ssize_t n = ::recv(fd_, discard, sizeof discard, 0);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || !wait(POLLIN, deadline)) return;
  }
}

Connection::Readiness Connection::readiness(Deadline deadline) const {
  if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return Readiness::Ready;
  for (bool waited = false;; waited = true) {
    char probe;  // the raw bytes, TLS records or not
    const ssize_t n = ::recv(fd_, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return Readiness::Ready;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return Readiness::Closed;
    if (waited || !wait(POLLIN, deadline)) return Readiness::NotYet;
  }
}

ssize_t Connection::read_some(char* buffer, std::size_t size, Deadline deadline) {
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
      if (n > 0) return n;
      if (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN) return 0;
      if (!wait_for_tls(n, deadline)) return -1;
      continue;
    }
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (!wait(POLLIN, deadline)) return -1;
  }
}

ssize_t Connection::write_all(const char* data, std::size_t size, Deadline deadline) {
  return write_all(std::string_view(data, size), std::string_view(), deadline);
}

ssize_t Connection::write_all(std::string_view first, std::string_view second, Deadline deadline) {
  const auto total = static_cast<ssize_t>(first.size() + second.size());
  std::string_view parts[2] = {first, second};  // what is left of each
  for (;;) {
    if (ssl_ != nullptr) {  // TLS: one record at a time, no gathering
      std::string_view& part = parts[0].empty() ? parts[1] : parts[0];
      if (part.empty()) return total;
      ERR_clear_error();
      const int n = SSL_write(ssl_, part.data(), static_cast<int>(std::min<std::size_t>(part.size(), 1 << 30)));
      if (n > 0) {
        part.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (!wait_for_tls(n, deadline)) return -1;
      continue;
    }
    return send_tcp(parts, total, deadline);
  }
}

ssize_t Connection::send_tcp(std::string_view (&parts)[2], ssize_t total, Deadline deadline) {
  for (;;) {
    iovec iov[2];
    std::size_t count = 0;
    for (std::string_view part : parts)
      if (!part.empty()) iov[count++] = {const_cast<char*>(part.data()), part.size()};
    if (count == 0) return total;
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = count;
    const ssize_t n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (n > 0) {
      auto sent = static_cast<std::size_t>(n);
      for (std::string_view& part : parts) {
        const std::size_t taken = std::min(sent, part.size());
        part.remove_prefix(taken);
        sent -= taken;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (!wait(POLLOUT, deadline)) return -1;
  }
}

}  // namespace claimcheck::serve
