// Format: one JSON object per line, {"v":1,"time":"2026-01-09T13:24:00.123Z",
// "op":...,"original_bytes":...,"stored_bytes":...,"compressed":...,
// "transfer_ms":...,"total_ms":...,"exit_code":...,"key":...}. Readers skip
// lines of other versions (counted as bad), so the format can evolve.
//
// Concurrency: every append and read takes flock() on `journal.lock`, a file
// that is never renamed (locking the journal itself would let a waiting
// process append to a file that was rotated away meanwhile). The line is
// written with one write() on an O_APPEND descriptor. Rotation happens under
// the same lock: when the line would take the journal past max_bytes, the
// journal becomes journal.1.jsonl (replacing the previous one), so the two
// files together stay below about 2 x max_bytes.
#include "manager/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/io.hpp"
#include "base/time.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/posix_file.hpp"

namespace claimcheck {
namespace {

constexpr int kVersion = 1;

/// The journal directory is configured (CLAIMCHECK_JOURNAL_DIR): one that
/// cannot be used is a usage error, as for any path the user names.
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  const int error_number = errno;
  throw Error(path_error_kind(error_number), fmt::format("journal {}", path),
              fmt::format("{}: {}", what, base::errno_text(error_number)));
}

/// Closing the descriptor releases any flock held through it.
using Fd = UniqueFd;

Fd lock_journal(const std::string& dir, int operation) {
  const std::string path = dir + "/journal.lock";
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  // A reader may only have read access (stats on someone else's journal).
  if (fd.get() < 0 && operation == LOCK_SH) {
    fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    // Nor may it make or open the lock file (a collector running as another
    // user, in a directory it may only read): it reads unlocked. A rotation
    // meanwhile can then hide or repeat some records of that one reading.
    if (fd.get() < 0) return fd;
  }
  if (fd.get() < 0) fail("lock", path);
  if (base::retry_on_eintr([&] { return ::flock(fd.get(), operation); }) != 0) fail("lock", path);
  return fd;
}

/// Exactly what format_rfc3339_millis writes (2026-01-09T13:24:00.123Z);
/// nullopt otherwise.
std::optional<TimePoint> parse_time(const std::string& text) {
  try {
    const TimePoint time = base::parse_rfc3339(text);
    if (base::format_rfc3339_millis(time) == text) return time;
  } catch (const base::InvalidTimestamp&) {
  }
  return std::nullopt;
}

std::string to_line(const JournalRecord& r) {
  nlohmann::ordered_json j;
  j["v"] = kVersion;
  j["time"] = base::format_rfc3339_millis(r.time);
  j["op"] = r.op;
  j["original_bytes"] = r.original_bytes;
  j["stored_bytes"] = r.stored_bytes;
  j["compressed"] = r.compressed;
  j["transfer_ms"] = r.transfer_ms;
  j["total_ms"] = r.total_ms;
  j["exit_code"] = r.exit_code;
  j["key"] = r.key;
  if (!r.store.empty()) j["store"] = r.store;
  // Replace invalid UTF-8 (keys come from untrusted input) instead of throwing.
  return dump_json_text(j) + "\n";
}

std::optional<JournalRecord> from_line(const std::string& line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || j.value("v", 0) != kVersion) return std::nullopt;
  try {
    JournalRecord r;
    const auto time = parse_time(j.at("time").get<std::string>());
    if (!time) return std::nullopt;
    r.time = *time;
    r.op = j.at("op").get<std::string>();
    r.original_bytes = j.at("original_bytes").get<std::uint64_t>();
    r.stored_bytes = j.at("stored_bytes").get<std::uint64_t>();
    r.compressed = j.at("compressed").get<bool>();
    r.transfer_ms = j.at("transfer_ms").get<double>();
    r.total_ms = j.at("total_ms").get<double>();
    r.exit_code = j.at("exit_code").get<int>();
    r.key = j.at("key").get<std::string>();
    r.store = j.value("store", std::string());
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

/// A FIFO or a device put where the journal goes would take records and
/// lose them, or keep a reader waiting or reading for ever.
Error not_a_regular_file(const std::string& path) {
  return Error(ErrorKind::Usage, fmt::format("journal {}", path), "not a regular file");
}

void read_file(const std::string& path, const std::function<void(const JournalRecord&)>& on_record,
               std::uint64_t& bad_lines) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) throw not_a_regular_file(path);
  std::ifstream in(path);
  // A journal that is there but may not be read is an error, not an empty one.
  if (!in && errno != ENOENT) fail("read", path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (auto record = from_line(line)) {
      on_record(*record);
    } else {
      ++bad_lines;
    }
  }
}

