// LocalStore: layout compatible with the Go runner, metadata sidecar,
// atomic writes, keys that try to escape, paged listing.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "stores/local_path.hpp"
#include "stores/local_store.hpp"
#include "core/stream.hpp"
#include "test_support.hpp"

using claimcheck::Error;
using claimcheck::ErrorKind;
using claimcheck::ObjectInfo;
using claimcheck::ObjectMeta;
using claimcheck::StringSink;
using claimcheck::StringSource;
using claimcheck::testing::read_file;
using claimcheck::testing::TempDir;
using claimcheck::testing::write_file;
namespace fs = std::filesystem;

namespace {

std::string get(claimcheck::Store& store, const std::string& key) {
  StringSink sink;
  store.get(key, sink);
  return sink.take();
}

std::uint64_t put(claimcheck::Store& store, const std::string& key, const std::string& data,
                  const ObjectMeta& meta = {}) {
  StringSource source(data);
  return store.put(key, source, meta);
}

/// Yields some bytes, then fails like a broken pipe.
class FailingSource : public claimcheck::ByteSource {
 public:
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (calls_++ == 3) throw std::runtime_error("source broke");
    const std::size_t n = std::min<std::size_t>(capacity, 1000);
    std::fill(buffer, buffer + n, 'x');
    return n;
  }

 private:
  int calls_ = 0;
};

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_directory()) out.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

ErrorKind error_kind(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::Internal;  // "no error": never the expected kind here
}

std::vector<std::vector<std::string>> pages_of(claimcheck::Store& store, const std::string& prefix) {
  std::vector<std::vector<std::string>> pages;
  store.list(prefix, [&](const std::vector<ObjectInfo>& page) {
    pages.emplace_back();
    for (const auto& info : page) pages.back().push_back(info.key);
    return true;
  });
  return pages;
}

}  // namespace

TEST_CASE("round trip: the file holds exactly the stored bytes, metadata in the sidecar") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "store");
  std::string data("binary\0data\xff", 12);
  ObjectMeta meta;
  meta.original_size = 12345;
  meta.sha256 = std::string(64, 'a');
  meta.compressed = true;
  meta.expires_at = claimcheck::parse_rfc3339("2026-02-08T13:24:00Z");
  meta.content_type = "application/json";
  CHECK(put(*store, "claimcheck/2026-02-08/abc", data, meta) == 12);
  CHECK(get(*store, "claimcheck/2026-02-08/abc") == data);
  CHECK(read_file(dir / "store/claimcheck/2026-02-08/abc") == data);
  CHECK(read_file(dir / "store/claimcheck/2026-02-08/abc.meta.json") ==
        R"({"v":1,"stored_size":12,"original_size":12345,"sha256":")" + std::string(64, 'a') +
            R"(","compressed":true,"expires_at":"2026-02-08T13:24:00Z","content_type":"application/json"})"
            "\n");
  const auto info = store->head("claimcheck/2026-02-08/abc");
  REQUIRE(info.has_value());
  CHECK(info->key == "claimcheck/2026-02-08/abc");
  CHECK(info->stored_size == 12);
  CHECK(info->meta.original_size == 12345u);
  CHECK(info->meta.sha256 == std::string(64, 'a'));
  CHECK(info->meta.compressed == true);
  CHECK(info->meta.expires_at == meta.expires_at);
  CHECK(info->meta.content_type == "application/json");
  CHECK(std::chrono::system_clock::now() - info->last_modified < std::chrono::minutes(5));
  CHECK(store->location() == "file://" + dir / "store");
}

TEST_CASE("final_meta is called once, after the source is drained, and recorded") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  StringSource source("payload");
  ObjectMeta initial;
  initial.content_type = "text/plain";
  int calls = 0;
  store->put("k", source, initial, [&] {
    ++calls;
    char probe = 0;
    CHECK(source.read(&probe, 1) == 0);  // drained already
    ObjectMeta done = initial;
    done.sha256 = "feed";
    done.original_size = 7;
    return done;
  });
  CHECK(calls == 1);
  const auto info = store->head("k");
  REQUIRE(info);
  CHECK(info->meta.sha256 == "feed");
  CHECK(info->meta.original_size == 7u);
  CHECK(info->meta.content_type == "text/plain");
}

