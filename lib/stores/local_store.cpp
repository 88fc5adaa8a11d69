// The embedded default store: a directory.
//
// Layout: `<base>/<key>` holds exactly the stored bytes, as the Go runner's
// filesystem store writes them, so a Go-written directory can be read and
// vice versa. claimcheck's metadata sits beside the object in
// `<base>/<key>.meta.json` (see local_sidecar.hpp). Keys ending in
// ".meta.json" or with a segment starting ".cctmp-" are reserved and
// refused; listings skip them.
//
// remove() also removes the directories it leaves empty (up to the base), so
// gc leaves no empty date directories behind; put() makes them again.
//
// Writes are atomic: object and sidecar are written to temporary files
// (".cctmp-<random>") in the target directory and fsynced, then renamed:
// sidecar first, object last, then the directory is fsynced. Every crash
// point therefore leaves either no object (an orphan sidecar, ignored, or
// temp files, skipped by listings) or the object with its sidecar. Keys are
// fresh UUIDs, so overwrites do not happen in practice; if an overwrite is
// interrupted between the two renames, the new sidecar's stored_size does
// not match the old object and head() ignores it rather than report wrong
// metadata (equal sizes are the one case this cannot tell).
#include "stores/local_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "base/io.hpp"
#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "reference/store_location.hpp"
#include "stores/local_listing.hpp"
#include "stores/local_path.hpp"
#include "stores/local_sidecar.hpp"
#include "core/posix_file.hpp"

