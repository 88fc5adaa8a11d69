// The inspect core against an in-memory store: every status, the metadata
// checks, content verification, presigned URLs, concurrency, exit codes.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

#include "codec/digest.hpp"
#include "core/error.hpp"
#include "reference/keys.hpp"
#include "scanner/inspect.hpp"

using namespace claimcheck;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

/// Objects in a map; keys starting with "boom" fail like an unreachable server.
class MemoryStore : public Store {
 public:
  struct Object {
    std::string bytes;
    ObjectMeta meta;
  };
  std::map<std::string, Object> objects;
  std::atomic<int> heads{0};
  /// When set, head() waits until this many HEADs are in flight at once.
  int rendezvous = 0;

  std::string location() const override { return "memory://"; }
  std::uint64_t put(const std::string&, ByteSource&, const ObjectMeta&, const FinalMeta&) override {
    throw Error(ErrorKind::Internal, "put", "not used");
  }
  void get(const std::string& key, ByteSink& sink) override {
    auto it = objects.find(key);
    if (it == objects.end()) throw Error(ErrorKind::NotFound, key, "no such object");
    sink.write(it->second.bytes.data(), it->second.bytes.size());
  }
  std::optional<ObjectInfo> head(const std::string& key) override {
    ++heads;
    if (rendezvous) wait_for_peers();
    if (key.rfind("boom", 0) == 0) throw Error(ErrorKind::Store, "HEAD " + key, "connection refused");
    auto it = objects.find(key);
    if (it == objects.end()) return std::nullopt;
    return ObjectInfo{key, it->second.bytes.size(), kNow - 1h, it->second.meta};
  }
  void remove(const std::string&) override {}
  BatchDeleteResult remove_batch(const std::vector<std::string>&) override { return {}; }
  void list(const std::string&, const std::function<bool(const std::vector<ObjectInfo>&)>&) override {}
  void health() override {}
  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) override {
    return "https://example.test/" + key + "?X-Amz-Expires=" + std::to_string(lifetime.count());
  }

  bool peers_met = false;

 private:
  void wait_for_peers() {
    std::unique_lock lock(mutex_);
    if (++in_flight_ >= rendezvous) {
      peers_met = true;
      cv_.notify_all();
    }
    cv_.wait_for(lock, 10s, [this] { return peers_met; });
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  int in_flight_ = 0;
};

/// Buckets backed by test stores; only those listed are configured.
class TestBuckets : public BucketStores {
 public:
  std::map<std::string, Store*> stores;
  bool allows(const std::string& bucket) const override { return stores.count(bucket) > 0; }
  Store& store_for(const std::string& bucket) override {
    if (!allows(bucket)) refuse_bucket(bucket, allowed_list());
    return *stores.at(bucket);
  }
  std::string allowed_list() const override {
    std::string list;
    for (const auto& [name, _] : stores) list += (list.empty() ? "" : ", ") + name;
    return list;
  }
};

/// An uncompressed claimcheck reference to `bytes`, and the object for it.
Reference put_plain(MemoryStore& store, const std::string& key, const std::string& bytes,
                    bool record_meta = true) {
  Reference ref;
  ref.key = key;
  ref.size_bytes = bytes.size();
  ref.compressed = false;
  ref.stored_at = kNow - 24h;
  ref.sha256 = Sha256::hex(bytes);
  ref.stored_bytes = bytes.size();
  ref.expires_at = kNow + 24h;
  ObjectMeta meta;
  if (record_meta) {
    meta.original_size = bytes.size();
    meta.sha256 = ref.sha256;
    meta.compressed = false;
  }
  store.objects[key] = {bytes, meta};
  return ref;
}

Finding finding_for(const Reference& ref) {
  Finding f;
  f.format = ref.sha256 ? FoundFormat::ClaimCheck : FoundFormat::GoRunner;
  f.key = ref.key;
  f.size = ref.size_bytes;
  f.reference = ref;
  return f;
}

std::vector<Inspection> run(MemoryStore& store, const std::vector<Reference>& refs,
                            InspectOptions options = {}) {
  std::vector<Inspection> items;
  for (const auto& ref : refs) items.push_back(prepare_inspection(finding_for(ref), "test", kNow));
  TestBuckets none;
  check_inspections(items, store, none, options, kNow);
  return items;
}

