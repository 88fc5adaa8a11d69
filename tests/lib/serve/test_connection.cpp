// The binding's deadlines over real loopback sockets: a request must arrive
// whole within its deadline, however it is trickled.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "serve/connection.hpp"
#include "serve/idle_connections.hpp"

using namespace claimcheck::serve;
using Clock = std::chrono::steady_clock;

TEST_CASE("a read gives up at its deadline even while bytes keep trickling in") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Connection connection(fds[0], nullptr);
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (int i = 0; i < 40 && !done; ++i) {
      [[maybe_unused]] auto n = ::write(fds[1], "x", 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const auto deadline = Clock::now() + std::chrono::milliseconds(200);
  char buffer[4];
  std::size_t received = 0;
  ssize_t n;
  while ((n = connection.read_some(buffer, sizeof buffer, deadline)) > 0) received += static_cast<std::size_t>(n);
  done = true;
  trickle.join();
  ::close(fds[1]);
  CHECK(n == -1);
  CHECK(received >= 1);
  CHECK(Clock::now() >= deadline);
}

TEST_CASE("readiness: a request's bytes are here, not yet, or never (the client closed)") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Connection connection(fds[0], nullptr);
  const auto now = [] { return Clock::now(); };
  CHECK(connection.readiness(now()) == Connection::Readiness::NotYet);
  const auto deadline = now() + std::chrono::milliseconds(20);
  CHECK(connection.readiness(deadline) == Connection::Readiness::NotYet);
  CHECK(now() >= deadline);  // waited for it
  [[maybe_unused]] auto n = ::write(fds[1], "P", 1);
  CHECK(connection.readiness(now()) == Connection::Readiness::Ready);
  CHECK(connection.readiness(now()) == Connection::Readiness::Ready);  // only looked at, not taken
  char byte;
  CHECK(connection.read_some(&byte, 1, Clock::now() + std::chrono::seconds(5)) == 1);
  ::close(fds[1]);
  CHECK(connection.readiness(now()) == Connection::Readiness::Closed);
}

namespace {

struct Parked : IdleConnection {
  explicit Parked(int fd) : connection(fd, nullptr) {}
  int fd() const override { return connection.fd(); }
  Connection connection;
};

/// Whether the peer of `fd` closed it (end of stream within 10 s).
bool closed_by_peer(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  char byte;
  return ::poll(&pfd, 1, 10'000) == 1 && ::recv(fd, &byte, 1, 0) == 0;
}

}  // namespace

TEST_CASE("idle connections wait off the workers: resumed when bytes come, closed at their deadline or a stop") {
  std::mutex mutex;
  std::condition_variable resumed_cv;
  std::vector<std::unique_ptr<IdleConnection>> resumed;
  IdleConnections idle([&](std::unique_ptr<IdleConnection> connection) {
    std::lock_guard lock(mutex);
    resumed.push_back(std::move(connection));
    resumed_cv.notify_all();
  });
  int talks[2], silent[2], left[2];
  for (int* pair : {talks, silent, left}) REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  const auto later = Clock::now() + std::chrono::seconds(60);
  idle.park(std::make_unique<Parked>(talks[0]), later);
  idle.park(std::make_unique<Parked>(silent[0]), Clock::now() + std::chrono::milliseconds(50));
  idle.park(std::make_unique<Parked>(left[0]), later);

  [[maybe_unused]] auto n = ::write(talks[1], "POST", 4);
  {
    std::unique_lock lock(mutex);
    REQUIRE(resumed_cv.wait_for(lock, std::chrono::seconds(10), [&] { return !resumed.empty(); }));
    CHECK(resumed.front()->fd() == talks[0]);
  }
  CHECK(closed_by_peer(silent[1]));  // its deadline passed
  idle.stop();
  CHECK(closed_by_peer(left[1]));
  int late[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, late) == 0);
  idle.park(std::make_unique<Parked>(late[0]), later);  // after the stop: closed at once
  CHECK(closed_by_peer(late[1]));
  std::lock_guard lock(mutex);
  CHECK(resumed.size() == 1);
  for (int fd : {talks[1], silent[1], left[1], late[1]}) ::close(fd);
}

TEST_CASE("a write that the peer never reads fails at its deadline") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Connection connection(fds[0], nullptr);
  const std::string big(8u << 20, 'y');
  const auto deadline = Clock::now() + std::chrono::milliseconds(200);
  CHECK(connection.write_all(big.data(), big.size(), deadline) == -1);
  CHECK(Clock::now() >= deadline);
  ::close(fds[1]);
}
