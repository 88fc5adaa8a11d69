// Staged outputs: nothing reaches the destination before commit().
#include "manager/staged_output.hpp"

#include "core/cleanup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>
#include <string_view>
#include <cstdint>
#include <vector>

#include "core/posix_file.hpp"
#include "manager/spool.hpp"

namespace claimcheck {
namespace {

constexpr int kMaxLinkHops = 40;  // as Linux's own limit (ELOOP)

struct SplitPath {
  std::string directory, name;
};

SplitPath split_path(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

/// A new file gets the mode open(2) would give it; a replaced file keeps its own.
mode_t final_mode(const std::string& path) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) return existing.st_mode & 07777;
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

/// The kernel's rule for links in a shared directory (fs.protected_symlinks):
/// in a sticky directory anyone may write in (/tmp), a link is followed only
/// when it is the caller's or the directory owner's. We follow links
/// ourselves, so the kernel never applies it: without this, a link another
/// user plants in /tmp chooses the file a root `-o /tmp/out` replaces.
void refuse_link_of_another_user(const std::string& path, const std::string& link, const struct stat& entry) {
  struct stat directory {};
  if (::stat(split_path(link).directory.c_str(), &directory) != 0) throw path_error("write " + path);
  const bool shared = (directory.st_mode & S_ISVTX) && (directory.st_mode & S_IWOTH);
  if (!shared || entry.st_uid == ::geteuid() || entry.st_uid == directory.st_uid) return;
  throw Error(ErrorKind::Usage, "write " + path,
              (link == path ? std::string() : "it leads to " + link + ", ") + "a symbolic link another user (uid " +
                  std::to_string(entry.st_uid) +
                  ") made in a shared directory (sticky, writable by all): not followed, as the kernel "
                  "would not (fs.protected_symlinks)");
}

/// The file a symbolic link leads to, followed link by link (it may not
/// exist yet): the rename then replaces that file and the link stays, as
/// `cat > link` would leave it.
std::string follow_links(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < kMaxLinkHops; ++hops) {
    struct stat entry {};
    if (::lstat(current.c_str(), &entry) != 0 || !S_ISLNK(entry.st_mode)) return current;
    refuse_link_of_another_user(path, current, entry);
    std::vector<char> target(static_cast<std::size_t>(entry.st_size > 0 ? entry.st_size : PATH_MAX) + 1);
    const ssize_t length = ::readlink(current.c_str(), target.data(), target.size());
    if (length < 0 || static_cast<std::size_t>(length) >= target.size()) throw path_error("write " + path);
    const std::string next(target.data(), static_cast<std::size_t>(length));
    current = next.front() == '/' ? next : split_path(current).directory + "/" + next;
  }
  throw Error(ErrorKind::Usage, "write " + path, "too many levels of symbolic links");
}

/// STDOUT_FILENO or STDERR_FILENO when `path` is the file that stream
/// already is (`-o /dev/stdout` with stdout sent to a file), else -1. Such
/// output goes through the stream: a file renamed over it would leave the
/// stream writing to a deleted file, and the output lost.
int standard_stream_at(const std::string& path) {
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return -1;
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat open_file {};
    if (::fstat(fd, &open_file) == 0 && open_file.st_dev == target.st_dev && open_file.st_ino == target.st_ino)
      return fd;
  }
  return -1;
}

void fsync_directory(const std::string& directory) {
  UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());  // best effort: the rename is already done
}

class StagedFile : public StagedOutput {
 public:
  explicit StagedFile(std::string path) : path_(std::move(path)), target_(follow_links(path_)) {
    refuse_special_file();
    SplitPath parts = split_path(target_);
    directory_ = parts.directory;
    // The target's name, hidden and suffixed; one near NAME_MAX is cut so
    // that the staging name still fits (a 240-byte name was refused).
    constexpr std::string_view kSuffix = ".claimcheck-XXXXXX";
    const std::string kept = parts.name.substr(0, NAME_MAX - 1 - kSuffix.size());
    std::string pattern = directory_ + "/." + kept + std::string(kSuffix);
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int failure = 0;
    cleanup_ = CleanupRegistration::made_by([&]() -> std::function<void()> {
      fd_ = UniqueFd(::mkostemp(name.data(), O_CLOEXEC));
      failure = errno;
      if (!fd_.valid()) return [] {};
      return [path = std::string(name.data())] { ::unlink(path.c_str()); };
    });
    if (!fd_.valid()) {
      errno = failure;
      throw unusable_destination();
    }
    temp_path_ = name.data();
  }