TEST_CASE("a Go-written directory is readable: objects without sidecars") {
  TempDir dir;
  write_file(dir / "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c", "go bytes");
  auto store = claimcheck::make_local_store(dir.path());
  CHECK(get(*store, "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c") == "go bytes");
  const auto info = store->head("3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c");
  REQUIRE(info);
  CHECK(info->stored_size == 8);
  CHECK_FALSE(info->meta.sha256.has_value());
  CHECK_FALSE(info->meta.original_size.has_value());
}

TEST_CASE("a sidecar that does not match the object's size is ignored; a corrupt one is an error") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  ObjectMeta meta;
  meta.sha256 = "old";
  put(*store, "k", "12345", meta);
  write_file(dir / "k", "123");  // replaced behind the store's back
  const auto info = store->head("k");
  REQUIRE(info);
  CHECK_FALSE(info->meta.sha256.has_value());
  write_file(dir / "k.meta.json", "{not json");
  CHECK(error_kind([&] { store->head("k"); }) == ErrorKind::Integrity);
}

TEST_CASE("absent objects: get is NotFound, head is nullopt, remove is fine; an absent store is a usage error") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "never-created");
  // Without its directory (an unmounted volume, a typo) the store is wrong,
  // not every object missing: exit 2, as gc and stats say, not 4.
  CHECK(error_kind([&] { get(*store, "nope"); }) == ErrorKind::Usage);
  CHECK(error_kind([&] { store->head("nope"); }) == ErrorKind::Usage);
  CHECK_NOTHROW(store->remove("nope"));
  CHECK(pages_of(*store, "").empty());
  CHECK_FALSE(fs::exists(dir / "never-created"));  // reading creates nothing
  put(*store, "a/b", "x");
  CHECK(error_kind([&] { get(*store, "nope"); }) == ErrorKind::NotFound);
  CHECK_FALSE(store->head("nope").has_value());
  CHECK(error_kind([&] { get(*store, "a/b/c"); }) == ErrorKind::NotFound);
  CHECK(error_kind([&] { get(*store, "a"); }) == ErrorKind::NotFound);  // a directory
  CHECK_FALSE(store->head("a").has_value());
  try {
    get(*store, "a/zz");
  } catch (const Error& e) {
    CHECK(e.what_failed() == "get " + store->location() + "/a/zz");
  }
}

