// File-descriptor and in-memory streams.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <string>
#include <thread>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/stream.hpp"

using namespace claimcheck;

namespace {
std::string read_all(ByteSource& source, std::size_t chunk) {
  std::string out;
  std::string buffer(chunk, '\0');
  while (const std::size_t n = source.read(buffer.data(), buffer.size())) out.append(buffer.data(), n);
  return out;
}

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
};
}  // namespace

TEST_CASE("StringSource hands out its data in chunks, then 0") {
  StringSource source("hello, world");
  CHECK(read_all(source, 5) == "hello, world");
  char c;
  CHECK(source.read(&c, 1) == 0);
  StringSource empty("");
  CHECK(empty.read(&c, 1) == 0);
}

TEST_CASE("in-memory sources say how much is left; a descriptor does not know") {
  StringSource owned("hello, world");
  CHECK(owned.remaining() == std::uint64_t{12});
  char buffer[5];
  CHECK(owned.read(buffer, sizeof buffer) == 5);
  CHECK(owned.remaining() == std::uint64_t{7});

  const std::string kept = "a view of bytes the caller keeps";
  ViewSource view(kept);
  CHECK(view.remaining() == std::uint64_t{kept.size()});
  CHECK(read_all(view, 7) == kept);
  CHECK(view.remaining() == std::uint64_t{0});
  CHECK(view.read(buffer, 1) == 0);

  FdSource stdin_source(0);
  CHECK_FALSE(stdin_source.remaining().has_value());
}

TEST_CASE("FdSink writes everything through a pipe larger than its buffer") {
  // 1 MiB does not fit a pipe buffer (64 KiB), so writes come back short or block.
  const std::string payload(1 << 20, 'x');
  Pipe pipe;
  std::string received;
  std::thread reader([&] {
    FdSource source(pipe.fds[0], "pipe");
    received = read_all(source, 4096);
  });
  FdSink sink(pipe.fds[1], "pipe");
  sink.write(payload.data(), payload.size());
  pipe.close_write();
  reader.join();
  CHECK(received == payload);
}

TEST_CASE("non-blocking descriptors: short writes and EAGAIN are waited out, not errors") {
  const std::string payload = std::string(1 << 20, 'y') + "end";
  Pipe pipe;
  for (const int fd : pipe.fds) REQUIRE(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
  std::string received;
  std::thread reader([&] {
    FdSource source(pipe.fds[0], "pipe");
    received = read_all(source, 1000);
  });
  FdSink sink(pipe.fds[1], "pipe");
  sink.write(payload.data(), payload.size());
  pipe.close_write();
  reader.join();
  CHECK(received == payload);
}

namespace {
std::atomic<int> signals_seen{0};
void count_signal(int) { signals_seen.fetch_add(1); }
}  // namespace

TEST_CASE("a read interrupted by signals (EINTR) carries on") {
  // Without SA_RESTART a blocked read() fails with EINTR on every signal.
  struct sigaction action {};
  action.sa_handler = count_signal;
  REQUIRE(::sigaction(SIGUSR1, &action, nullptr) == 0);
  Pipe pipe;
  std::string received;
  std::atomic<bool> failed{false};
  std::thread reader([&] {
    try {
      FdSource source(pipe.fds[0], "pipe");
      received = read_all(source, 64);
    } catch (const Error&) {
      failed = true;
    }
  });
  while (signals_seen.load() < 200 && !failed.load()) {
    ::pthread_kill(reader.native_handle(), SIGUSR1);
    std::this_thread::yield();
  }
  FdSink sink(pipe.fds[1], "pipe");
  sink.write("payload", 7);
  pipe.close_write();
  reader.join();
  CHECK_FALSE(failed.load());
  CHECK(received == "payload");
}

TEST_CASE("writing to a pipe nobody reads is an Error naming the stream, not a signal") {
  std::signal(SIGPIPE, SIG_IGN);
  Pipe pipe;
  pipe.close_read();
  FdSink sink(pipe.fds[1], "the output pipe");
  try {
    sink.write("abc", 3);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.what_failed() == "cannot write the output pipe");
    CHECK(e.why() == "Broken pipe");
    CHECK(e.kind() == ErrorKind::ReaderGone);
    CHECK(exit_code(e.kind()) == 141);
  }
}

TEST_CASE("reading a bad descriptor is an Error naming the stream") {
  FdSource source(-1, "input.json");
  char buffer[4];
  CHECK_THROWS_WITH_AS(source.read(buffer, sizeof buffer), "cannot read input.json: Bad file descriptor", Error);
}

TEST_CASE("Error keeps kind, what and why, and joins them for what()") {
  const Error e(ErrorKind::Integrity, "cannot retrieve k", "sha256 mismatch");
  CHECK(e.kind() == ErrorKind::Integrity);
  CHECK(exit_code(e.kind()) == 5);
  CHECK(std::string(e.what()) == "cannot retrieve k: sha256 mismatch");
  CHECK(std::string(Error(ErrorKind::Usage, "bad flag", "").what()) == "bad flag");
}
