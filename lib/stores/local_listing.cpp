#include "stores/local_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "reference/keys.hpp"
#include "stores/local_path.hpp"
#include "core/posix_file.hpp"

namespace claimcheck {
namespace {

struct Entry {
  std::string name;
  std::string sort_key;  // directories sort as "name/", like their keys
  bool directory = false;
  std::uint64_t size = 0;
  TimePoint modified{};
};

TimePoint mtime(const struct stat& st) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

/// What a walk collects besides directories: the objects, or the temp files.
enum class Want { Objects, TempFiles };

}  // namespace

bool is_orphan_sidecar(int dir_fd, std::string_view directory_key, std::string_view name) {
  if (!name.ends_with(kSidecarSuffix) || name.size() == kSidecarSuffix.size()) return false;
  const std::string object(name.substr(0, name.size() - kSidecarSuffix.size()));
  // Only beside a key of claimcheck's layout, the only objects this store
  // writes sidecars for: a user's notes.meta.json is not ours to remove.
  if (!expiry_from_key(std::string(directory_key) + object)) return false;
  struct stat st {};
  return ::fstatat(dir_fd, object.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

namespace {

/// One directory's entries, sorted; only this directory's names are held.
/// Among the temp files: a sidecar whose object is not there, which a write
/// that failed or was killed between its two renames left.
std::vector<Entry> read_entries(int dir_fd, const std::string& path, Want want) {
  const int fd = ::dup(dir_fd);
  DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    throw local_store_error("list", errno);
  }
  std::vector<Entry> entries;
  while (const dirent* d = ::readdir(dir)) {
    const std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    const bool temp =
        name.starts_with(kTempPrefix) || (want == Want::TempFiles && is_orphan_sidecar(dir_fd, path, name));
    struct stat st {};
    if ((is_reserved_name(name) && !temp) || ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      continue;  // a sidecar, or raced away
    if (S_ISDIR(st.st_mode)) {
      if (!temp) entries.push_back({name, name + "/", true, 0, {}});
    } else if (S_ISREG(st.st_mode) && temp == (want == Want::TempFiles)) {
      entries.push_back({name, name, false, static_cast<std::uint64_t>(st.st_size), mtime(st)});
    }
  }
  ::closedir(dir);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_key < b.sort_key; });
  return entries;
}

class Walker {
 public:
  Walker(const std::string& prefix, const std::function<bool(const std::vector<ObjectInfo>&)>& on_page,
         std::size_t page_size, Want want = Want::Objects)
      : prefix_(prefix), on_page_(on_page), page_size_(page_size), want_(want) {}

  /// False once the caller asked to stop.
  bool walk(int dir_fd, const std::string& path) {
    for (const Entry& entry : read_entries(dir_fd, path, want_)) {
      const std::string key = path + entry.sort_key;
      if (entry.directory) {
        if (!key.starts_with(prefix_) && !prefix_.starts_with(key)) continue;
        UniqueFd sub(::openat(dir_fd, entry.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub.valid()) {
          // Raced away, or replaced by a file or a link: no longer a folder of
          // objects. Any other failure (a folder this user may not read) is
          // the listing's: skipping it had made gc and stats undercount, exit 0.
          if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue;
          throw local_store_error("list " + key, errno);
        }
        if (!walk(sub.get(), key)) return false;
      } else if (key.starts_with(prefix_)) {
        page_.push_back(ObjectInfo{key, entry.size, entry.modified, {}});
        if (page_.size() >= page_size_ && !flush()) return false;
      }
    }
    return true;
  }

  bool flush() {
    if (page_.empty()) return true;
    const bool more = on_page_(page_);
    page_.clear();
    return more;
  }

 private:
  const std::string& prefix_;
  const std::function<bool(const std::vector<ObjectInfo>&)>& on_page_;
  std::size_t page_size_;
  Want want_;
  std::vector<ObjectInfo> page_;
};

}  // namespace

void list_local_tree(int base_fd, const std::string& prefix,
                     const std::function<bool(const std::vector<ObjectInfo>&)>& on_page,
                     std::size_t page_size) {
  Walker walker(prefix, on_page, page_size);
  if (walker.walk(base_fd, "")) walker.flush();
}

std::vector<ObjectInfo> list_local_temp_files(int base_fd, const std::string& prefix) {
  std::vector<ObjectInfo> found;
  const std::function<bool(const std::vector<ObjectInfo>&)> collect = [&found](const std::vector<ObjectInfo>& page) {
    found.insert(found.end(), page.begin(), page.end());
    return true;
  };
  Walker walker(prefix, collect, 1000, Want::TempFiles);
  if (walker.walk(base_fd, "")) walker.flush();
  return found;
}

}  // namespace claimcheck