TEST_CASE("the base directory is created with mode 0700, objects 0600") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "base");
  put(*store, "x/y", "data");
  struct stat st {};
  REQUIRE(stat((dir / "base").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(stat((dir / "base/x/y").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a failing source leaves nothing behind and keeps the previous object") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  FailingSource broken;
  CHECK_THROWS_WITH_AS(store->put("sub/new", broken, {}), "source broke", std::runtime_error);
  CHECK(files_under(dir.path()).empty());

  put(*store, "sub/existing", "old contents");
  FailingSource broken_again;
  CHECK_THROWS(store->put("sub/existing", broken_again, {}));
  CHECK(get(*store, "sub/existing") == "old contents");
  CHECK(files_under(dir.path()) == std::vector<std::string>{"sub/existing", "sub/existing.meta.json"});
}

TEST_CASE("a throwing final_meta leaves nothing behind") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  StringSource source("data");
  CHECK_THROWS(store->put("k", source, {}, []() -> ObjectMeta { throw std::runtime_error("no"); }));
  CHECK(files_under(dir.path()).empty());
}

TEST_CASE("every escaping or reserved key is refused with InvalidInput") {
  TempDir dir;
  fs::create_directories(dir / "base");
  fs::create_directories(dir / "outside");
  write_file(dir / "outside/secret", "secret");
  fs::create_directory_symlink(dir / "outside", dir / "base/link");
  fs::create_symlink(dir / "outside/secret", dir / "base/filelink");
  auto store = claimcheck::make_local_store(dir / "base");
  const std::string keys[] = {"../x", "a/../../x", "/etc/passwd", std::string("a\0b", 3), "a\\b",
                              "", "a//b", "./a", "a/", "a/.", "..", "x.meta.json", "d/.cctmp-123",
                              "link/secret", "link/new", "filelink", std::string(246, 'a'),
                              "d/" + std::string(246, 'b') + "/c"};
  for (const std::string& key : keys) {
    CAPTURE(key);
    CHECK(error_kind([&] { put(*store, key, "evil"); }) == ErrorKind::InvalidInput);
    CHECK(error_kind([&] { get(*store, key); }) == ErrorKind::InvalidInput);
    CHECK(error_kind([&] { store->head(key); }) == ErrorKind::InvalidInput);
    CHECK(error_kind([&] { store->remove(key); }) == ErrorKind::InvalidInput);
  }
  CHECK(read_file(dir / "outside/secret") == "secret");
  CHECK(files_under(dir / "outside") == std::vector<std::string>{"secret"});
  CHECK_FALSE(fs::exists(dir / "x"));
  put(*store, "fine", "v");
  const auto batch = store->remove_batch({"../x", "fine"});
  CHECK(batch.deleted == std::vector<std::string>{"fine"});
  REQUIRE(batch.failed.size() == 1);
  CHECK(batch.failed[0].first == "../x");
}

TEST_CASE("a key segment of 245 bytes is the longest the local store holds (its sidecar adds 10)") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  const std::string key = "d/" + std::string(245, 'a');
  put(*store, key, "fits", ObjectMeta{});
  CHECK(get(*store, key) == "fits");
  std::string message;
  try {
    put(*store, key + "a", "too long");
  } catch (const Error& e) {
    message = e.why();
  }
  CHECK(message == "a segment of 246 bytes: the local store's file names hold at most 245");
}

TEST_CASE("listing: key order, pages of at most 1000, sidecars and temp files skipped") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  ObjectMeta meta;
  meta.sha256 = "x";
  // Most objects written directly (as the Go runner would: no sidecar) to
  // keep the test fast; every 100th through the store, with its sidecar.
  for (int i = 0; i < 2500; ++i) {
    const std::string key = fmt::format("p/{:02}/obj-{:04}", i % 7, i);
    if (i % 100 == 0) {
      put(*store, key, "v", meta);
    } else {
      write_file(dir / key, "v");
    }
  }
  put(*store, "other/x", "v");
  write_file(dir / "p/00/.cctmp-leftover", "partial");
  fs::create_symlink("/etc/passwd", dir / "p/00/zz-symlink");

  const auto pages = pages_of(*store, "p/");
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].size() == 1000);
  CHECK(pages[1].size() == 1000);
  CHECK(pages[2].size() == 500);
  std::vector<std::string> all;
  for (const auto& page : pages) all.insert(all.end(), page.begin(), page.end());
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(all.front() == "p/00/obj-0000");
  for (const auto& key : all) CHECK_FALSE(key.ends_with(".meta.json"));

  CHECK(pages_of(*store, "p/03/obj-00").at(0).size() == 14);  // a partial segment
  CHECK(pages_of(*store, "").size() == 3);
  CHECK(pages_of(*store, "zzz").empty());

  int calls = 0;
  store->list("", [&](const std::vector<ObjectInfo>&) { return ++calls < 1; });
  CHECK(calls == 1);
}

TEST_CASE("listing order matches S3's byte order across directories") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  for (const char* key : {"a/b", "a-c", "a0", "a/a/z", "b"}) put(*store, key, "12345");
  const auto pages = pages_of(*store, "");
  REQUIRE(pages.size() == 1);
  CHECK(pages[0] == std::vector<std::string>{"a-c", "a/a/z", "a/b", "a0", "b"});
  store->list("a/", [](const std::vector<ObjectInfo>& page) {
    REQUIRE(page.size() == 2);
    CHECK(page[0].stored_size == 5);
    CHECK(page[0].meta.sha256 == std::nullopt);
    return true;
  });
}