  ~StagedFile() override { abort(); }

  void write(const char* data, std::size_t size) override {
    if (done_) throw Error(ErrorKind::Internal, "write " + path_, "output already finished");
    write_all(fd_.get(), data, size, "write " + path_);
    written_ += size;
    start_writeback();
  }

  void commit() override {
    if (done_) throw Error(ErrorKind::Internal, "write " + path_, "output already finished");
    try {
      if (::fchmod(fd_.get(), final_mode(target_)) != 0) throw errno_error("write " + path_);
      if (::fsync(fd_.get()) != 0) throw errno_error("write " + path_);
      if (!fd_.reset()) throw errno_error("write " + path_);
      publish_result([&] {
        if (::rename(temp_path_.c_str(), target_.c_str()) != 0) throw errno_error("write " + path_);
      });
    } catch (...) {
      abort();
      throw;
    }
    done_ = true;
    fsync_directory(directory_);
  }

  void abort() noexcept override {
    if (done_) return;
    done_ = true;
    fd_.reset();
    ::unlink(temp_path_.c_str());
  }

 private:
  /// The path given cannot take a file (missing directory, no permission):
  /// a usage error, unlike a write failing later (disk full).
  Error unusable_destination() const {
    const int failure = errno;
    struct stat directory {};
    // /proc says ENOENT to any new file: the file staged beside the output is
    // what failed, in a directory that is there.
    if (failure == ENOENT && ::stat(directory_.c_str(), &directory) == 0 && S_ISDIR(directory.st_mode))
      return Error(ErrorKind::Usage, "write " + path_,
                   "no file can be created in " + directory_ + " (the output is written beside it, then renamed)");
    errno = failure;
    return path_error("write " + path_);
  }

  /// A directory or socket cannot take the file (devices and pipes are
  /// written by StagedDevice instead).
  void refuse_special_file() const {
    struct stat existing {};
    if (::stat(target_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode))
      throw Error(ErrorKind::Usage, "write " + path_, "not a regular file, character device or pipe");
  }

  /// Starts the disk writing what is written so far, every kWritebackChunk,
  /// without waiting for it: commit's fsync then has little left to wait
  /// for (measured: 0.13-0.18 s at the end of a 256 MiB retrieve). Best
  /// effort; the fsync reports any failure.
  void start_writeback() {
    if (written_ - writeback_from_ < kWritebackChunk) return;
    ::sync_file_range(fd_.get(), static_cast<off_t>(writeback_from_), static_cast<off_t>(written_ - writeback_from_),
                      SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }

  static constexpr std::uint64_t kWritebackChunk = 8u << 20;
  std::uint64_t written_ = 0, writeback_from_ = 0;
  std::string path_;    // as the user gave it, for messages
  std::string target_;  // the file replaced: path_ with its links followed
  std::string directory_, temp_path_;
  UniqueFd fd_;
  CleanupRegistration cleanup_;  // an interrupted process removes the temp file
  bool done_ = false;
};

class StagedStream : public StagedOutput {
 public:
  StagedStream(ByteSink& destination, std::size_t memory_limit)
      : destination_(destination), spool_(memory_limit) {}

  ~StagedStream() override { abort(); }

  void write(const char* data, std::size_t size) override {
    if (done_) throw Error(ErrorKind::Internal, "write output", "output already finished");
    spool_.write(data, size);
  }

  void commit() override {
    if (done_) throw Error(ErrorKind::Internal, "write output", "output already finished");
    done_ = true;
    spool_.copy_to(destination_);
    spool_.clear();
    destination_.flush();
  }

  void abort() noexcept override {
    done_ = true;
    spool_.clear();
  }

 private:
  ByteSink& destination_;
  Spool spool_;
  bool done_ = false;
};

/// Passes on all but the last `tail` bytes written, until released: what a
/// stream's last write is.
class TailHeldBack : public ByteSink {
 public:
  TailHeldBack(ByteSink& destination, std::size_t tail) : destination_(destination), tail_(tail) {}