namespace claimcheck {
namespace {

constexpr std::size_t kChunk = 1 << 20;

std::string sidecar_name(const std::string& name) { return name + std::string(kSidecarSuffix); }

/// "file:///abs/dir" for an absolute directory.
std::string file_location(const std::string& absolute_dir) { return "file://" + absolute_dir; }

std::string percent_encode_path(std::string_view path) {
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

/// A temporary file in a directory, removed unless committed by rename.
class TempFile {
 public:
  TempFile(int dir_fd, const std::string& what) : TempFile(dir_fd) {
    if (!fd_.valid()) throw local_store_error(what, error_);
  }
  /// Does not throw: valid() says whether it was created, error() why not.
  explicit TempFile(int dir_fd) : dir_fd_(dir_fd) {
    std::random_device random;
    for (int attempt = 0; attempt < 16 && !fd_.valid(); ++attempt) {
      name_ = fmt::format("{}{:08x}{:08x}", kTempPrefix, random(), random());
      // Made and registered with no interrupt's cleanup in between.
      cleanup_ = CleanupRegistration::made_by([&]() -> std::function<void()> {
        fd_ = UniqueFd(::openat(dir_fd, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        error_ = errno;
        if (!fd_.valid()) return [] {};  // never another process's file of that name
        return [dir_fd, name = name_] { ::unlinkat(dir_fd, name.c_str(), 0); };
      });
      if (!fd_.valid() && error_ != EEXIST) break;
    }
    if (!fd_.valid()) {
      committed_ = true;  // nothing to remove
      cleanup_ = CleanupRegistration();
    }
  }
  bool valid() const { return fd_.valid(); }
  int error() const { return error_; }
  ~TempFile() {
    if (!committed_) ::unlinkat(dir_fd_, name_.c_str(), 0);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const char* data, std::size_t size, const std::string& what) {
    if (!base::write_all(fd_.get(), data, size)) throw local_store_error(what, errno);
  }
  void sync_and_close(const std::string& what) {
    if (::fsync(fd_.get()) != 0 || !fd_.reset()) throw local_store_error(what, errno);
  }
  void rename_to(const std::string& name, const std::string& what) {
    if (::renameat(dir_fd_, name_.c_str(), dir_fd_, name.c_str()) != 0) {
      throw local_store_error(what, errno);
    }
    committed_ = true;
  }

 private:
  int dir_fd_;
  std::string name_;
  UniqueFd fd_;
  int error_ = 0;
  bool committed_ = false;
  CleanupRegistration cleanup_;  // an interrupted process removes the temp file
};

class LocalStore final : public Store {
 public:
  explicit LocalStore(std::string base) : base_(std::move(base)) {}

  void keep_location_as_it_is_now() override {
    open_base(base_, true);
    create_base_ = false;
  }

  std::string location() const override { return file_location(base_); }

  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta,
                    const FinalMeta& final_meta) override {
    const std::vector<std::string> segments = key_segments(key);
    const std::string what = "put " + url(key);
    const UniqueFd base = create_base_ ? open_base(base_, true) : existing_base();
    const std::string& name = segments.back();
    // remove() prunes a directory once it is empty: one may go between
    // being opened here and the temp file being made in it. Then both are
    // done again; once the temp file is there, the directory is not empty.
    UniqueFd dir;
    std::optional<TempFile> temp;
    for (int attempt = 1; !temp; ++attempt) {
      dir = open_parent(base.get(), base_, segments, true, key);
      if (is_symlink(dir.get(), name)) symlink_refused(key);
      temp.emplace(dir.get());
      if (temp->valid()) break;
      if (temp->error() != ENOENT || attempt == kPruneRaceAttempts)
        store_path_failed(base_, "create a file in", segments.size() > 1 ? key.substr(0, key.rfind('/')) : ".",
                          temp->error());
      temp.reset();
    }
    TempFile& object = *temp;
    const std::uint64_t stored = copy_source(source, object, what);
    object.sync_and_close(what);
    const ObjectMeta recorded = final_meta ? final_meta() : meta;
    TempFile sidecar(dir.get(), what);
    const std::string json = sidecar_json(recorded, stored);
    sidecar.write(json.data(), json.size(), what);
    sidecar.sync_and_close(what);
    sidecar.rename_to(sidecar_name(name), what);
    {
      // Interrupted or failed between the two renames: no sidecar without its object.
      const auto remove_sidecar = [fd = dir.get(), path = sidecar_name(name)] { ::unlinkat(fd, path.c_str(), 0); };
      CleanupRegistration orphan_sidecar(remove_sidecar);
      try {
        object.rename_to(name, what);
      } catch (...) {
        remove_sidecar();
        throw;
      }
    }
    ::fsync(dir.get());
    return stored;
  }

  void get(const std::string& key, ByteSink& sink) override {
    const UniqueFd file = open_object(key);
    const auto read = [&](char* buffer, std::size_t capacity) {
      const ssize_t n = base::read_some(file.get(), buffer, capacity);
      if (n < 0) throw local_store_error("get " + url(key), errno);
      return static_cast<std::size_t>(n);
    };
    base::copy_all(read, [&](const char* data, std::size_t size) { sink.write(data, size); }, kChunk);
  }

  std::optional<ObjectInfo> head(const std::string& key) override {
    const std::vector<std::string> segments = key_segments(key);
    const UniqueFd base = existing_base();
    const UniqueFd dir = open_parent(base.get(), base_, segments, false, key);
    if (!dir.valid()) return std::nullopt;
    const std::string& name = segments.back();
    struct stat st {};
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw local_store_error("head " + url(key), errno);
    }
    if (S_ISLNK(st.st_mode)) symlink_refused(key);
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    ObjectInfo info;
    info.key = key;
    info.stored_size = static_cast<std::uint64_t>(st.st_size);
    info.last_modified = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (auto sidecar = read_sidecar(dir.get(), name, key); sidecar && sidecar->stored_size == info.stored_size) {
      info.meta = sidecar->meta;
    }
    return info;
  }

  void remove(const std::string& key) override { remove_object(key); }

  BatchDeleteResult remove_batch(const std::vector<std::string>& keys) override {
    BatchDeleteResult result;
    for (const std::string& key : keys) {
      try {
        // One already gone (another gc at the same time) is not deleted
        // twice: two runs had each counted the same 33,000 deletions.
        (remove_object(key) ? result.deleted : result.gone).push_back(key);
      } catch (const Error& e) {
        result.failed.emplace_back(key, e.why());
      }
    }
    return result;
  }

  void list(const std::string& prefix,
            const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    const UniqueFd base = open_base(base_, false);
    if (!base.valid()) return;
    list_local_tree(base.get(), prefix, on_page);
  }

  /// An interrupted write that could not clean up (power loss, SIGKILL)
  /// leaves its temporary file: the local store's incomplete upload.
  std::vector<IncompleteUpload> list_incomplete_uploads(const std::string& prefix) override {
    const UniqueFd base = open_base(base_, false);
    if (!base.valid()) return {};
    std::vector<IncompleteUpload> uploads;
    for (const ObjectInfo& temp : list_local_temp_files(base.get(), prefix)) {
      const auto slash = temp.key.rfind('/');
      uploads.push_back(
          {temp.key, temp.key.substr(slash == std::string::npos ? 0 : slash + 1), temp.last_modified, true});
    }
    return uploads;
  }

  void abort_incomplete_upload(const IncompleteUpload& upload) override {
    const auto slash = upload.key.rfind('/');
    const std::string directory = slash == std::string::npos ? "" : upload.key.substr(0, slash);
    const std::string name = upload.key.substr(slash == std::string::npos ? 0 : slash + 1);
    // Only a temporary file or a sidecar without its object may go this way, never an object.
    const bool temp = name.starts_with(kTempPrefix) && name.size() > kTempPrefix.size();
    const bool sidecar = name.ends_with(kSidecarSuffix) && name.size() > kSidecarSuffix.size();
    if (name != upload.upload_id || (!temp && !sidecar))
      throw Error(ErrorKind::InvalidInput, "abort upload " + url(upload.key), "not a temporary file of this store");
    std::vector<std::string> segments = directory.empty() ? std::vector<std::string>{} : key_segments(directory);
    segments.push_back(name);
    const UniqueFd base = open_base(base_, false);
    if (!base.valid()) return;
    const UniqueFd dir = open_parent(base.get(), base_, segments, false, upload.key);
    if (!dir.valid()) return;
    if (sidecar && !is_orphan_sidecar(dir.get(), directory.empty() ? "" : directory + "/", name))
      return;  // not ours, or its object is there now: it stays
    if (::unlinkat(dir.get(), name.c_str(), 0) != 0 && errno != ENOENT)
      throw local_store_error("abort upload " + url(upload.key), errno);
    prune_empty_directories(base.get(), segments);
  }

  void health() override {
    try {
      const UniqueFd base = open_base(base_, true);
      TempFile probe(base.get(), location());
      probe.write("ok", 2, location());
      probe.sync_and_close(location());
    } catch (const Error& e) {
      throw Error(ErrorKind::Store, location(), "not writable: " + e.why());
    }
  }

  std::string fetch_url(const std::string& key, std::chrono::seconds) override {
    if (!head(key)) throw Error(ErrorKind::NotFound, url(key), "no such object");
    return "file://" + percent_encode_path(base_ + "/" + key);
  }

 private:
  std::string url(const std::string& key) const { return location() + "/" + key; }

  /// The directories above a removed object go too, deepest first, while they
  /// are empty (gc would otherwise leave one empty directory per day behind).
  /// rmdir refuses a directory that is not empty, so nothing else can go.
  void prune_empty_directories(int base_fd, std::vector<std::string> segments) const {
    while (segments.size() > 1) {
      segments.pop_back();  // now: the path of a directory
      const UniqueFd holder = open_parent(base_fd, base_, segments, false, segments.back());
      if (!holder.valid() || ::unlinkat(holder.get(), segments.back().c_str(), AT_REMOVEDIR) != 0) return;
    }
  }

  static bool is_symlink(int dir_fd, const std::string& name) {
    struct stat st {};
    return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
  }

  static std::uint64_t copy_source(ByteSource& source, TempFile& out, const std::string& what) {
    const auto read = [&](char* buffer, std::size_t capacity) { return source.read(buffer, capacity); };
    const auto write = [&](const char* data, std::size_t size) { out.write(data, size, what); };
    // No larger than an in-memory source needs.
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, source.remaining().value_or(kChunk)));
    return base::copy_all(read, write, size);
  }