TEST_CASE("remove and remove_batch delete the object and its sidecar") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  for (const char* key : {"k1", "k2", "d/k3"}) put(*store, key, "v");
  store->remove("k1");
  CHECK_FALSE(store->head("k1"));
  // A key already gone (another gc at the same time) is not deleted: two
  // runs had each counted the same deletions. It is said to be gone, not
  // taken for a batch never sent.
  const auto result = store->remove_batch({"k2", "d/k3", "absent"});
  CHECK(result.deleted == std::vector<std::string>{"k2", "d/k3"});
  CHECK(result.gone == std::vector<std::string>{"absent"});
  CHECK(result.failed.empty());
  CHECK(files_under(dir.path()).empty());
}

TEST_CASE("a FIFO in an object's or a sidecar's place is not waited on") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  put(*store, "k", "value");
  fs::rename(dir / "k.meta.json", dir / "saved.meta");
  REQUIRE(::mkfifo((dir / "k.meta.json").c_str(), 0600) == 0);
  CHECK(store->head("k")->stored_size == 5);  // the sidecar is not one this store wrote: ignored
  REQUIRE(::mkfifo((dir / "f").c_str(), 0600) == 0);
  // The open had blocked until a writer came: retrieve hung.
  CHECK(error_kind([&] { get(*store, "f"); }) == ErrorKind::NotFound);
  CHECK_FALSE(store->head("f").has_value());
}

TEST_CASE("a write whose object cannot be renamed into place leaves no sidecar, and gc's listing finds old ones") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  fs::create_directories(dir / "d/k/inside");  // the object's rename fails: EISDIR
  CHECK(error_kind([&] { put(*store, "d/k", "value"); }) == ErrorKind::Store);
  CHECK_FALSE(fs::exists(dir / "d/k.meta.json"));
  // One a killed write left (between its two renames) beside a key of
  // claimcheck's layout is an incomplete upload; a sidecar beside its
  // object is not, nor a file of that name beside no key of ours.
  const std::string day = "claimcheck/2026-01-01/";
  const std::string orphan = day + "101010Z-11111111-2222-4333-8444-555555555555";
  const std::string kept = day + "101010Z-11111111-2222-4333-8444-666666666666";
  put(*store, kept, "value");
  write_file(dir / (orphan + ".meta.json"), "{}");
  write_file(dir / "notes.meta.json", "a user's file");
  write_file(dir / (day + "notes.meta.json"), "a user's file");
  const auto uploads = store->list_incomplete_uploads("");
  REQUIRE(uploads.size() == 1);
  CHECK(uploads[0].key == orphan + ".meta.json");
  store->abort_incomplete_upload(uploads[0]);
  CHECK_FALSE(fs::exists(dir / (orphan + ".meta.json")));
  CHECK(fs::exists(dir / (kept + ".meta.json")));
  // Refused for a sidecar whose object is there (it came back meanwhile), and for one not ours.
  for (const std::string& key : {kept + ".meta.json", std::string("notes.meta.json"), day + "notes.meta.json"}) {
    const std::string name = key.substr(key.rfind('/') == std::string::npos ? 0 : key.rfind('/') + 1);
    store->abort_incomplete_upload(claimcheck::IncompleteUpload{key, name, {}, true});
    CHECK(fs::exists(dir / key));
  }
}

TEST_CASE("remove takes the directories it leaves empty with it, and only those") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir.path());
  put(*store, "claimcheck/2026-01-01/a", "v");
  put(*store, "claimcheck/2026-01-02/b", "v");
  put(*store, "claimcheck/2026-01-02/c", "v");
  store->remove("claimcheck/2026-01-01/a");
  CHECK_FALSE(std::filesystem::exists(dir / "claimcheck/2026-01-01"));
  CHECK(std::filesystem::exists(dir / "claimcheck/2026-01-02"));
  store->remove_batch({"claimcheck/2026-01-02/b"});
  CHECK(std::filesystem::exists(dir / "claimcheck/2026-01-02/c"));
  store->remove_batch({"claimcheck/2026-01-02/c"});
  CHECK(std::filesystem::is_empty(dir.path()));  // the base itself stays
  put(*store, "claimcheck/2026-01-02/d", "again");
  CHECK(get(*store, "claimcheck/2026-01-02/d") == "again");
}

