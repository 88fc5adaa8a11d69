#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/posix_file.hpp"
#include "manager/staged_output.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

std::size_t entries_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

void write_string(ByteSink& sink, const std::string& text) { sink.write(text.data(), text.size()); }

}  // namespace

TEST_CASE("stage_to_file: the destination appears only on commit, complete") {
  TempDir dir;
  std::string path = dir / "out.bin";
  auto staged = stage_to_file(path);
  write_string(*staged, "hello ");
  write_string(*staged, "world");
  CHECK_FALSE(std::filesystem::exists(path));
  staged->commit();
  CHECK(read_file(path) == "hello world");
  CHECK(entries_in(dir.path()) == 1);  // no temp file left
}

TEST_CASE("stage_to_file: a name of up to NAME_MAX bytes is staged beside it and appears on commit") {
  TempDir dir;
  for (std::size_t length : {200u, 237u, 255u}) {
    const std::string path = dir / std::string(length, 'n');
    auto staged = stage_to_file(path);
    write_string(*staged, "long");
    staged->commit();
    CHECK(read_file(path) == "long");
    std::filesystem::remove(path);
  }
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("stage_to_file: abort leaves an existing destination untouched and no temp file") {
  TempDir dir;
  std::string path = dir / "out.bin";
  write_file(path, "previous");
  {
    auto staged = stage_to_file(path);
    write_string(*staged, "new content");
    staged->abort();
  }
  CHECK(read_file(path) == "previous");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("stage_to_file: destruction without commit discards the output") {
  TempDir dir;
  std::string path = dir / "out.bin";
  { auto staged = stage_to_file(path); write_string(*staged, "partial"); }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("stage_to_file: commit replaces an existing file and keeps its mode") {
  TempDir dir;
  std::string path = dir / "out.bin";
  write_file(path, "old");
  ::chmod(path.c_str(), 0640);
  auto staged = stage_to_file(path);
  write_string(*staged, "new");
  staged->commit();
  CHECK(read_file(path) == "new");
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0640);
}

TEST_CASE("stage_to_file: a missing directory is one clear error") {
  TempDir dir;
  std::string path = dir / "missing/out.bin";
  try {
    stage_to_file(path);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.what_failed() == "write " + path);
    CHECK(e.why() == "No such file or directory");
  }
}

TEST_CASE("stage_to_file: a device is written to, not replaced") {
  auto out = stage_to_file("/dev/null");
  write_string(*out, "discarded");
  out->commit();
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("stage_to_file: a named pipe receives the output on commit, and nothing before") {
  TempDir dir;
  const std::string fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Open the reading end first (non-blocking), so the writer's open does not wait.
  UniqueFd reader(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK));
  REQUIRE(reader.valid());
  auto out = stage_to_file(fifo);
  write_string(*out, "payload");
  char buffer[16];
  CHECK(::read(reader.get(), buffer, sizeof buffer) <= 0);  // nothing yet
  out->commit();
  CHECK(::read(reader.get(), buffer, sizeof buffer) == 7);
  CHECK(std::string(buffer, 7) == "payload");
  CHECK(entries_in(dir.path()) == 1);  // no temp file beside the pipe
}

TEST_CASE("stage_to_file: a link is followed; the file it leads to is replaced, the link kept") {
  TempDir dir;
  const std::string target = dir / "target.txt", link = dir / "link.txt", dangling = dir / "dangling";
  write_file(target, "old");
  std::filesystem::create_symlink("target.txt", link);
  std::filesystem::create_symlink("sub/../new.txt", dangling);
  std::filesystem::create_directory(dir / "sub");
  for (const std::string& path : {link, dangling}) {
    auto staged = stage_to_file(path);
    write_string(*staged, "new");
    staged->commit();
    CHECK(std::filesystem::is_symlink(path));
  }
  CHECK(read_file(target) == "new");
  CHECK(read_file(dir / "new.txt") == "new");
}

TEST_CASE("stage_to_file: our own stdout, named by a path, is written through, not replaced") {
  TempDir dir;
  const std::string captured = dir / "captured", link = dir / "stdout";
  std::filesystem::create_symlink("/proc/self/fd/1", link);
  std::fflush(stdout);
  const UniqueFd saved(::dup(STDOUT_FILENO));
  {
    const UniqueFd file(::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    REQUIRE(::dup2(file.get(), STDOUT_FILENO) == STDOUT_FILENO);
  }
  auto staged = stage_to_file(link);
  write_string(*staged, "through stdout");
  staged->commit();
  staged.reset();
  ::dup2(saved.get(), STDOUT_FILENO);
  CHECK(read_file(captured) == "through stdout");
  CHECK(std::filesystem::is_symlink(link));
}

TEST_CASE("stage_to_file: a directory cannot take the output") {
  TempDir dir;
  CHECK_THROWS_AS(stage_to_file(dir.path()), Error);
}

TEST_CASE("stage_to_stream: nothing reaches the destination before commit") {
  StringSink destination;
  auto staged = stage_to_stream(destination, 4);
  write_string(*staged, "0123456789");  // past the memory bound: spills to a temp file
  write_string(*staged, "abc");
  CHECK(destination.data().empty());
  staged->commit();
  CHECK(destination.data() == "0123456789abc");
}

TEST_CASE("stage_to_stream: abort hands nothing over") {
  StringSink destination;
  {
    auto staged = stage_to_stream(destination, 4);
    write_string(*staged, "0123456789");
    staged->abort();
  }
  CHECK(destination.data().empty());
}

TEST_CASE("stage_to_stream: large output round-trips byte for byte through the temp file") {
  std::string payload;
  for (int i = 0; i < 300000; ++i) payload += static_cast<char>((static_cast<unsigned>(i) * 7919u) & 0xffu);
  StringSink destination;
  auto staged = stage_to_stream(destination, 1000);
  for (std::size_t at = 0; at < payload.size(); at += 4096)
    staged->write(payload.data() + at, std::min<std::size_t>(4096, payload.size() - at));
  staged->commit();
  CHECK(destination.data() == payload);
}
