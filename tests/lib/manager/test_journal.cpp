// The journal: round trip, bad lines counted, many concurrent processes,
// bounded rotation.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "manager/journal.hpp"
#include "test_support.hpp"

using claimcheck::Journal;
using claimcheck::JournalRecord;
using claimcheck::testing::TempDir;

namespace {

JournalRecord record(int n) {
  JournalRecord r;
  r.time = claimcheck::TimePoint(std::chrono::milliseconds(1767965040123LL + n));
  r.op = n % 2 ? "offload" : "retrieve";
  r.original_bytes = 1000000u + static_cast<unsigned>(n);
  r.stored_bytes = 1000u + static_cast<unsigned>(n);
  r.compressed = n % 3 == 0;
  r.transfer_ms = 12.5;
  r.total_ms = 20.25;
  r.exit_code = n % 7;
  r.key = "claimcheck/2026-01-09/key-" + std::to_string(n);
  return r;
}

std::vector<JournalRecord> read_all(const Journal& journal, std::uint64_t* bad = nullptr) {
  std::vector<JournalRecord> out;
  journal.read([&](const JournalRecord& r) { out.push_back(r); }, bad);
  return out;
}

std::uint64_t file_size(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

/// Forks `processes` children, each appending `per_process` records.
void append_from_processes(const std::string& dir, std::uint64_t max_bytes, int processes,
                           int per_process) {
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        Journal journal(dir, max_bytes);
        for (int i = 0; i < per_process; ++i) journal.append(record(p * 1000 + i));
      } catch (...) {
        code = 1;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

}  // namespace

TEST_CASE("records round trip, oldest first, with a version field") {
  TempDir dir;
  Journal journal(dir / "j");
  for (int n = 0; n < 3; ++n) journal.append(record(n));
  std::uint64_t bad = 99;
  const auto records = read_all(journal, &bad);
  CHECK(bad == 0);
  REQUIRE(records.size() == 3);
  for (int n = 0; n < 3; ++n) {
    const JournalRecord expected = record(n);
    const JournalRecord& got = records[static_cast<std::size_t>(n)];
    CHECK(got.time == expected.time);
    CHECK(got.op == expected.op);
    CHECK(got.original_bytes == expected.original_bytes);
    CHECK(got.stored_bytes == expected.stored_bytes);
    CHECK(got.compressed == expected.compressed);
    CHECK(got.transfer_ms == expected.transfer_ms);
    CHECK(got.total_ms == expected.total_ms);
    CHECK(got.exit_code == expected.exit_code);
    CHECK(got.key == expected.key);
  }
  const std::string text = claimcheck::testing::read_file(journal.path());
  CHECK(text.starts_with(R"({"v":1,"time":"2026-01-09T13:24:00.123Z","op":"retrieve",)"));
}

TEST_CASE("a record names its store when it has one; an older line without one reads as none") {
  TempDir dir;
  Journal journal(dir / "j");
  JournalRecord with_store = record(1);
  with_store.store = "s3://bucket";
  journal.append(with_store);
  journal.append(record(2));
  const auto records = read_all(journal);
  REQUIRE(records.size() == 2);
  CHECK(records[0].store == "s3://bucket");
  CHECK(records[1].store.empty());
  const std::string text = claimcheck::testing::read_file(journal.path());
  CHECK(text.find(R"("store":"s3://bucket")") != std::string::npos);
  CHECK(text.find(R"("store":)", text.find('\n')) == std::string::npos);  // the second line has none
}

TEST_CASE("the journal directory is created private") {
  TempDir dir;
  Journal journal(dir / "a/b/journal");
  journal.append(record(1));
  struct stat st {};
  REQUIRE(stat((dir / "a/b/journal").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(stat(journal.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("unparsable and other-version lines are counted, not fatal") {
  TempDir dir;
  Journal journal(dir.path());
  journal.append(record(1));
  {
    std::ofstream out(journal.path(), std::ios::app);
    out << "not json\n{\"v\":2,\"op\":\"future\"}\n{\"v\":1,\"op\":\"offload\"}\n";
  }
  journal.append(record(2));
  std::uint64_t bad = 0;
  const auto records = read_all(journal, &bad);
  CHECK(records.size() == 2);
  CHECK(bad == 3);
}

TEST_CASE("an empty or absent journal reads as nothing") {
  TempDir dir;
  Journal journal(dir.path());
  std::uint64_t bad = 5;
  CHECK(read_all(journal, &bad).empty());
  CHECK(bad == 0);
}

TEST_CASE("a directory that cannot be created is an Error when appending or reading") {
  TempDir dir;
  claimcheck::testing::write_file(dir / "file", "x");
  Journal journal(dir / "file/sub");
  CHECK_THROWS_AS(journal.append(record(1)), claimcheck::Error);
  CHECK_THROWS_AS(read_all(journal, nullptr), claimcheck::Error);
}

TEST_CASE("reading does not create the directory; the first append does") {
  TempDir dir;
  Journal journal(dir / "state/claimcheck");
  CHECK(read_all(journal, nullptr).empty());
  CHECK_FALSE(std::filesystem::exists(dir / "state"));
  journal.append(record(1));
  CHECK(read_all(journal, nullptr).size() == 1);
}

TEST_CASE("32 concurrent processes leave exactly 32 valid records") {
  TempDir dir;
  append_from_processes(dir.path(), 16u << 20, 32, 1);
  std::uint64_t bad = 0;
  const auto records = read_all(Journal(dir.path()), &bad);
  CHECK(bad == 0);
  CHECK(records.size() == 32);
  std::set<std::string> keys;
  for (const auto& r : records) keys.insert(r.key);
  CHECK(keys.size() == 32);
}

TEST_CASE("rotation keeps each file under max_bytes and the newest records") {
  TempDir dir;
  const std::uint64_t max_bytes = 2000;
  Journal journal(dir.path(), max_bytes);
  for (int n = 0; n < 200; ++n) journal.append(record(n));
  CHECK(file_size(journal.path()) <= max_bytes);
  CHECK(file_size(dir / "journal.1.jsonl") <= max_bytes);
  CHECK(file_size(dir / "journal.1.jsonl") > 0);
  std::uint64_t bad = 0;
  const auto records = read_all(journal, &bad);
  CHECK(bad == 0);
  REQUIRE(!records.empty());
  CHECK(records.size() < 200);
  CHECK(records.back().key == record(199).key);
  // Oldest first and contiguous: .1 then the current file.
  const int first = 200 - static_cast<int>(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i].key == record(first + static_cast<int>(i)).key);
  }
}

TEST_CASE("a record the disk has no room for is not left half written") {
  TempDir dir;
  Journal journal(dir.path(), 1 << 20);
  for (int i = 0; i < 3; ++i) journal.append(record(i));
  const std::uint64_t before = file_size(dir / "journal.jsonl");
  // A child whose files may not grow 40 bytes more: the write stops mid-line,
  // as on a disk that fills (EFBIG here, ENOSPC there).
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{before + 40, before + 40};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(2);
    try {
      Journal(dir.path(), 1 << 20).append(record(3));
    } catch (const claimcheck::Error&) {
      _exit(0);
    }
    _exit(1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(file_size(dir / "journal.jsonl") == before);
  journal.append(record(4));
  std::uint64_t bad = 1;
  const auto records = read_all(journal, &bad);
  CHECK(bad == 0);
  REQUIRE(records.size() == 4);
  CHECK(records.back().key == record(4).key);
}

TEST_CASE("a FIFO, a device or a directory in the journal's place is refused, not written to or read") {
  TempDir dir;
  Journal journal(dir.path(), 1 << 20);
  const std::string path = dir / "journal.jsonl";
  auto refused = [](const std::function<void()>& action) {
    try {
      action();
    } catch (const claimcheck::Error& e) {
      CHECK(e.kind() == claimcheck::ErrorKind::Usage);
      CHECK(std::string(e.what()).find("not a regular file") != std::string::npos);
      return true;
    }
    return false;
  };
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);  // a reader would wait for a writer for ever
  CHECK(refused([&] { journal.append(record(1)); }));
  CHECK(refused([&] { read_all(journal); }));
  std::filesystem::remove(path);
  std::filesystem::create_symlink("/dev/zero", path);  // a reader would read for ever
  CHECK(refused([&] { journal.append(record(1)); }));
  CHECK(refused([&] { read_all(journal); }));
  std::filesystem::remove(path);
  std::filesystem::create_directory(path);  // read as no records before
  CHECK(refused([&] { read_all(journal); }));
}

TEST_CASE("rotation under 32 concurrent processes keeps the bound and loses no line whole") {
  TempDir dir;
  const std::uint64_t max_bytes = 8000;
  append_from_processes(dir.path(), max_bytes, 32, 20);
  CHECK(file_size(dir / "journal.jsonl") <= max_bytes);
  CHECK(file_size(dir / "journal.1.jsonl") <= max_bytes);
  std::uint64_t bad = 0;
  const auto records = read_all(Journal(dir.path(), max_bytes), &bad);
  CHECK(bad == 0);
  // Every surviving line is whole; the rotated file was nearly full when it
  // was rotated, so together the files hold at least max_bytes worth.
  std::size_t longest = 0;
  std::ifstream in(dir / "journal.1.jsonl");
  for (std::string line; std::getline(in, line);) longest = std::max(longest, line.size() + 1);
  REQUIRE(longest > 0);
  CHECK(records.size() >= (max_bytes - longest) / longest);
}