  /// Whether the object was there to remove; removing a missing one succeeds.
  bool remove_object(const std::string& key) {
    const std::vector<std::string> segments = key_segments(key);
    const UniqueFd base = open_base(base_, false);
    if (!base.valid()) return false;
    const UniqueFd dir = open_parent(base.get(), base_, segments, false, key);
    if (!dir.valid()) return false;
    const std::string& name = segments.back();
    if (is_symlink(dir.get(), name)) symlink_refused(key);
    const bool removed = unlink_if_there(dir.get(), name, key);
    unlink_if_there(dir.get(), sidecar_name(name), key);
    prune_empty_directories(base.get(), segments);
    return removed;
  }

  bool unlink_if_there(int dir_fd, const std::string& file, const std::string& key) const {
    if (::unlinkat(dir_fd, file.c_str(), 0) == 0) return true;
    if (errno == ENOENT) return false;
    throw local_store_error("remove " + url(key), errno);
  }

  /// The store's directory, which must be there to hold an object: without
  /// it (an unmounted volume, a typo in --store) every object would read as
  /// missing (exit 4) where gc and stats say the store is wrong (exit 2).
  UniqueFd existing_base() const {
    UniqueFd base = open_base(base_, false);
    if (!base.valid()) throw Error(ErrorKind::Usage, location(), "no such directory");
    return base;
  }

