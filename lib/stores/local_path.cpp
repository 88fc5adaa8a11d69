#include "stores/local_path.hpp"

#include "base/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/posix_file.hpp"
#include "reference/reference.hpp"

namespace claimcheck {
namespace {

/// NAME_MAX of Linux file systems.
constexpr std::size_t kLongestFileName = 255;

[[noreturn]] void refuse(std::string_view key, std::string_view why) {
  throw Error(ErrorKind::InvalidInput, fmt::format("key '{}'", key),
              fmt::format("{}: it would leave the store's directory or clash with its files", why));
}

/// The directories of `segments` up to and including the one at `last`.
std::string directory_path(const std::vector<std::string>& segments, std::size_t last) {
  std::string path = segments[0];
  for (std::size_t i = 1; i <= last; ++i) path += "/" + segments[i];
  return path;
}

bool is_symlink_at(int dir_fd, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

bool is_reserved_name(std::string_view name) {
  return name.starts_with(kTempPrefix) || name.ends_with(kSidecarSuffix);
}

std::vector<std::string> key_segments(std::string_view key) {
  validate_key(key);  // the rules of every store: no "..", absolute path, control characters...
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = key.find('/', start);
    const std::string_view segment = key.substr(start, slash - start);
    if (is_reserved_name(segment)) refuse(key, fmt::format("reserved name '{}'", segment));
    // S3 takes it; a file name cannot hold it (the sidecar's name is longer still).
    if (segment.size() + kSidecarSuffix.size() > kLongestFileName)
      throw Error(ErrorKind::InvalidInput, fmt::format("key '{}'", key),
                  fmt::format("a segment of {} bytes: the local store's file names hold at most {}", segment.size(),
                              kLongestFileName - kSidecarSuffix.size()));
    segments.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

Error local_store_error(std::string what, int error_number) {
  const bool our_limit = base::out_of_descriptors(error_number);
  Error error(our_limit ? ErrorKind::Internal : ErrorKind::Store, std::move(what), base::errno_text(error_number));
  error.local_limit = our_limit;
  return error;
}

/// The store's directory is a path the user named (or the default one): one
/// that cannot be used, such as a file, is a usage error (exit 2) as the
/// journal directory's is; anything else (EIO...) stays a store error.
[[noreturn]] void base_failed(const std::string& base, int error_number) {
  const ErrorKind kind = path_error_kind(error_number);
  if (kind == ErrorKind::Usage) throw Error(kind, "file://" + base, std::strerror(error_number));
  throw local_store_error("file://" + base, error_number);
}

void store_path_failed(const std::string& base, std::string_view action, std::string_view path,
                       int error_number) {
  if (error_number == EACCES || error_number == EPERM || error_number == EROFS)
    throw Error(ErrorKind::Usage, "file://" + base,
                fmt::format("{} '{}': {}", action, path, std::strerror(error_number)));
  // "." is the store's directory itself: 'file:///dir', not 'file:///dir/.'.
  throw local_store_error(path == "." ? fmt::format("{} 'file://{}'", action, base)
                                      : fmt::format("{} 'file://{}/{}'", action, base, path),
                          error_number);
}

UniqueFd open_base(const std::string& base, bool create) {
  UniqueFd fd(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid() || errno != ENOENT || !create) {
    if (!fd.valid() && errno != ENOENT) base_failed(base, errno);
    return fd;
  }
  std::error_code error;
  std::filesystem::create_directories(base, error);
  if (error) base_failed(base, error.value());
  ::chmod(base.c_str(), 0700);  // payloads are private by default
  fd = UniqueFd(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) base_failed(base, errno);
  return fd;
}

void symlink_refused(std::string_view key) { refuse(key, "symbolic link in the path"); }

UniqueFd open_parent(int base_fd, const std::string& base, const std::vector<std::string>& segments, bool create,
                     std::string_view key) {
  for (int attempt = 1;; ++attempt) {
    // ENOENT while creating: a directory made or opened on the way was
    // pruned (it was empty) by a concurrent remove(); walk again.
    const bool may_retry = create && attempt < kPruneRaceAttempts;
    UniqueFd current(::dup(base_fd));
    if (!current.valid()) store_path_failed(base, "open", ".", errno);
    bool pruned = false;
    for (std::size_t i = 0; i + 1 < segments.size() && !pruned; ++i) {
      const char* name = segments[i].c_str();
      if (create && ::mkdirat(current.get(), name, 0700) != 0 && errno != EEXIST) {
        if (errno == ENOENT && may_retry) {
          pruned = true;
          continue;
        }
        store_path_failed(base, "create", directory_path(segments, i), errno);
      }
      UniqueFd next(::openat(current.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.valid()) {
        const int error = errno;
        if (is_symlink_at(current.get(), segments[i])) symlink_refused(key);
        errno = error;
        if ((error == ENOENT || error == ENOTDIR) && !create) return UniqueFd();
        if (error == ENOENT && may_retry) {
          pruned = true;
          continue;
        }
        if (error == ENOTDIR) {
          throw Error(ErrorKind::Store, fmt::format("key '{}'", key),
                      fmt::format("'{}' is an object, not a directory", segments[i]));
        }
        store_path_failed(base, "open", directory_path(segments, i), error);
      }
      current = std::move(next);
    }
    if (!pruned) return current;
  }
}

}  // namespace claimcheck
