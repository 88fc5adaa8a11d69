// The binding's deadlines over real loopback sockets: a request must arrive
// whole within its deadline, however it is trickled.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "serve/connection.hpp"

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

TEST_CASE("waiting for a request ends when the stop descriptor fires, or at end of stream") {
  int fds[2], stop[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  REQUIRE(::pipe(stop) == 0);
  Connection connection(fds[0], nullptr);
  [[maybe_unused]] auto n = ::write(stop[1], "s", 1);
  CHECK_FALSE(connection.wait_for_request(Clock::now() + std::chrono::seconds(30), stop[0]));
  ::close(stop[0]);
  ::close(stop[1]);
  ::close(fds[1]);  // the client goes away
  CHECK_FALSE(connection.wait_for_request(Clock::now() + std::chrono::seconds(30), -1));
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