TEST_CASE("writers and removers in the same directories: every put succeeds") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "base");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = fmt::format("claimcheck/2026-01-01/w{}-{}", w, i);
        try {
          put(*store, key, "v");
          store->remove(key);  // empties the directory now and then, as gc does
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
}

TEST_CASE("health: writable directory passes, unwritable fails with Store") {
  TempDir dir;
  CHECK_NOTHROW(claimcheck::make_local_store(dir / "new")->health());
  CHECK(files_under(dir.path()).empty());
  write_file(dir / "file", "x");
  CHECK(error_kind([&] { claimcheck::make_local_store(dir / "file/sub")->health(); }) == ErrorKind::Store);
  if (geteuid() != 0) {  // root writes anywhere
    fs::create_directories(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK(error_kind([&] { claimcheck::make_local_store(dir / "ro")->health(); }) == ErrorKind::Store);
    fs::permissions(dir / "ro", fs::perms::owner_all);
  }
}

TEST_CASE("a write refused for want of permission is a usage error naming the store; a full disk is the store's") {
  const auto failure = [](const char* path, int error_number) {
    try {
      claimcheck::store_path_failed("/srv/store", "create", path, error_number);
    } catch (const Error& e) {
      return e;
    }
    FAIL("store_path_failed returned for errno " << error_number);
    throw std::logic_error("unreachable");
  };
  for (int error_number : {EACCES, EPERM, EROFS}) {
    const Error e = failure("claimcheck/2027-01-02", error_number);
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.what_failed() == "file:///srv/store");
    CHECK(e.why().starts_with("create 'claimcheck/2027-01-02': "));
  }
  for (int error_number : {ENOSPC, EDQUOT, EIO}) {
    const Error e = failure("claimcheck", error_number);
    CHECK(e.kind() == ErrorKind::Store);
    CHECK(e.what_failed() == "create 'file:///srv/store/claimcheck'");
  }
  if (geteuid() != 0) {  // root writes anywhere (tests/cli covers it as nobody)
    TempDir dir;
    fs::create_directories(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    auto store = claimcheck::make_local_store(dir / "ro");
    CHECK(error_kind([&] { put(*store, "a/b", "v"); }) == ErrorKind::Usage);
    fs::permissions(dir / "ro", fs::perms::owner_all);
  }
}

TEST_CASE("fetch_url is a percent-encoded file URL; absent keys are NotFound") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "s p");
  put(*store, "a/b c", "v");
  CHECK(store->fetch_url("a/b c", std::chrono::hours(1)) ==
        "file://" + dir.path() + "/s%20p/a/b%20c");  // mkdtemp names need no encoding
  CHECK(error_kind([&] { store->fetch_url("absent", std::chrono::hours(1)); }) == ErrorKind::NotFound);
}

TEST_CASE("concurrent writers into the same new directories all succeed") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "base");
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 10; ++i) {
        try {
          put(*store, fmt::format("claimcheck/2026-01-0{}/w{}-{}", i % 3, w, i), fmt::format("{}-{}", w, i));
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  CHECK(failures == 0);
  std::size_t listed = 0;
  store->list("claimcheck/", [&](const std::vector<ObjectInfo>& page) {
    listed += page.size();
    return true;
  });
  CHECK(listed == 80);
  CHECK(get(*store, "claimcheck/2026-01-01/w7-4") == "7-4");
}

TEST_CASE("at the open-file limit an error names the store's directory as it is, and the limit as this process's") {
  TempDir dir;
  auto store = claimcheck::make_local_store(dir / "s");
  put(*store, "a/b", "x");
  const int lowest_free = ::dup(0);
  REQUIRE(lowest_free >= 0);
  ::close(lowest_free);
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit one_more = saved;
  one_more.rlim_cur = static_cast<rlim_t>(lowest_free) + 1;  // the store's directory opens; nothing after it
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &one_more) == 0);
  std::optional<Error> error;
  try {
    get(*store, "a/b");
  } catch (const Error& e) {
    error = e;
  }
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  REQUIRE(error);
  CHECK(error->kind() == ErrorKind::Internal);
  CHECK(error->local_limit);  // serve answers it 503, and cleanup tries again
  CHECK(error->what_failed() == "open '" + store->location() + "'");  // not '.../s/.'
}