  void write(const char* data, std::size_t size) override {
    if (size < tail_) {  // small writes: through the held bytes
      held_.append(data, size);
      if (held_.size() <= tail_) return;
      const std::size_t passed = held_.size() - tail_;
      destination_.write(held_.data(), passed);
      held_.erase(0, passed);
      return;
    }
    // Large ones (a payload's chunks) are not copied but for their tail.
    release();
    destination_.write(data, size - tail_);
    held_.assign(data + size - tail_, tail_);
  }

  void release() {
    if (!held_.empty()) destination_.write(held_.data(), held_.size());
    held_.clear();
  }

 private:
  ByteSink& destination_;
  std::size_t tail_;
  std::string held_;
};

/// The command's own output on a stream: spooled as StagedStream is, and its
/// commit is the moment the result is published (core/cleanup.hpp). That
/// moment is its last write, of at most PIPE_BUF bytes, made once the stream
/// has room for it: a signal before it finds the output not yet delivered
/// (offload's objects are removed), one after it finds it delivered (they
/// stay; a whole reference was once left naming a removed object). The
/// earlier writes, and the wait for room, are outside publish_result: they
/// can block on a full pipe, and the signal thread must not. A signal
/// during them ends the command; the stream may then hold part of the
/// output, as any interrupted stream may. (StagedStream alone is also a
/// buffer inside a command, whose commit publishes nothing.)
class PublishedStream : public StagedOutput {
 public:
  PublishedStream(ByteSink& destination, std::size_t memory_limit)
      : destination_(destination), all_but_the_tail_(destination, PIPE_BUF), staged_(all_but_the_tail_, memory_limit) {}
  void write(const char* data, std::size_t size) override { staged_.write(data, size); }
  void commit() override {
    staged_.commit();
    destination_.wait_until_writable();
    publish_result([&] {
      all_but_the_tail_.release();
      destination_.flush();
    });
  }
  void abort() noexcept override { staged_.abort(); }

 private:
  ByteSink& destination_;
  TailHeldBack all_but_the_tail_;
  StagedStream staged_;  // writes into all_but_the_tail_
};

/// A character device (/dev/null, a terminal) or a named pipe: renaming a
/// file over it would replace it, so it is written to, as curl -o does, once
/// everything is verified (spooled until then, like stdout).
class StagedDevice : public StagedOutput {
 public:
  /// `fd`: the device or pipe opened by its path, or a duplicate of our own
  /// stdout or stderr; invalid when that failed (errno says why).
  StagedDevice(UniqueFd fd, const std::string& path)
      : fd_(std::move(fd)), sink_(fd_.get(), path), staged_(sink_, kOutputSpoolMemory) {
    if (!fd_.valid()) throw path_error("write " + path);
  }
  void write(const char* data, std::size_t size) override { staged_.write(data, size); }
  void commit() override { staged_.commit(); }
  void abort() noexcept override { staged_.abort(); }

 private:
  UniqueFd fd_;
  FdSink sink_;
  PublishedStream staged_;
};

bool is_device_or_pipe(const std::string& path) {
  struct stat existing {};
  return ::stat(path.c_str(), &existing) == 0 && (S_ISCHR(existing.st_mode) || S_ISFIFO(existing.st_mode));
}

}  // namespace

std::unique_ptr<StagedOutput> stage_to_file(const std::string& path) {
  if (const int stream = standard_stream_at(path); stream >= 0)
    return std::make_unique<StagedDevice>(UniqueFd(::fcntl(stream, F_DUPFD_CLOEXEC, 0)), path);
  if (is_device_or_pipe(path))
    return std::make_unique<StagedDevice>(UniqueFd(::open(path.c_str(), O_WRONLY | O_CLOEXEC)), path);
  return std::make_unique<StagedFile>(path);
}

std::unique_ptr<StagedOutput> stage_to_stream(ByteSink& destination, std::size_t memory_limit) {
  return std::make_unique<StagedStream>(destination, memory_limit);
}

std::unique_ptr<StagedOutput> stage_to_output_stream(ByteSink& destination) {
  return std::make_unique<PublishedStream>(destination, kOutputSpoolMemory);
}

}  // namespace claimcheck
