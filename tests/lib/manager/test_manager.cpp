#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <vector>

#include "base/sha256.hpp"
#include "codec/digest.hpp"
#include "core/error.hpp"
#include "manager/journal.hpp"
#include "stores/local_store.hpp"
#include "manager/manager.hpp"
#include "reference/reference.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 9} + std::chrono::hours(13);

struct Fixture {
  TempDir dir;
  std::string store_dir = dir / "store";
  std::unique_ptr<Store> store;
  Journal journal{dir / "journal"};
  std::unique_ptr<Manager> manager;

  Fixture() {
    std::filesystem::create_directories(store_dir);
    store = make_local_store(store_dir);
    manager = std::make_unique<Manager>(*store, &journal, [] { return kNow; });
  }
  std::string object_path(const Reference& ref) const { return store_dir + "/" + ref.key; }
};

OffloadOptions options_with(std::uint64_t threshold, CompressPolicy compress = CompressPolicy::Auto) {
  OffloadOptions options;
  options.threshold = threshold;
  options.compress = compress;
  return options;
}

Reference offload_bytes(Manager& manager, const std::string& payload, const OffloadOptions& options) {
  StringSource input(payload);
  StringSink passthrough;
  OffloadOutcome outcome = manager.maybe_offload(input, passthrough, options);
  REQUIRE(outcome.offloaded);
  REQUIRE(passthrough.data().empty());
  return outcome.reference;
}

std::string retrieve_bytes(Manager& manager, const Reference& ref, RetrieveOutcome* outcome = nullptr) {
  StringSink out;
  auto staged = stage_to_stream(out);
  RetrieveOutcome result = manager.retrieve(ref, *staged);
  if (outcome != nullptr) *outcome = result;
  return out.take();
}

std::string text_payload(std::size_t size) {
  std::string text;
  while (text.size() < size) text += "{\"event\":\"photo fetched\",\"id\":" + std::to_string(text.size()) + "}\n";
  text.resize(size);
  return text;
}

std::string random_payload(std::size_t size, unsigned seed = 7) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
  return bytes;
}

/// Runs `action`, which must fail with `kind`; returns the error's reason.
template <typename Action>
std::string error_reason(ErrorKind kind, Action action) {
  try {
    action();
  } catch (const Error& e) {
    CHECK(e.kind() == kind);
    return e.why();
  }
  FAIL("expected an Error");
  return {};
}

/// Fails the test on any use: a pass-through must not touch the store.
class UntouchableStore : public Store {
 public:
  std::string location() const override { fail(); }
  std::uint64_t put(const std::string&, ByteSource&, const ObjectMeta&, const FinalMeta&) override { fail(); }
  void get(const std::string&, ByteSink&) override { fail(); }
  std::optional<ObjectInfo> head(const std::string&) override { fail(); }
  void remove(const std::string&) override { fail(); }
  BatchDeleteResult remove_batch(const std::vector<std::string>&) override { fail(); }
  void list(const std::string&, const std::function<bool(const std::vector<ObjectInfo>&)>&) override { fail(); }
  void health() override { fail(); }
  std::string fetch_url(const std::string&, std::chrono::seconds) override { fail(); }

 private:
  [[noreturn]] static void fail() { throw std::logic_error("the store was touched"); }
};

/// Yields `size` pseudo-random bytes without ever holding them.
class GeneratedSource : public ByteSource {
 public:
  explicit GeneratedSource(std::uint64_t size) : left_(size) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, left_));
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>(rng_() >> 56);
    left_ -= n;
    return n;
  }

 private:
  std::uint64_t left_;
  std::mt19937_64 rng_{42};
};

class HashingSink : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override {
    sha256.update(data, size);
    bytes += size;
  }
  Sha256 sha256;
  std::uint64_t bytes = 0;
};

}  // namespace

