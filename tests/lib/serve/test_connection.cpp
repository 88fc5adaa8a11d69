// The binding's deadlines over real loopback sockets: a request must arrive
// whole within its deadline, however it is trickled.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "serve/connection.hpp"
#include "serve/idle_connections.hpp"
#include "serve/listener.hpp"

#include "core/error.hpp"

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

namespace {

/// A socket listening on a free loopback port; returns (fd, port).
std::pair<int, int> listen_on_loopback() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(::listen(fd, 16) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  return {fd, ntohs(address.sin_port)};
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

}  // namespace

TEST_CASE("the listener hands over each connection, non-blocking, until its stop") {
  const auto [listening, port] = listen_on_loopback();
  std::vector<std::string> log;
  ConnectionCount open;
  Listener listener(listening, SIZE_MAX, open, [&](const std::string& line) { log.push_back(line); });
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> accepted;
  std::thread running([&] {
    listener.run([&](int fd) {
      std::lock_guard lock(mutex);
      accepted.push_back(fd);
      changed.notify_all();
    });
  });
  const int clients[] = {connect_to(port), connect_to(port)};
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return accepted.size() == 2; }));
  }
  listener.stop();
  running.join();
  for (int fd : accepted) {
    CHECK((::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    ::close(fd);
  }
  CHECK(log.empty());
  for (int fd : clients) ::close(fd);
  ::close(listening);
}

TEST_CASE("a listener stopped before it runs returns at once, accepting nothing") {
  const auto [listening, port] = listen_on_loopback();
  const int client = connect_to(port);  // waiting in the kernel's queue
  ConnectionCount open;
  Listener listener(listening, SIZE_MAX, open, nullptr);
  listener.stop();
  int accepted = 0;
  listener.run([&](int fd) {
    ++accepted;
    ::close(fd);
  });
  CHECK(accepted == 0);
  ::close(client);
  ::close(listening);
}

TEST_CASE("a listening socket that fails for good is an error, not the end of serving") {
  // httplib took any failure but EMFILE for a stop: serve said "stopped" and exited 0.
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  [[maybe_unused]] auto n = ::write(pipe_fds[1], "x", 1);  // readable, and not a socket
  ConnectionCount open;
  Listener listener(pipe_fds[0], SIZE_MAX, open, nullptr);
  std::string what;
  try {
    listener.run([](int fd) { ::close(fd); });
  } catch (const claimcheck::Error& e) {
    what = e.what();
  }
  CHECK(what.find("accepting connections failed: Socket operation on non-socket") != std::string::npos);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

/// A listener running on a thread of its own, with what it logs and accepts,
/// under one lock. The thread is running once this is made: clang's UBSan
/// checks a new thread's vptr through a pipe as it starts, and takes the lack
/// of one (a test that fills the descriptors) for a bad object.
struct RunningListener {
  RunningListener(int listening, std::size_t max_connections, ConnectionCount& connections)
      : listener(listening, max_connections, connections, [this](const std::string& line) { add(log, line); }),
        thread([this] {
          add(started, true);
          listener.run([this](int fd) { add(accepted, fd); });
        }) {
    REQUIRE(wait_until([&] { return started; }));
  }
  ~RunningListener() {
    if (thread.joinable()) stop();
  }
  void stop() {
    listener.stop();
    thread.join();
  }
  /// Whether `condition` holds, under the lock, within 10 s.
  template <class Condition>
  bool wait_until(Condition condition) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), condition);
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> log;
  std::vector<int> accepted;
  bool started = false;
  Listener listener;
  std::thread thread;

 private:
  template <class To, class Value>
  void add(To& to, Value value) {
    std::lock_guard lock(mutex);
    if constexpr (std::is_same_v<To, bool>) to = value;
    else to.push_back(std::move(value));
    changed.notify_all();
  }
};

TEST_CASE("at its most connections the listener accepts no more, says so once, and goes on when one closes") {
  const auto [listening, port] = listen_on_loopback();
  ConnectionCount open;
  open.opened();
  open.opened();
  RunningListener running(listening, 2, open);
  const int client = connect_to(port);
  {
    std::unique_lock lock(running.mutex);
    REQUIRE(running.changed.wait_for(lock, std::chrono::seconds(10), [&] { return !running.log.empty(); }));
    CHECK(running.log.front().starts_with("serve: connections open: 2, the most the open-file limit (ulimit -n "));
    CHECK(running.log.front().ends_with(") allows with room for their store requests; new connections wait until others close"));
    CHECK(running.accepted.empty());
  }
  CHECK(open.others_wait());  // the open connections should take turns with this one
  open.closed();  // one closes, which wakes the listener
  REQUIRE(running.wait_until([&] { return running.accepted.size() == 1; }));
  CHECK_FALSE(open.others_wait());
  running.stop();
  CHECK(running.log == std::vector<std::string>{running.log.front(), "serve: accepting connections again"});
  ::close(running.accepted.front());
  ::close(client);
  ::close(listening);
}

TEST_CASE("out of descriptors the listener says so, has open connections take turns, and accepts once one is free") {
  // Below the cap, an S3 store's sockets can take the descriptors: accept then
  // failed with EMFILE, and connections that kept sending kept their place.
  const auto [listening, port] = listen_on_loopback();
  ConnectionCount open;
  RunningListener running(listening, SIZE_MAX, open);  // running before descriptors run out
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  const int highest = ::fcntl(listening, F_DUPFD_CLOEXEC, 0);
  REQUIRE(highest >= 0);
  ::close(highest);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(highest) + 16;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::fcntl(listening, F_DUPFD_CLOEXEC, 0)) >= 0;) fillers.push_back(fd);
  REQUIRE(errno == EMFILE);
  ::close(fillers.back());  // the client's socket, and none left to accept it
  fillers.pop_back();
  const int client = connect_to(port);
  {
    std::unique_lock lock(running.mutex);
    REQUIRE(running.changed.wait_for(lock, std::chrono::seconds(10), [&] { return !running.log.empty(); }));
    CHECK(running.log.front().starts_with("serve: cannot accept a connection: Too many open files"));
    CHECK(running.accepted.empty());
  }
  CHECK(open.others_wait());
  ::close(fillers.back());  // a connection gives its place up
  fillers.pop_back();
  REQUIRE(running.wait_until([&] { return running.accepted.size() == 1; }));
  CHECK_FALSE(open.others_wait());
  running.stop();
  for (int fd : fillers) ::close(fd);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  ::close(running.accepted.front());
  ::close(client);
  ::close(listening);
}

TEST_CASE("a connection's close wakes the listener only while others wait for a place") {
  // The listener looked at the count again every millisecond while
  // connections waited: 0.14-0.15 s of CPU in 5 s while idle connections
  // held every place (forty-third audit).
  ConnectionCount connections;
  const auto readable = [&] {
    pollfd ready{.fd = connections.closed_fd(), .events = POLLIN, .revents = 0};
    return ::poll(&ready, 1, 0) == 1;
  };
  connections.opened();
  connections.opened();
  connections.closed();
  CHECK(connections.open() == 1);
  CHECK_FALSE(readable());  // no one waits: no wake-up to make
  connections.set_others_wait(true);
  connections.closed();
  CHECK(connections.open() == 0);
  CHECK(readable());
  connections.read_closed();
  CHECK_FALSE(readable());
}