  UniqueFd open_object(const std::string& key) const {
    const std::vector<std::string> segments = key_segments(key);
    const UniqueFd base = existing_base();
    const UniqueFd dir = open_parent(base.get(), base_, segments, false, key);
    if (!dir.valid()) throw Error(ErrorKind::NotFound, "get " + url(key), "no such object");
    // O_NONBLOCK: a FIFO in the object's place would block the open until a
    // writer came; a regular file ignores it.
    UniqueFd file(::openat(dir.get(), segments.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (file.valid()) {
      struct stat st {};
      if (::fstat(file.get(), &st) == 0 && S_ISREG(st.st_mode)) return file;
      throw Error(ErrorKind::NotFound, "get " + url(key), "no such object");
    }
    if (errno == ELOOP) symlink_refused(key);
    if (errno == ENOENT || errno == ENOTDIR) {
      throw Error(ErrorKind::NotFound, "get " + url(key), "no such object");
    }
    throw local_store_error("get " + url(key), errno);
  }

  std::optional<Sidecar> read_sidecar(int dir_fd, const std::string& name, const std::string& key) const {
    const UniqueFd fd(::openat(dir_fd, sidecar_name(name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return std::nullopt;  // objects written by others have none
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;  // not one this store wrote
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = base::read_some(fd.get(), buffer, sizeof buffer)) > 0 && text.size() < (1 << 20)) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    auto sidecar = parse_sidecar(text);
    if (!sidecar) {
      throw Error(ErrorKind::Integrity, "head " + url(key), "its metadata sidecar is corrupt");
    }
    return sidecar;
  }

  std::string base_;
  bool create_base_ = true;  // false after keep_location_as_it_is_now(), before any request
};

std::string absolute_base(const std::string& dir) {
  return normal_directory(std::filesystem::absolute(dir).string());
}

}  // namespace

std::string local_store_location(const std::string& base_dir) { return file_location(absolute_base(base_dir)); }

std::unique_ptr<Store> make_local_store(const std::string& base_dir) {
  if (base_dir.empty()) throw Error(ErrorKind::Usage, "store", "the local store needs a directory");
  return std::make_unique<LocalStore>(absolute_base(base_dir));
}

}  // namespace claimcheck