TEST_CASE("round trips through the local store, every size and policy") {
  Fixture f;
  const std::uint64_t threshold = 1000;
  struct Case { const char* name; std::string payload; };
  std::vector<Case> cases = {
      {"empty", ""},
      {"one byte", "x"},
      {"threshold-1", text_payload(threshold - 1)},
      {"threshold", text_payload(threshold)},
      {"1 MiB text", text_payload(1u << 20)},
      {"5 MiB random", random_payload(5u << 20)},
  };
  for (auto policy : {CompressPolicy::Auto, CompressPolicy::Always, CompressPolicy::Never}) {
    for (const auto& c : cases) {
      CAPTURE(c.name);
      CAPTURE(static_cast<int>(policy));
      OffloadOptions options = options_with(threshold, policy);
      options.force = true;
      Reference ref = offload_bytes(*f.manager, c.payload, options);
      CHECK(ref.size_bytes == c.payload.size());
      CHECK(ref.sha256 == Sha256::hex(c.payload));
      CHECK(ref.stored_bytes == std::filesystem::file_size(f.object_path(ref)));
      RetrieveOutcome outcome;
      CHECK(retrieve_bytes(*f.manager, ref, &outcome) == c.payload);
      CHECK(outcome.sha256_verified);
      CHECK(outcome.bytes == c.payload.size());
    }
  }
}

TEST_CASE("the threshold decides: size-1 passes through, size offloads") {
  Fixture f;
  std::string below = text_payload(999), at = text_payload(1000);
  StringSource below_input(below);
  StringSink passthrough;
  OffloadOutcome outcome = f.manager->maybe_offload(below_input, passthrough, options_with(1000));
  CHECK_FALSE(outcome.offloaded);
  CHECK(passthrough.data() == below);
  CHECK(offload_bytes(*f.manager, at, options_with(1000)).size_bytes == 1000);
}

TEST_CASE("a pass-through never touches the store") {
  UntouchableStore store;
  Manager manager(store, nullptr);
  std::string payload = text_payload(4000);
  StringSource input(payload);
  StringSink passthrough;
  CHECK_FALSE(manager.maybe_offload(input, passthrough, options_with(51200)).offloaded);
  CHECK(passthrough.data() == payload);
}

TEST_CASE("disabled: even a large payload passes through unchanged") {
  UntouchableStore store;
  Manager manager(store, nullptr);
  OffloadOptions options = options_with(10);
  options.enabled = false;
  std::string payload = text_payload(100000);
  StringSource input(payload);
  StringSink passthrough;
  CHECK_FALSE(manager.maybe_offload(input, passthrough, options).offloaded);
  CHECK(passthrough.data() == payload);
}

TEST_CASE("the reference carries every field") {
  Fixture f;
  OffloadOptions options = options_with(10);
  options.ttl = std::chrono::hours(48);
  options.prefix = "team-a/";
  options.content_type = "application/json";
  std::string payload = text_payload(5000);
  Reference ref = offload_bytes(*f.manager, payload, options);
  CHECK(ref.key.rfind("team-a/", 0) == 0);
  CHECK(ref.stored_at == kNow);
  CHECK(ref.expires_at == kNow + std::chrono::hours(48));
  CHECK(ref.content_type == "application/json");
  CHECK(ref.store == f.store->location());
  CHECK(ref.compressed);  // text compresses well under auto
}

TEST_CASE("a ttl beyond the clock's range is a usage error, not a wrapped expiry") {
  Fixture f;
  OffloadOptions options = options_with(10);
  options.ttl = std::chrono::hours(24 * 300000 * 7);
  StringSource input(text_payload(100));
  StringSink passthrough;
  error_reason(ErrorKind::Usage, [&] { f.manager->maybe_offload(input, passthrough, options); });
  CHECK(std::filesystem::is_empty(f.store_dir));
}

TEST_CASE("auto stores incompressible data raw") {
  Fixture f;
  std::string payload = random_payload(200000);
  Reference ref = offload_bytes(*f.manager, payload, options_with(1000));
  CHECK_FALSE(ref.compressed);
  CHECK(read_file(f.object_path(ref)) == payload);
}

TEST_CASE("a payload larger than the in-memory head streams through the spool") {
  Fixture f;
  const std::uint64_t size = 20u << 20;
  GeneratedSource input(size);
  StringSink passthrough;
  OffloadOptions options = options_with(12u << 20, CompressPolicy::Never);
  OffloadOutcome outcome = f.manager->maybe_offload(input, passthrough, options);
  REQUIRE(outcome.offloaded);
  HashingSink expected;
  GeneratedSource again(size);
  std::vector<char> buffer(1 << 16);
  while (std::size_t n = again.read(buffer.data(), buffer.size())) expected.write(buffer.data(), n);
  CHECK(outcome.reference.sha256 == expected.sha256.hex_digest());
  HashingSink retrieved;
  auto staged = stage_to_stream(retrieved);
  f.manager->retrieve(outcome.reference, *staged);
  CHECK(retrieved.bytes == size);
}

