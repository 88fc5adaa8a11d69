// base/io.hpp: the EINTR retry, complete writes through a non-blocking pipe
// (EAGAIN waited out), reads to the end, and the copy loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.hpp"

namespace {

/// Both ends of a pipe, closed when the test ends.
struct PipeEnds {
  int read_end = -1, write_end = -1;
  PipeEnds() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~PipeEnds() {
    for (const int fd : {read_end, write_end})
      if (fd >= 0) ::close(fd);
  }
  void close_writer() {
    ::close(write_end);
    write_end = -1;
  }
};

std::string drain(int fd, std::size_t chunk) {
  std::string out;
  std::vector<char> buffer(chunk);
  ssize_t n;
  while ((n = base::read_some(fd, buffer.data(), buffer.size())) > 0)
    out.append(buffer.data(), static_cast<std::size_t>(n));
  REQUIRE(n == 0);
  return out;
}

}  // namespace

TEST_CASE("retry_on_eintr calls again after EINTR, and only after EINTR") {
  struct Case {
    std::vector<int> errors;  // errno of each failing call, in order, before a success
    int calls;
    int result;
  };
  const std::vector<Case> cases = {
      {{}, 1, 7},
      {{EINTR}, 2, 7},
      {{EINTR, EINTR, EINTR}, 4, 7},
      {{EAGAIN}, 1, -1},
      {{EINTR, EIO}, 2, -1},
  };
  for (const Case& c : cases) {
    int calls = 0;
    const int result = base::retry_on_eintr([&] {
      const std::size_t index = static_cast<std::size_t>(calls++);
      if (index == c.errors.size()) return 7;
      errno = c.errors[index];
      return -1;
    });
    CAPTURE(c.calls);
    CHECK(calls == c.calls);
    CHECK(result == c.result);
  }
}

TEST_CASE("write_all writes everything through a full non-blocking pipe; read_some reads it to the end") {
  PipeEnds pipe;
  REQUIRE(::fcntl(pipe.write_end, F_SETFL, O_NONBLOCK) == 0);
  // Several times a pipe's 64 KiB buffer: the writer meets EAGAIN and waits.
  std::string payload(1u << 20, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i % 251);
  std::string received;
  std::thread reader([&] { received = drain(pipe.read_end, 1000); });
  CHECK(base::write_all(pipe.write_end, payload.data(), payload.size()));
  pipe.close_writer();
  reader.join();
  CHECK(received == payload);
}

TEST_CASE("write_all and read_some report failures through errno") {
  char byte = 0;
  errno = 0;
  CHECK_FALSE(base::write_all(-1, &byte, 1));
  CHECK(errno == EBADF);
  errno = 0;
  CHECK(base::read_some(-1, &byte, 1) == -1);
  CHECK(errno == EBADF);
  CHECK(base::write_all(-1, &byte, 0));  // nothing to write: no call at all
}

TEST_CASE("copy_all moves every byte whatever the buffer and piece sizes") {
  std::string source(100000, '\0');
  for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>(i * 31);
  struct Case {
    std::size_t buffer, piece;  // the reader hands out at most `piece` bytes a call
  };
  for (const Case c : {Case{1, 1}, Case{7, 3}, Case{4096, 5000}, Case{65536, 65536}, Case{1 << 20, 999}}) {
    CAPTURE(c.buffer);
    CAPTURE(c.piece);
    std::size_t offset = 0, reads = 0;
    const auto read = [&](char* buffer, std::size_t capacity) {
      ++reads;
      const std::size_t n = std::min({capacity, c.piece, source.size() - offset});
      source.copy(buffer, n, offset);
      offset += n;
      return n;
    };
    std::string copied;
    const auto write = [&](const char* data, std::size_t size) { copied.append(data, size); };
    const std::uint64_t total = base::copy_all(read, write, c.buffer);
    CHECK(total == source.size());
    CHECK(copied == source);
    CHECK(reads == (source.size() + std::min(c.buffer, c.piece) - 1) / std::min(c.buffer, c.piece) + 1);
  }
}

TEST_CASE("copy_all of an empty source writes nothing") {
  bool written = false;
  const auto nothing = [](char*, std::size_t) { return std::size_t{0}; };
  CHECK(base::copy_all(nothing, [&](const char*, std::size_t) { written = true; }) == 0);
  CHECK_FALSE(written);
}

TEST_CASE("read_small_file reads a file whole, refuses one past the limit, and never blocks on a FIFO") {
  char dir_template[] = "/tmp/claimcheck-io-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const std::string file = dir + "/config";
  {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(base::write_all(fd, "key = value\n", 12));
    ::close(fd);
  }
  const auto whole = base::read_small_file(file, 12);
  REQUIRE(whole.has_value());
  CHECK(*whole == "key = value\n");

  errno = 0;
  CHECK_FALSE(base::read_small_file(file, 11).has_value());
  CHECK(errno == EFBIG);
  // A device that never ends stops at the limit instead of filling memory.
  errno = 0;
  CHECK_FALSE(base::read_small_file("/dev/zero", base::kSmallFileLimit).has_value());
  CHECK(errno == EFBIG);
  errno = 0;
  CHECK_FALSE(base::read_small_file(dir, base::kSmallFileLimit).has_value());
  CHECK(errno == EISDIR);
  errno = 0;
  CHECK_FALSE(base::read_small_file(dir + "/absent", base::kSmallFileLimit).has_value());
  CHECK(errno == ENOENT);

  // Opening a FIFO for reading waits for a writer; nobody will come.
  const std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto nothing = base::read_small_file(fifo, base::kSmallFileLimit);
  REQUIRE(nothing.has_value());
  CHECK(nothing->empty());

  // A pipe with a writer (what `<(...)` names) is read to its end.
  PipeEnds pipe;
  REQUIRE(base::write_all(pipe.write_end, "from a pipe", 11));
  pipe.close_writer();
  const auto piped = base::read_small_file("/proc/self/fd/" + std::to_string(pipe.read_end), 64);
  REQUIRE(piped.has_value());
  CHECK(*piped == "from a pipe");

  ::unlink(fifo.c_str());
  ::unlink(file.c_str());
  ::rmdir(dir.c_str());
}
