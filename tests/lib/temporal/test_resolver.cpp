// Resolution end to end on local directories standing in for buckets: the
// real SDK objects, tampering, unconfigured buckets, binary/zlib, and the
// claimcheck / TypeScript payloads.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>

#include "codec/codec.hpp"
#include "codec/digest.hpp"
#include "core/error.hpp"
#include "manager/manager.hpp"
#include "base/encoding.hpp"
#include "temporal/payload_codecs.hpp"
#include "temporal/payload_wire.hpp"
#include "temporal/resolver.hpp"
#include "temporal_fixtures.hpp"

using namespace claimcheck;
using base::base64_encode;
using claimcheck::testing::zlib_compress;
using namespace claimcheck::temporal;
using namespace temporal_test;

namespace {

struct Fixture {
  LocalBuckets buckets{{"bars", "tb"}};
  testing::TempDir home;
  std::unique_ptr<Store> store = make_local_store(home / "store");
  Manager manager{*store, nullptr};
  Resolver resolver{manager, buckets.stores};

  Fixture() {
    for (const Sample& sample : kSamples)
      buckets.put("bars", kKeyPrefix + sample.object_sha256, fixture(std::string(sample.name) + ".bin"));
  }
};

Payload ref_payload(const std::string& name) {
  return payload_from_json(Json::parse(fixture(name + ".ref.json")))->payload;
}

/// A reference to `body` stored in bucket `tb` under the fallback key layout.
Payload reference_to(LocalBuckets& buckets, const std::string& body) {
  const std::string hash = Sha256::hex(body);
  const std::string key = "v0/d/sha256/" + hash;
  buckets.put("tb", key, body);
  Json data = {{"driverName", "aws.s3driver"},
               {"claimData", {{"bucket", "tb"}, {"key", key}, {"hash_algorithm", "sha256"}, {"hash_value", hash}}}};
  return Payload{{{"encoding", "json/protobuf"}, {"messageType", std::string(kExternalStorageReferenceType)}},
                 data.dump(), {body.size()}};
}

ErrorKind error_of(const std::function<void()>& work, std::string& why) {
  try {
    work();
  } catch (const Error& e) {
    why = e.what_failed() + ": " + e.why();
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::Internal;
}

}  // namespace

TEST_CASE("the TypeScript driver's references resolve to the original payloads, verified") {
  Fixture f;
  for (const Sample& sample : kSamples) {
    CAPTURE(sample.name);
    auto reference = payload_reference(ref_payload(sample.name));
    REQUIRE(reference.has_value());
    Resolution resolution = f.resolver.resolve(*reference);
    CHECK(resolution.sha256_verified);
    CHECK(resolution.payload.encoding() == sample.encoding);
    CHECK(Sha256::hex(resolution.payload.data) == sample.data_sha256);
    CHECK(Sha256::hex(resolution.stored) == sample.object_sha256);
    CHECK(plain_data(resolution.payload, "retrieve").size() == sample.data_bytes);
  }
  CHECK(f.resolver.resolve(ref_payload("tiny"))->data == R"({"hello":"world"})");
}

TEST_CASE("ordinary payloads are not references") {
  Fixture f;
  CHECK_FALSE(f.resolver.resolve(Payload{{{"encoding", "json/plain"}}, "{}", {}}).has_value());
}

TEST_CASE("a bucket the user did not configure is refused without being contacted") {
  std::atomic<int> opened{0};
  testing::TempDir dir;
  ConfiguredBuckets only_other({"other"}, [&](const std::string& bucket) {
    ++opened;
    return make_local_store(dir / bucket);
  });
  testing::TempDir home;
  auto store = make_local_store(home / "store");
  Manager manager(*store, nullptr);
  Resolver resolver(manager, only_other);
  std::string why;
  CHECK(error_of([&] { resolver.resolve(ref_payload("tiny")); }, why) == ErrorKind::InvalidInput);
  CHECK(why.find("bucket \"bars\"") != std::string::npos);
  CHECK(why.find("not configured, so not contacted (configured: other") != std::string::npos);
  CHECK(opened == 0);
}

TEST_CASE("a tampered object fails the sha256 check; a resized one the size check") {
  Fixture f;
  std::string body = fixture("tiny.bin");
  Payload ref = reference_to(f.buckets, body);
  std::string tampered = body;
  tampered[30] ^= 0x01;
  const std::string key = "v0/d/sha256/" + Sha256::hex(body);
  f.buckets.put("tb", key, tampered);
  std::string why;
  CHECK(error_of([&] { f.resolver.resolve(ref); }, why) == ErrorKind::Integrity);
  CHECK(why.find("sha256 of the stored object is " + Sha256::hex(tampered)) != std::string::npos);
  f.buckets.put("tb", key, body + "x");
  CHECK(error_of([&] { f.resolver.resolve(ref); }, why) == ErrorKind::Integrity);
  CHECK(why.find("larger than 43 bytes") != std::string::npos);
  f.buckets.put("tb", key, body.substr(1));
  CHECK(error_of([&] { f.resolver.resolve(ref); }, why) == ErrorKind::Integrity);
  CHECK(why.find("is 42 bytes, externalPayloads.sizeBytes says 43") != std::string::npos);
}

TEST_CASE("a missing object is NotFound; a body that is not a Payload is Integrity") {
  Fixture f;
  Payload ref = reference_to(f.buckets, fixture("tiny.bin"));
  // The object goes, its bucket's directory stays: a missing directory is
  // the store's (a usage error), not the object's.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.buckets.dir / "tb"))
    if (entry.is_regular_file()) std::filesystem::remove(entry.path());
  std::string why;
  CHECK(error_of([&] { f.resolver.resolve(ref); }, why) == ErrorKind::NotFound);
  std::filesystem::remove_all(f.buckets.dir / "tb");
  CHECK(error_of([&] { f.resolver.resolve(ref); }, why) == ErrorKind::Usage);
  Payload garbage = reference_to(f.buckets, std::string("\x12\x30truncated", 11));
  CHECK(error_of([&] { f.resolver.resolve(garbage); }, why) == ErrorKind::Integrity);
  CHECK(why.find("not a protobuf Payload") != std::string::npos);
}

TEST_CASE("a binary/zlib stored payload is inflated to the payload inside") {
  Fixture f;
  const Payload inner = decode_payload_wire(fixture("json-300k.bin"));
  Payload zlib_payload{{{"encoding", "binary/zlib"}}, zlib_compress(encode_payload_wire(inner)), {}};
  Payload ref = reference_to(f.buckets, encode_payload_wire(zlib_payload));
  Payload stored = *f.resolver.resolve(ref);
  CHECK(stored.encoding() == "binary/zlib");
  CHECK(undo_known_codecs(stored) == inner);
  // A caller's bound stops the inflating there (a zlib bomb of 1 MB is 1 GB).
  CHECK_THROWS_AS(undo_known_codecs(stored, 1000), InflatesBeyond);
  std::string why;
  CHECK(error_of([&] { undo_known_codecs(stored, 1000); }, why) == ErrorKind::Integrity);
  CHECK(why == "binary/zlib payload: inflates beyond 1000 bytes");
  Payload truncated = zlib_payload;
  truncated.data.resize(truncated.data.size() / 2);
  CHECK(error_of([&] { undo_known_codecs(truncated); }, why) == ErrorKind::Integrity);
  CHECK(why.find("truncated") != std::string::npos);
  Payload corrupt = zlib_payload;
  corrupt.data[0] = '\0';  // not a zlib header
  CHECK(error_of([&] { undo_known_codecs(corrupt); }, why) == ErrorKind::Integrity);
}

TEST_CASE("only the converters' own encodings are written as data") {
  for (const char* encoding : {"json/plain", "binary/plain", "json/protobuf", "binary/protobuf", "binary/null"})
    CHECK(plain_data(Payload{{{"encoding", encoding}}, "v", {}}, "retrieve") == "v");
  std::string why;
  CHECK(error_of([] { plain_data(Payload{{{"encoding", "binary/encrypted"}}, "c", {}}, "retrieve k"); }, why) ==
        ErrorKind::InvalidInput);
  CHECK(why.find("retrieve k: the stored payload is encoded binary/encrypted") == 0);
  CHECK(error_of([] { plain_data(Payload{{}, "", {}}, "retrieve k"); }, why) == ErrorKind::InvalidInput);
  CHECK(why.find("retrieve k: the stored payload has no encoding (claimcheck cannot decode it;") == 0);
}

TEST_CASE("a claimcheck reference wrapped in a json/plain payload resolves with an encoding that follows the bytes") {
  Fixture f;
  OffloadOptions options;
  options.threshold = 1;
  for (const auto& [original, encoding] : {std::pair<std::string, std::string>{std::string(70000, 'a') + "\"", "binary/plain"},
                                           {"[\"" + std::string(70000, 'a') + "\"]", "json/plain"},
                                           // JSON after a byte order mark: Go's json/plain reader refuses it
                                           {"\xEF\xBB\xBF[\"" + std::string(70000, 'a') + "\"]", "binary/plain"}}) {
    const std::string& expected = encoding;  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(expected);
    Reference ref = f.manager.offload(original, options);
    Payload wrapper{{{"encoding", "json/plain"}, {"note", "kept"}}, to_json(ref), {}};
    Resolution resolution = f.resolver.resolve(*payload_reference(wrapper));
    CHECK(resolution.sha256_verified);
    CHECK(resolution.payload.data == original);
    CHECK(resolution.payload.metadata == std::map<std::string, std::string>{{"encoding", encoding}, {"note", "kept"}});
  }
}

TEST_CASE("a TypeScript binary/claimcheck payload resolves with the marker's metadata") {
  Fixture f;
  const std::string original = R"({"photos":[1,2,3]})";
  StringSource source(gzip_in_memory(original, 6));
  f.store->put("claimcheck/5d2c", source, ObjectMeta{});
  Json marker = {{"key", "claimcheck/5d2c"}, {"size", original.size()}, {"compressed", true},
                 {"metadata", {{"encoding", base::base64_encode("json/plain")}}}};
  Payload payload{{{"encoding", "binary/claimcheck"}}, marker.dump(), {}};
  Resolution resolution = f.resolver.resolve(*payload_reference(payload));
  CHECK_FALSE(resolution.sha256_verified);
  CHECK(resolution.payload == Payload{{{"encoding", "json/plain"}}, original, {}});
}