TEST_CASE("integrity failures hand nothing out") {
  Fixture f;
  std::string payload = text_payload(100000);
  StringSink out;

  SUBCASE("tampered raw object") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10, CompressPolicy::Never));
    std::string stored = read_file(f.object_path(ref));
    stored[500] ^= 0x01;
    write_file(f.object_path(ref), stored);
    auto staged = stage_to_stream(out);
    CHECK(error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); }) ==
          "sha256 mismatch: the payload's sha256 is " + base::sha256_hex(stored) + ", the reference says " +
              *ref.sha256);
  }
  SUBCASE("truncated raw object") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10, CompressPolicy::Never));
    write_file(f.object_path(ref), payload.substr(0, 99990));
    auto staged = stage_to_stream(out);
    CHECK(error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); }) ==
          "size mismatch: expected 100000 bytes, got 99990");
  }
  SUBCASE("truncated gzip object") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10, CompressPolicy::Always));
    std::string stored = read_file(f.object_path(ref));
    write_file(f.object_path(ref), stored.substr(0, stored.size() / 2));
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); });
  }
  SUBCASE("flagged compressed but stored raw") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10, CompressPolicy::Never));
    ref.compressed = true;
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); });
  }
  SUBCASE("flagged raw but stored gzip") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10, CompressPolicy::Always));
    ref.compressed = false;
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); });
  }
  SUBCASE("a gzip bomb stops at size_bytes") {
    std::string zeros(50u << 20, '\0');
    Reference ref = offload_bytes(*f.manager, zeros, options_with(10, CompressPolicy::Always));
    ref.size_bytes = 1000;
    ref.sha256.reset();
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); });
  }
  SUBCASE("a missing object is NotFound") {
    Reference ref = offload_bytes(*f.manager, payload, options_with(10));
    std::filesystem::remove(f.object_path(ref));
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::NotFound, [&] { f.manager->retrieve(ref, *staged); });
  }
  CHECK(out.data().empty());
}

TEST_CASE("a failed retrieve into a file leaves no file") {
  Fixture f;
  Reference ref = offload_bytes(*f.manager, text_payload(5000), options_with(10, CompressPolicy::Never));
  write_file(f.object_path(ref), "tampered");
  std::string path = f.dir / "out.json";
  auto staged = stage_to_file(path);
  error_reason(ErrorKind::Integrity, [&] { f.manager->retrieve(ref, *staged); });
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a reference without sha256 is checked by size and reported unverified") {
  Fixture f;
  std::string payload = text_payload(3000);
  Reference ref = offload_bytes(*f.manager, payload, options_with(10));
  ref.sha256.reset();
  ref.format = ReferenceFormat::GoRunner;
  RetrieveOutcome outcome;
  CHECK(retrieve_bytes(*f.manager, ref, &outcome) == payload);
  CHECK_FALSE(outcome.sha256_verified);
}

TEST_CASE("a reference for another store is refused, naming it") {
  Fixture f;
  Reference ref = offload_bytes(*f.manager, text_payload(3000), options_with(10));
  ref.store = "s3://elsewhere";
  StringSink out;
  auto staged = stage_to_stream(out);
  std::string why = error_reason(ErrorKind::InvalidInput, [&] { f.manager->retrieve(ref, *staged); });
  CHECK(why.find("s3://elsewhere") != std::string::npos);
  CHECK(why.find("--store") != std::string::npos);
}

TEST_CASE("a reference's file store is compared as --store spells it once parsed") {
  Fixture f;
  const std::string payload = text_payload(3000);
  Reference ref = offload_bytes(*f.manager, payload, options_with(10));
  const std::string written = *ref.store;
  for (const std::string& spelling : {written + "/", written + "//", "file://" + f.dir.path() + "//store/./"}) {
    CAPTURE(spelling);
    ref.store = spelling;
    CHECK(retrieve_bytes(*f.manager, ref) == payload);
  }
  // another store: the advice is the --store that matches it, not one that normalises away
  ref.store = "file://" + f.dir.path() + "/other/";
  CHECK(store_mismatch(ref, written) == "reference is for store " + *ref.store + " but the configured store is " +
                                            written + " (use --store file://" + f.dir.path() + "/other)");
  ref.store = "s3://bkt/";
  CHECK(store_mismatch(ref, "s3://bkt") == std::nullopt);
}