bool mentions(const Inspection& item, std::string_view text) {
  for (const auto& p : item.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("prepare: invalid, foreign, expired and fetchable findings") {
  Finding bad;
  bad.error = "field \"size_bytes\" must be a number";
  CHECK(prepare_inspection(bad, "s", kNow).status == CheckStatus::Invalid);
  CHECK(prepare_inspection(bad, "s", kNow).problems.at(0) == *bad.error);

  Finding aws;
  aws.format = FoundFormat::AwsExtendedClient;
  aws.key = "k";
  CHECK(prepare_inspection(aws, "s", kNow).status == CheckStatus::Foreign);

  MemoryStore store;
  Reference ref = put_plain(store, "k", "hello");
  CHECK(prepare_inspection(finding_for(ref), "s", kNow).status == CheckStatus::Unchecked);
  // A reference's expires_at is only a claim: gc goes by the key, or by LastModified + TTL.
  ref.expires_at = kNow - 1s;
  CHECK(prepare_inspection(finding_for(ref), "s", kNow).status == CheckStatus::Unchecked);
  CHECK_FALSE(prepare_inspection(finding_for(ref), "s", kNow).expires_at.has_value());

  Reference keyed = ref;
  keyed.expires_at = kNow + 24h;
  keyed.key = "claimcheck/2026-02-01/120000Z-0f8e2d3c-1111-4222-8333-444455556666";
  auto item = prepare_inspection(finding_for(keyed), "s", kNow);
  REQUIRE(item.expires_at.has_value());
  CHECK(item.status == CheckStatus::Expired);
}

TEST_CASE("present and consistent is ok; absent is missing; foreign is never looked up") {
  MemoryStore store;
  Reference present = put_plain(store, "a", "payload-a");
  Reference absent = put_plain(store, "b", "payload-b");
  store.objects.erase("b");
  Finding foreign;
  foreign.format = FoundFormat::DataDogRemoteCodecV2;
  foreign.key = "/blobs/x";
  std::vector<Inspection> items = {prepare_inspection(finding_for(present), "t", kNow),
                                   prepare_inspection(finding_for(absent), "t", kNow),
                                   prepare_inspection(foreign, "t", kNow)};
  TestBuckets none;
  check_inspections(items, store, none, {}, kNow);
  CHECK(items[0].status == CheckStatus::Ok);
  REQUIRE(items[0].object.has_value());
  CHECK(items[0].object->stored_size == 9);
  CHECK(items[1].status == CheckStatus::Missing);
  CHECK(items[1].looked_up);
  CHECK(items[2].status == CheckStatus::Foreign);
  CHECK_FALSE(items[2].looked_up);
  CHECK(store.heads == 2);
}

TEST_CASE("metadata that disagrees with the reference makes it corrupt, saying how") {
  MemoryStore store;
  Reference size = put_plain(store, "size", "12345");
  size.stored_bytes = 6;
  Reference sha = put_plain(store, "sha", "abc");
  store.objects["sha"].meta.sha256 = std::string(64, '0');
  Reference gz = put_plain(store, "gz", "abc");
  store.objects["gz"].meta.compressed = true;
  Reference plain_size = put_plain(store, "plain", "abcdef", false);
  plain_size.stored_bytes.reset();
  plain_size.size_bytes = 7;  // uncompressed: stored size must equal size_bytes
  auto items = run(store, {size, sha, gz, plain_size});
  for (const auto& item : items) CHECK(item.status == CheckStatus::Corrupt);
  CHECK(mentions(items[0], "stored_bytes 6"));
  CHECK(mentions(items[1], "sha256"));
  CHECK(mentions(items[2], "compressed=true"));
  CHECK(mentions(items[3], "size_bytes 7"));
}

TEST_CASE("expired references stay expired whether or not gc removed the object") {
  MemoryStore store;
  const std::string kept_key = make_key("claimcheck/", kNow - 1h), gone_key = make_key("claimcheck/", kNow - 1h);
  Reference kept = put_plain(store, kept_key, "x");
  Reference gone = put_plain(store, gone_key, "y");
  store.objects.erase(gone_key);
  auto items = run(store, {kept, gone});
  CHECK(items[0].status == CheckStatus::Expired);
  CHECK(items[0].object.has_value());
  CHECK(items[1].status == CheckStatus::Expired);
  CHECK_FALSE(items[1].object.has_value());
}

TEST_CASE("the key's expiry, which gc goes by, decides over the reference's expires_at") {
  // The key keeps the object until 2026-03-02; the reference claims an hour before kNow.
  const std::string key = "claimcheck/2026-03-02/000000Z-0f8e2d3c-1111-4222-8333-444455556666";
  MemoryStore store;
  Reference claims_expired = put_plain(store, key, "z");
  claims_expired.expires_at = kNow - 1h;
  store.objects.erase(key);
  auto gone = run(store, {claims_expired});
  CHECK(gone[0].status == CheckStatus::Missing);  // gc would not have deleted it yet
  CHECK(mentions(gone[0], "the reference says it expired at 2026-02-28T23:00:00Z, but its key keeps the object "
                          "until 2026-03-02T00:00:00Z, and gc goes by the key"));
  CHECK(inspect_exit_code(summarize(gone)) == 4);
  REQUIRE(gone[0].expires_at.has_value());
  CHECK(*gone[0].expires_at == kNow + 24h);

  put_plain(store, key, "z");
  auto kept = run(store, {claims_expired});
  CHECK(kept[0].status == CheckStatus::Ok);
  CHECK(kept[0].problems.empty());

  // A key without an expiry (the Go runner's): LastModified + TTL, never the reference's claim.
  MemoryStore runner;  // objects were last modified an hour before kNow
  Reference undated = put_plain(runner, "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c", "u");
  undated.expires_at = kNow + 400h;
  InspectOptions short_ttl;
  short_ttl.ttl = 30min;
  auto due = run(runner, {undated}, short_ttl);
  CHECK(due[0].status == CheckStatus::Expired);  // gc would delete it now
  CHECK(*due[0].expires_at == kNow - 30min);
  undated.expires_at = kNow - 1h;
  runner.objects.clear();
  auto lost = run(runner, {undated});
  CHECK(lost[0].status == CheckStatus::Missing);
  CHECK_FALSE(lost[0].expires_at.has_value());
  CHECK(mentions(lost[0], "the reference says it expired at 2026-02-28T23:00:00Z, but gc goes by the object's "
                          "last-modified time + the TTL for a key without an expiry"));

  // A key gc never touches (at the root, not a runner's) never expires, however old.
  Reference other = put_plain(runner, "notes.bin", "n");
  auto never = run(runner, {other}, short_ttl);
  CHECK(never[0].status == CheckStatus::Ok);
  CHECK_FALSE(never[0].expires_at.has_value());
}

TEST_CASE("without an expiry in reference or key, LastModified + TTL decides (as gc does)") {
  MemoryStore store;  // objects were last modified an hour before kNow
  Reference go = put_plain(store, "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c", "go", false);
  go.expires_at.reset();
  go.sha256.reset();
  InspectOptions short_ttl;
  short_ttl.ttl = 30min;
  auto expired = run(store, {go}, short_ttl);
  CHECK(expired[0].status == CheckStatus::Expired);
  REQUIRE(expired[0].expires_at.has_value());
  CHECK(*expired[0].expires_at == kNow - 30min);
  InspectOptions long_ttl;
  long_ttl.ttl = 24h;
  auto fine = run(store, {go}, long_ttl);
  CHECK(fine[0].status == CheckStatus::Ok);
  CHECK(*fine[0].expires_at == kNow + 23h);
}

TEST_CASE("a store that cannot answer gives an error status with the reason") {
  MemoryStore store;
  Reference ref = put_plain(store, "boom-1", "z");
  auto items = run(store, {ref});
  CHECK(items[0].status == CheckStatus::StoreError);
  CHECK(mentions(items[0], "connection refused"));
}

TEST_CASE("verify downloads and checks content: tampering is corrupt, size-only for Go refs") {
  MemoryStore store;
  Reference intact = put_plain(store, "intact", "the original payload");
  Reference tampered = put_plain(store, "tampered", "the original payload");
  store.objects["tampered"].bytes = "the 0riginal payload";  // same size, metadata intact
  Reference go = put_plain(store, "go", "go payload", false);
  go.sha256.reset();
  go.stored_bytes.reset();
  go.expires_at.reset();
  InspectOptions options;
  options.verify = true;
  auto items = run(store, {intact, tampered, go}, options);
  CHECK(items[0].status == CheckStatus::Ok);
  CHECK(items[0].verified == "sha256");
  CHECK(items[1].status == CheckStatus::Corrupt);
  CHECK(items[1].verified.empty());
  CHECK(mentions(items[1], "content check failed"));
  CHECK(items[2].status == CheckStatus::Ok);
  CHECK(items[2].verified == "size");

  auto without_verify = run(store, {tampered});
  CHECK(without_verify[0].status == CheckStatus::Ok);  // HEAD alone cannot see it
}

TEST_CASE("url lifetime asks the store for a presigned URL per reference") {
  MemoryStore store;
  Reference ref = put_plain(store, "u", "data");
  InspectOptions options;
  options.url_lifetime = 900s;
  auto items = run(store, {ref}, options);
  CHECK(items[0].url == "https://example.test/u?X-Amz-Expires=900");
  CHECK(run(store, {ref})[0].url.empty());
  store.objects.erase("u");
  auto missing = run(store, {ref}, options);
  CHECK(missing[0].status == CheckStatus::Missing);
  CHECK(missing[0].url.empty());
}

TEST_CASE("lookups run concurrently") {
  MemoryStore store;
  std::vector<Reference> refs;
  for (int i = 0; i < 64; ++i) refs.push_back(put_plain(store, "k" + std::to_string(i), "v"));
  store.rendezvous = 8;  // head() returns early only if 8 are in flight together
  InspectOptions options;
  options.concurrency = 8;
  auto items = run(store, refs, options);
  CHECK(store.peers_met);
  for (const auto& item : items) CHECK(item.status == CheckStatus::Ok);
  CHECK(store.heads == 64);
}

TEST_CASE("summary counts each status once and the exit code follows the worst") {
  auto with = [](std::initializer_list<CheckStatus> statuses) {
    std::vector<Inspection> items;
    for (auto s : statuses) {
      Inspection item;
      item.status = s;
      items.push_back(item);
    }
    return summarize(items);
  };
  auto s = with({CheckStatus::Ok, CheckStatus::Ok, CheckStatus::Missing, CheckStatus::Foreign,
                 CheckStatus::Invalid, CheckStatus::Expired, CheckStatus::Unchecked});
  CHECK(s.found == 7);
  CHECK(s.ok == 2);
  CHECK(s.missing == 1);
  CHECK(s.foreign == 1);
  CHECK(s.invalid == 1);
  CHECK(s.expired == 1);
  CHECK(s.unchecked == 1);
  CHECK(inspect_exit_code(s) == 4);
  CHECK(inspect_exit_code(with({CheckStatus::Missing, CheckStatus::Corrupt})) == 5);
  CHECK(inspect_exit_code(with({CheckStatus::Invalid, CheckStatus::Ok})) == 3);
  CHECK(inspect_exit_code(with({CheckStatus::StoreError, CheckStatus::Invalid})) == 6);
  CHECK(inspect_exit_code(with({CheckStatus::Ok, CheckStatus::Foreign, CheckStatus::Expired})) == 0);
  CHECK(status_name(CheckStatus::StoreError) == "error");
}

namespace {

/// An External Storage finding for `bytes` stored in `bucket` of `store`.
/// 9 bytes that are a protobuf Payload (data "payld-<c>"), as the S3 driver's objects are.
std::string wire(char c) { return std::string("\x12\x07payld-") + c; }

Finding external_finding(MemoryStore& store, const std::string& bucket, const std::string& key,
                         const std::string& bytes, std::optional<std::uint64_t> size_bytes) {
  store.objects[key] = {bytes, {}};
  temporal::ExternalStorageReference ref;
  ref.driver_name = "aws.s3driver";
  ref.bucket = bucket;
  ref.key = key;
  ref.hash_algorithm = "sha256";
  ref.hash_value = Sha256::hex(bytes);
  ref.size_bytes = size_bytes;
  Finding f;
  f.format = FoundFormat::TemporalExternalStorage;
  f.key = key;
  f.bucket = bucket;
  f.sha256 = ref.hash_value;
  f.size = size_bytes;
  f.external = ref;
  return f;
}

}  // namespace

TEST_CASE("External Storage references: HEAD in their bucket, size against sizeBytes, sha256 on verify") {
  MemoryStore bars;
  TestBuckets buckets;
  buckets.stores["bars"] = &bars;
  MemoryStore main_store;
  std::vector<Inspection> items;
  items.push_back(prepare_inspection(external_finding(bars, "bars", "v0/d/sha256/a", wire('a'), 9), "t", kNow));
  items.push_back(prepare_inspection(external_finding(bars, "bars", "v0/d/sha256/b", wire('b'), 99), "t", kNow));
  Finding gone = external_finding(bars, "bars", "v0/d/sha256/c", wire('c'), 9);
  bars.objects.erase("v0/d/sha256/c");
  items.push_back(prepare_inspection(gone, "t", kNow));
  items.push_back(prepare_inspection(external_finding(bars, "bars", "v0/d/sha256/d", wire('d'), std::nullopt), "t", kNow));
  for (const auto& item : items) CHECK(item.status == CheckStatus::Unchecked);
  InspectOptions options;
  options.ttl = 48h;
  check_inspections(items, main_store, buckets, options, kNow);
  CHECK(items[0].status == CheckStatus::Ok);
  CHECK(items[0].expires_at == kNow - 1h + 48h);  // LastModified + TTL
  CHECK(items[1].status == CheckStatus::Corrupt);
  CHECK(mentions(items[1], "stored size is 9 bytes, externalPayloads.sizeBytes says 99"));
  CHECK(items[2].status == CheckStatus::Missing);
  CHECK(items[3].status == CheckStatus::Ok);
  CHECK(main_store.heads == 0);
  CHECK(bars.heads == 4);

  // --verify: the object's sha256 against hashValue
  bars.objects["v0/d/sha256/d"].bytes = wire('D');  // same size, other bytes
  std::vector<Inspection> verified;
  verified.push_back(prepare_inspection(external_finding(bars, "bars", "v0/d/sha256/a", wire('a'), 9), "t", kNow));
  Finding tampered = external_finding(bars, "bars", "v0/d/sha256/e", wire('e'), 9);
  bars.objects["v0/d/sha256/e"].bytes = wire('E');
  verified.push_back(prepare_inspection(tampered, "t", kNow));
  options.verify = true;
  check_inspections(verified, main_store, buckets, options, kNow);
  CHECK(verified[0].status == CheckStatus::Ok);
  CHECK(verified[0].verified == "sha256");
  CHECK(verified[1].status == CheckStatus::Corrupt);
  CHECK(mentions(verified[1], "sha256 of the stored object is " + Sha256::hex(wire('E'))));
  CHECK(inspect_exit_code(summarize(verified)) == 5);

  // A body whose sha256 matches but which is not a Payload: retrieve could not deliver it.
  std::vector<Inspection> not_a_payload;
  not_a_payload.push_back(
      prepare_inspection(external_finding(bars, "bars", "v0/d/sha256/f", "\x0f not protobuf", 14), "t", kNow));
  check_inspections(not_a_payload, main_store, buckets, options, kNow);
  CHECK(not_a_payload[0].status == CheckStatus::Corrupt);
  CHECK(mentions(not_a_payload[0], "the stored object is not a protobuf Payload"));
}

TEST_CASE("an External Storage reference to a bucket that is not configured is other-store and not contacted") {
  MemoryStore other;
  TestBuckets buckets;
  buckets.stores["configured"] = &other;
  MemoryStore main_store;
  std::vector<Inspection> items;
  items.push_back(prepare_inspection(external_finding(other, "elsewhere", "v0/d/sha256/x", "x", 1), "t", kNow));
  check_inspections(items, main_store, buckets, {}, kNow);
  CHECK(items[0].status == CheckStatus::OtherStore);
  CHECK(mentions(items[0], "bucket \"elsewhere\": not configured, so not contacted (configured: configured;"));
  CHECK_FALSE(items[0].looked_up);
  CHECK(other.heads == 0);
  CHECK(main_store.heads == 0);
  CHECK(inspect_exit_code(summarize(items)) == 0);

  // Offline, the same is said without a request; a claimcheck reference to another store too.
  Reference elsewhere = put_plain(main_store, "k", "hello");
  elsewhere.store = "s3://elsewhere";
  Reference here = elsewhere;
  here.store = "memory://";
  std::vector<Inspection> offline;
  offline.push_back(prepare_inspection(external_finding(other, "elsewhere", "v0/d/sha256/x", "x", 1), "t", kNow));
  offline.push_back(prepare_inspection(external_finding(other, "configured", "v0/d/sha256/y", "y", 1), "t", kNow));
  offline.push_back(prepare_inspection(finding_for(elsewhere), "t", kNow));
  offline.push_back(prepare_inspection(finding_for(here), "t", kNow));
  settle_offline(offline, main_store.location(), buckets, kNow);
  CHECK(offline[0].status == CheckStatus::OtherStore);
  CHECK(offline[0].problems == items[0].problems);
  CHECK(offline[1].status == CheckStatus::Unchecked);
  CHECK(offline[2].status == CheckStatus::OtherStore);
  CHECK(mentions(offline[2], "reference is for store s3://elsewhere but the configured store is memory:// "
                             "(use --store s3://elsewhere)"));
  CHECK(offline[3].status == CheckStatus::Unchecked);
  CHECK(other.heads == 0);
  CHECK(main_store.heads == 0);
}