/// Whether the journal's last line lacks its newline (a writer killed, or a
/// disk that filled, mid-line): the next record then starts a line of its
/// own, or it would be read as part of that broken line and lost with it.
bool ends_within_a_line(int fd, off_t size) {
  char last = '\n';
  return size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n';
}

std::string rotated_path(const std::string& dir) { return dir + "/journal.1.jsonl"; }

}  // namespace

Journal::Journal(std::string dir, std::uint64_t max_bytes)
    : dir_(std::move(dir)), path_(dir_ + "/journal.jsonl"), max_bytes_(max_bytes) {
  // Its default lives under XDG_STATE_HOME or HOME: with neither, there is none.
  if (dir_.empty())
    throw Error(ErrorKind::Usage, "journal",
                "no directory: neither XDG_STATE_HOME nor HOME is set (set CLAIMCHECK_JOURNAL_DIR)");
}

void Journal::append(const JournalRecord& record) {
  // Made by the first record, not by a reader: stats on a machine where
  // nothing was journaled (a read-only HOME) has nothing to read.
  std::error_code error;
  const bool created = std::filesystem::create_directories(dir_, error);
  if (error) throw Error(path_error_kind(error.value()), fmt::format("journal {}", dir_), error.message());
  // Timings and keys are nobody else's business; a directory the user made
  // keeps the mode they chose.
  if (created) ::chmod(dir_.c_str(), 0700);
  const std::string line = to_line(record);
  const Fd lock = lock_journal(dir_, LOCK_EX);
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && st.st_size > 0 &&
      static_cast<std::uint64_t>(st.st_size) + line.size() > max_bytes_) {
    if (::rename(path_.c_str(), rotated_path(dir_).c_str()) != 0) fail("rotate", path_);
  }
  const Fd out(::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (out.get() < 0) fail("open", path_);
  struct stat opened {};
  if (::fstat(out.get(), &opened) != 0) fail("open", path_);
  if (!S_ISREG(opened.st_mode)) throw not_a_regular_file(path_);
  const std::string text = (ends_within_a_line(out.get(), opened.st_size) ? "\n" : "") + line;
  if (!base::write_all(out.get(), text.data(), text.size())) {
    // A disk that filled mid-line would leave half a record, read as an
    // unreadable line ever after: cut it off (no other writer holds the lock).
    const int write_error = errno;
    const bool cut = ::ftruncate(out.get(), opened.st_size) == 0;
    static_cast<void>(cut);  // should that fail too, the write's failure is the one to report
    errno = write_error;
    fail("append", path_);
  }
}

void Journal::read(const std::function<void(const JournalRecord&)>& on_record,
                   std::uint64_t* bad_lines) const {
  std::uint64_t bad = 0;
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0 && errno == ENOENT) {  // nothing journaled yet
    if (bad_lines != nullptr) *bad_lines = 0;
    return;
  }
  {
    // Shared lock: no rotation between reading the two files.
    const Fd lock = lock_journal(dir_, LOCK_SH);
    read_file(rotated_path(dir_), on_record, bad);
    read_file(path_, on_record, bad);
  }
  if (bad_lines != nullptr) *bad_lines = bad;
}

}  // namespace claimcheck