TEST_CASE("maybe_retrieve: references are fetched, anything else passes through") {
  Fixture f;
  std::string payload = text_payload(3000);
  Reference ref = offload_bytes(*f.manager, payload, options_with(10));
  StringSink out;

  SUBCASE("a reference") {
    StringSource input("  " + to_json(ref, true) + "\n");
    auto staged = stage_to_stream(out);
    CHECK(f.manager->maybe_retrieve(input, *staged, false).was_reference);
    CHECK(out.data() == payload);
  }
  SUBCASE("other JSON passes through byte for byte") {
    std::string doc = "{\"a\": 1,  \"b\": [true]}";
    StringSource input(doc);
    auto staged = stage_to_stream(out);
    CHECK_FALSE(f.manager->maybe_retrieve(input, *staged, false).was_reference);
    CHECK(out.data() == doc);
  }
  SUBCASE("input larger than any reference passes through") {
    std::string big = random_payload(3u << 20);
    StringSource input(big);
    auto staged = stage_to_stream(out);
    CHECK_FALSE(f.manager->maybe_retrieve(input, *staged, false).was_reference);
    CHECK(out.data() == big);
  }
  SUBCASE("strict rejects a non-reference") {
    StringSource input("plain text");
    auto staged = stage_to_stream(out);
    CHECK(error_reason(ErrorKind::InvalidInput, [&] { f.manager->maybe_retrieve(input, *staged, true); }) ==
          "not a reference");
    CHECK(out.data().empty());
  }
  SUBCASE("a malformed reference is invalid input, not a pass-through") {
    StringSource input(R"({"_type":"claim_check_ref","key":"k"})");
    auto staged = stage_to_stream(out);
    error_reason(ErrorKind::InvalidInput, [&] { f.manager->maybe_retrieve(input, *staged, false); });
    CHECK(out.data().empty());
  }
  SUBCASE("a truncated reference is invalid input, not a pass-through") {
    const std::string whole = to_json(ref);
    for (std::size_t length : {std::size_t{9}, std::size_t{20}, std::size_t{60}, whole.size() - 1}) {
      CAPTURE(length);
      StringSource input(whole.substr(0, length));
      auto staged = stage_to_stream(out);
      CHECK(error_reason(ErrorKind::InvalidInput, [&] { f.manager->maybe_retrieve(input, *staged, false); })
                .starts_with("not JSON"));
      CHECK(out.data().empty());
    }
  }
  SUBCASE("a reference and then a NUL byte and more is invalid input, as any trailing bytes are") {
    for (bool strict : {false, true}) {
      StringSource input(to_json(ref) + std::string(1, '\0') + random_payload(1000));
      auto staged = stage_to_stream(out);
      CHECK(error_reason(ErrorKind::InvalidInput, [&] { f.manager->maybe_retrieve(input, *staged, strict); })
                .starts_with("not JSON"));
      CHECK(out.data().empty());
    }
  }
  SUBCASE("other broken JSON still passes through") {
    for (const std::string& text : std::vector<std::string>{"{\"_type\":\"other\",", "{\"a\":", "{\"_ty",
                                                             "{\"a\":1}" + std::string(1, '\0') + "junk"}) {
      StringSource input(text);
      auto staged = stage_to_stream(out);
      CHECK_FALSE(f.manager->maybe_retrieve(input, *staged, false).was_reference);
      CHECK(out.take() == text);
    }
  }
}

TEST_CASE("every operation leaves a journal record, failures with their exit code") {
  Fixture f;
  std::string small = "tiny";
  StringSource input(small);
  StringSink passthrough;
  f.manager->maybe_offload(input, passthrough, options_with(1000));
  Reference ref = offload_bytes(*f.manager, text_payload(5000), options_with(1000));
  retrieve_bytes(*f.manager, ref);
  std::filesystem::remove(f.object_path(ref));
  StringSink out;
  auto staged = stage_to_stream(out);
  CHECK_THROWS_AS(f.manager->retrieve(ref, *staged), Error);

  std::vector<JournalRecord> records;
  f.journal.read([&](const JournalRecord& r) { records.push_back(r); });
  REQUIRE(records.size() == 4);
  CHECK(records[0].op == "passthrough");
  CHECK(records[0].original_bytes == 4);
  CHECK(records[1].op == "offload");
  CHECK(records[1].original_bytes == 5000);
  CHECK(records[1].stored_bytes == *ref.stored_bytes);
  CHECK(records[1].compressed == ref.compressed);
  CHECK(records[1].key == ref.key);
  CHECK(records[2].op == "retrieve");
  CHECK(records[2].exit_code == 0);
  CHECK(records[3].op == "retrieve");
  CHECK(records[3].exit_code == 4);
}

namespace {

/// The local store, except that remove() fails (a store that went away).
class NoRemoveStore : public Store {
 public:
  explicit NoRemoveStore(Store& inner) : inner_(inner) {}
  std::string location() const override { return inner_.location(); }
  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta,
                    const FinalMeta& final_meta) override {
    return inner_.put(key, source, meta, final_meta);
  }
  void get(const std::string& key, ByteSink& sink) override { inner_.get(key, sink); }
  std::optional<ObjectInfo> head(const std::string& key) override { return inner_.head(key); }
  void remove(const std::string&) override { throw Error(ErrorKind::Store, "delete", "store unreachable"); }
  BatchDeleteResult remove_batch(const std::vector<std::string>& keys) override { return inner_.remove_batch(keys); }
  void list(const std::string& prefix, const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    inner_.list(prefix, on_page);
  }
  void health() override {}
  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) override {
    return inner_.fetch_url(key, lifetime);
  }

 private:
  Store& inner_;
};

std::vector<JournalRecord> journal_records(const Journal& journal) {
  std::vector<JournalRecord> records;
  journal.read([&](const JournalRecord& r) { records.push_back(r); });
  return records;
}

}  // namespace

TEST_CASE("offload_then_deliver: a reference that cannot be delivered takes its object with it") {
  Fixture f;
  const std::string payload = text_payload(5000);
  Reference stored;
  const std::string why = error_reason(ErrorKind::Internal, [&] {
    f.manager->offload_then_deliver([&] {
      stored = offload_bytes(*f.manager, payload, options_with(1000));
      REQUIRE(std::filesystem::exists(f.object_path(stored)));
      throw Error(ErrorKind::Internal, "write stdout", "No space left on device");
    });
  });
  CHECK(why == "No space left on device (the stored object was removed)");
  CHECK_FALSE(std::filesystem::exists(f.object_path(stored)));
  auto records = journal_records(f.journal);
  REQUIRE(records.size() == 1);
  CHECK(records[0].op == "offload");
  CHECK(records[0].key == stored.key);
  CHECK(records[0].exit_code == 1);
}

TEST_CASE("offload_then_deliver: every object of a document goes, and one that cannot be removed is named") {
  Fixture f;
  NoRemoveStore stuck(*f.store);
  Manager manager(stuck, &f.journal, [] { return kNow; });
  Reference first, second;
  const std::string why = error_reason(ErrorKind::ReaderGone, [&] {
    manager.offload_then_deliver([&] {
      first = offload_bytes(manager, text_payload(3000), options_with(1000));
      second = offload_bytes(manager, text_payload(4000), options_with(1000));
      throw Error(ErrorKind::ReaderGone, "write stdout", "Broken pipe");
    });
  });
  CHECK(why == "Broken pipe (2 stored object(s) remain, removing failed (delete: store unreachable): " +
                   f.store->location() + "/" + first.key + " " + f.store->location() + "/" + second.key + ")");
  auto records = journal_records(f.journal);
  REQUIRE(records.size() == 2);
  CHECK(records[0].exit_code == 141);
  CHECK(records[1].exit_code == 141);
}

TEST_CASE("offload_then_deliver: a delivered offload is journaled once, as a success") {
  Fixture f;
  Reference ref;
  f.manager->offload_then_deliver([&] { ref = offload_bytes(*f.manager, text_payload(5000), options_with(1000)); });
  CHECK(retrieve_bytes(*f.manager, ref) == text_payload(5000));
  auto records = journal_records(f.journal);
  REQUIRE(records.size() == 2);
  CHECK(records[0].op == "offload");
  CHECK(records[0].exit_code == 0);
}
