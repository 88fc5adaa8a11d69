#include <algorithm>
#include <filesystem>
#include <functional>
#include <new>
#include <stdexcept>
#include <system_error>
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "manager/json_fields.hpp"
#include "serve/http_error.hpp"
#include "serve/payloads_json.hpp"
#include "temporal/payload_wire.hpp"
#include "serve_fixture.hpp"

using namespace claimcheck;
using namespace claimcheck::serve;
using namespace claimcheck::serve::testing;
using claimcheck::testing::random_bytes;
using claimcheck::testing::text_bytes;
using claimcheck::testing::write_file;
using claimcheck::testing::zlib_compress;

namespace {

std::string json_document(std::size_t size) {
  return nlohmann::json{{"text", text_bytes(size)}}.dump();
}

int status_of(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const HttpError& e) {
    if (message) *message = e.what();
    return e.status();
  }
  return 200;
}

}  // namespace

TEST_CASE("decode: a whole reference becomes the original bytes, json/plain or binary/plain") {
  ServeFixture f;
  const std::string json = json_document(5000);
  const std::string binary = random_bytes(4000);
  const Payload plain = make_payload("json/plain", R"({"small":true})");
  auto out = f.routes.decode({f.reference_payload(f.offload(json)), plain,
                              f.reference_payload(f.offload(binary))},
                             false);
  REQUIRE(out.size() == 3);
  CHECK(out[0].encoding() == "json/plain");
  CHECK(out[0].data == json);
  CHECK(out[1].metadata == plain.metadata);  // passes through unchanged
  CHECK(out[1].data == plain.data);
  CHECK(out[2].encoding() == "binary/plain");
  CHECK(out[2].data == binary);
}

TEST_CASE("decode: a Go runner reference (no sha256) is resolved, verified by size") {
  ServeFixture f;
  const std::string json = json_document(3000);
  Reference ref = f.offload(json);
  nlohmann::ordered_json go{{"_type", "claim_check_ref"}, {"key", ref.key}, {"size_bytes", ref.size_bytes},
                            {"compressed", ref.compressed}, {"stored_at", "2026-01-09T13:24:00Z"}};
  auto out = f.routes.decode({make_payload("json/plain", go.dump())}, false);
  CHECK(out[0].data == json);
}

TEST_CASE("decode: references nested in a json/plain document are restored in place, byte-exact") {
  ServeFixture f;
  const std::string photos = json_document(4000);
  const std::string report = "\"" + std::string(3000, 'r') + "\"";
  const std::string document = "{ \"workflowId\" : \"wf-1\",\n  \"data\": {\"photos\": " + to_json(f.offload(photos)) +
                               ", \"n\": 1.50},\n  \"context\": {\"report\": " + to_json(f.offload(report)) + "} }";
  auto out = f.routes.decode({make_payload("json/plain", document)}, false);
  CHECK(out[0].encoding() == "json/plain");
  CHECK(out[0].data == restore_fields_text(document, f.manager));
  CHECK(out[0].data.find("\"n\": 1.50") != std::string::npos);  // untouched bytes stay as they were
  CHECK(out[0].data.find(photos) != std::string::npos);
}

TEST_CASE("decode: the TypeScript codec's binary/claimcheck payload gets its original metadata back") {
  ServeFixture f;
  const std::string data = random_bytes(2000, 7);
  Reference ref = f.offload(data);
  nlohmann::ordered_json marker{{"key", ref.key}, {"size", ref.size_bytes}, {"compressed", ref.compressed},
                                {"metadata", {{"encoding", "YmluYXJ5L3BsYWlu"}, {"note", "dg=="}}}};
  auto out = f.routes.decode({make_payload("binary/claimcheck", marker.dump())}, false);
  CHECK(out[0].encoding() == "binary/plain");
  CHECK(out[0].metadata.at("note") == "v");
  CHECK(out[0].data == data);
}

TEST_CASE("decode with preserveStorageRefs: over the display limit stays a native-shaped reference") {
  ServeFixture f(10'000);
  const std::string big = json_document(20'000);
  const std::string small = json_document(2'000);
  const Payload big_ref = f.reference_payload(f.offload(big));
  auto out = f.routes.decode({big_ref, f.reference_payload(f.offload(small))}, true);
  CHECK(out[0].encoding() == "json/protobuf");
  CHECK(out[0].metadata.at("messageType") == "temporal.api.sdk.v1.ExternalStorageReference");
  CHECK(out[0].external_sizes == std::vector<std::uint64_t>{big.size()});
  auto data = nlohmann::json::parse(out[0].data);
  CHECK(data["driverName"] == "claimcheck");
  CHECK(out[1].data == small);  // under the limit: inline
  CHECK(out[1].external_sizes.empty());

  SUBCASE("the UI hands it back to /download and gets the payload in full") {
    auto downloaded = f.routes.download({out[0]});
    CHECK(downloaded[0].data == big);
  }
  SUBCASE("without the parameter (the CLI) it is resolved inline, and so is the native-shaped one") {
    CHECK(f.routes.decode({big_ref}, false)[0].data == big);
    CHECK(f.routes.decode({out[0]}, false)[0].data == big);
  }
  SUBCASE("a native-shaped reference sent back with preserveStorageRefs stays as it is") {
    auto again = f.routes.decode({out[0]}, true);
    CHECK(again[0].data == out[0].data);
  }
}

TEST_CASE("decode: a payload larger than one response is 413 without preserveStorageRefs, never passed through") {
  ServeFixture f(1'000);
  CodecRoutes routes(f.resolver, nullptr, CodecLimits{1'000, 4'096, 8});
  const Payload big_ref = f.reference_payload(f.offload(json_document(5'000)));
  std::string message;
  CHECK(status_of([&] { routes.decode({f.reference_payload(f.offload(json_document(2'000))), big_ref}, false); },
                  &message) == 413);
  CHECK(message == "payloads[1]: " + std::to_string(json_document(5'000).size()) +
                       " bytes is more than serve returns in one response (4096)");
  // The Web UI asked to keep large ones as references: it gets one.
  CHECK(routes.decode({big_ref}, true)[0].encoding() == "json/protobuf");
}

Payload zlib_payload(const Payload& inner, int level = 6) {
  return make_payload("binary/zlib", zlib_compress(temporal::encode_payload_wire(inner), level));
}

TEST_CASE("decode: a binary/zlib payload is inflated, and a reference inside it resolved") {
  ServeFixture f;
  const Payload hello = make_payload("json/plain", R"({"hello":"world"})");
  const std::string json = json_document(5000);
  auto out = f.routes.decode({zlib_payload(hello), zlib_payload(f.reference_payload(f.offload(json))),
                              zlib_payload(zlib_payload(hello))},
                             true);
  REQUIRE(out.size() == 3);
  CHECK(out[0].metadata == hello.metadata);
  CHECK(out[0].data == hello.data);
  CHECK(out[1].encoding() == "json/plain");
  CHECK(out[1].data == json);
  CHECK(out[2].data == hello.data);  // one layer after the other
  std::string message;
  Payload cut = zlib_payload(hello);
  cut.data.resize(cut.data.size() - 3);
  CHECK(status_of([&] { f.routes.decode({hello, cut}, false); }, &message) == 400);
  CHECK(message == "payloads[1]: binary/zlib data that does not inflate to a payload: zlib stream: truncated");
  const Payload not_a_payload = make_payload("binary/zlib", zlib_compress("\xff\xff\xff"));
  CHECK(status_of([&] { f.routes.decode({not_a_payload}, false); }) == 400);
}

TEST_CASE("decode: the binary/zlib payloads of one request inflate to at most the inline limit between them") {
  ServeFixture f;
  CodecRoutes routes(f.resolver, nullptr, CodecLimits{1'000, 100'000, 8});
  const Payload sixty_k = zlib_payload(make_payload("binary/plain", std::string(60'000, 'z')), 9);
  CHECK(sixty_k.data.size() < 1'000);
  CHECK(routes.decode({sixty_k}, false)[0].data.size() == 60'000);
  std::string message;
  CHECK(status_of([&] { routes.decode({sixty_k, sixty_k}, false); }, &message) == 413);
  CHECK(message == "payloads[1]: what the request's binary/zlib payloads inflate to is more than serve returns "
                   "in one response (100000)");
  // Layers nested deep count each: 60 layers of 2 to 4 KB inflate over
  // 120 KB from a 4 KB payload, over the 100,000 (thousands of them had
  // inflated gigabytes from a 1 MB body).
  Payload nested = make_payload("binary/plain", random_bytes(2'000, 9));
  for (int layer = 0; layer < 60; ++layer) nested = zlib_payload(nested);
  CHECK(nested.data.size() < 5'000);
  CHECK(status_of([&] { routes.decode({nested}, false); }, &message) == 413);
  const Payload bomb = zlib_payload(make_payload("binary/plain", std::string(1'000'000, 'z')), 9);
  CHECK(status_of([&] { routes.decode({bomb}, false); }, &message) == 413);
  CHECK(message == "payloads[0]: what the request's binary/zlib payloads inflate to is more than serve returns "
                   "in one response (100000)");
}

/// Offloads as ClaimCheckOffloader does, but fails for payloads whose data
/// begins with "fail" (a store that refuses one upload of a request).
class FailingOffloader : public PayloadOffloader {
 public:
  explicit FailingOffloader(PayloadOffloader& real) : real_(real) {}
  bool wants(const Payload& payload) const override { return real_.wants(payload); }
  OffloadedPayload offload(const Payload& payload) override {
    if (payload.data.starts_with("fail")) throw Error(ErrorKind::Store, "upload", "the store said 500");
    return real_.offload(payload);
  }
  std::string remove_undelivered(const std::vector<std::string>& keys) override {
    return real_.remove_undelivered(keys);
  }

 private:
  PayloadOffloader& real_;
};

std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) ++count;
  return count;
}

TEST_CASE("encode --offload: a request that fails leaves none of its objects behind") {
  ServeFixture f;
  FailingOffloader failing(f.offloader);
  CodecLimits one_at_a_time = f.limits;
  one_at_a_time.concurrency = 1;  // the others are stored before the failing one
  CodecRoutes routes(f.resolver, &failing, one_at_a_time);
  std::filesystem::create_directories(f.dir / "store");
  const std::size_t before = files_under(f.dir / "store");
  const Payload first = make_payload("json/plain", json_document(5000));
  const Payload second = make_payload("binary/plain", random_bytes(3000, 4));
  const Payload failing_one = make_payload("binary/plain", "fail" + random_bytes(3000, 5));
  CHECK(status_of([&] { routes.encode({first, second, failing_one}); }) == 503);
  CHECK(files_under(f.dir / "store") == before);
  // Without the failure, the same request stores both.
  auto encoded = routes.encode({first, second});
  CHECK(files_under(f.dir / "store") > before);
  CHECK(f.routes.decode(encoded, false)[1].data == second.data);
}

/// Fails every offload with what `failure` throws.
class ThrowingOffloader : public PayloadOffloader {
 public:
  explicit ThrowingOffloader(std::function<void()> failure) : failure_(std::move(failure)) {}
  bool wants(const Payload&) const override { return true; }
  OffloadedPayload offload(const Payload&) override {
    failure_();
    return {};
  }
  std::string remove_undelivered(const std::vector<std::string>&) override { return ""; }

 private:
  std::function<void()> failure_;
};

TEST_CASE("a limit of serve's own (open files, threads, memory) is 503, which clients retry; its setup or anything else 500") {
  ServeFixture f;
  const std::string at_a_limit =
      "payloads[0]: serve is at a limit of its own (open files, threads or memory): try again";
  Error open_files(ErrorKind::Internal, "open 'file:///s'", "Too many open files (the limit on open files: ulimit -n 40)");
  open_files.local_limit = true;
  const std::vector<std::pair<std::function<void()>, std::pair<int, std::string>>> cases{
      {[&] { throw open_files; }, {503, at_a_limit}},
      {[] { throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again)); },
       {503, at_a_limit}},
      {[] { throw std::bad_alloc(); }, {503, at_a_limit}},
      {[] { throw Error(ErrorKind::Usage, "file:///s", "no such directory"); },
       {500, "payloads[0]: serve cannot use its store as configured (credentials, or a store directory that is "
             "not there): its log says why"}},
      {[] { throw Error(ErrorKind::Internal, "x", "a bug"); }, {500, "payloads[0]: internal error"}},
      {[] { throw std::runtime_error("a bug"); }, {500, "payloads[0]: internal error"}},
  };
  for (const auto& [failure, expected] : cases) {
    ThrowingOffloader throwing(failure);
    CodecRoutes routes(f.resolver, &throwing, f.limits);
    std::string message;
    CHECK(status_of([&] { routes.encode({make_payload("binary/plain", "x")}); }, &message) == expected.first);
    CHECK(message == expected.second);
  }
}

TEST_CASE("download: every payload must be a reference") {
  ServeFixture f;
  const Payload ref = f.reference_payload(f.offload(json_document(2000)));
  std::string message;
  CHECK(status_of([&] { f.routes.download({ref, make_payload("json/plain", "{}")}); }, &message) == 400);
  CHECK(message == "all payloads must be storage references");
  CHECK(f.routes.download({ref})[0].encoding() == "json/plain");
}

TEST_CASE("a tampered object is an error, never its bytes; a missing one is 404") {
  ServeFixture f;
  const std::string data = random_bytes(3000, 3);  // incompressible: stored raw
  Reference ref = f.offload(data);
  REQUIRE_FALSE(ref.compressed);
  std::string tampered = data;
  tampered[100] ^= 1;
  write_file(f.object_path(ref), tampered);
  std::string message;
  CHECK(status_of([&] { f.routes.decode({f.reference_payload(ref)}, false); }, &message) == 502);
  CHECK(message == "payloads[0]: object failed verification (size, sha256 or payload form); not returned");
  CHECK(f.cache.size_bytes() == 0);  // nothing unverified is cached

  Reference missing = f.offload(json_document(2000));
  std::filesystem::remove(f.object_path(missing));
  CHECK(status_of([&] {
          f.routes.decode({make_payload("json/plain", "1"), f.reference_payload(missing)}, false);
        }, &message) == 404);
  CHECK(message == "payloads[1]: object not found in the store");
}

TEST_CASE("a reference naming another store is never fetched: /decode leaves it, /download refuses it") {
  ServeFixture f;
  Reference ref = f.offload(json_document(2000));
  ref.store = "s3://someone-elses-bucket";
  const Payload payload = f.reference_payload(ref);
  CHECK(f.routes.decode({payload}, false)[0].data == payload.data);
  std::string message;
  CHECK(status_of([&] { f.routes.download({payload}); }, &message) == 403);
  CHECK(message == "payloads[0]: the reference names a store this server does not serve");
  const std::string document = "{\"a\":" + to_json(ref) + "}";
  CHECK(f.routes.decode({make_payload("json/plain", document)}, false)[0].data == document);
}

TEST_CASE("a malformed reference is 400") {
  ServeFixture f;
  CHECK(status_of([&] {
          f.routes.decode({make_payload("json/plain", R"({"_type":"claim_check_ref","key":"../x","size_bytes":1})")},
                          false);
        }) == 400);
}

TEST_CASE("verified objects are cached: the second decode does not touch the store") {
  ServeFixture f;
  const std::string json = json_document(3000);
  Reference ref = f.offload(json);
  CHECK(f.routes.decode({f.reference_payload(ref)}, false)[0].data == json);
  std::filesystem::remove(f.object_path(ref));
  CHECK(f.routes.decode({f.reference_payload(ref)}, false)[0].data == json);
  CHECK(f.cache.hits() == 1);
}

TEST_CASE("a cached object answers only its own reference: another key, size or compression is checked afresh") {
  ServeFixture f;
  const std::string json = json_document(3000);
  const Reference ref = f.offload(json);
  REQUIRE(ref.compressed);
  CHECK(f.routes.decode({f.reference_payload(ref)}, false)[0].data == json);  // now cached
  Reference missing = ref;
  missing.key = "claimcheck/2020-01-01/000000Z-00000000-0000-0000-0000-000000000000";
  Reference reserved = ref;
  reserved.key += ".meta.json";
  Reference wrong_size = ref;
  wrong_size.size_bytes += 1;
  Reference wrong_compression = ref;
  wrong_compression.compressed = false;
  CHECK(status_of([&] { f.routes.decode({f.reference_payload(missing)}, false); }) == 404);
  CHECK(status_of([&] { f.routes.decode({f.reference_payload(reserved)}, false); }) == 400);
  CHECK(status_of([&] { f.routes.decode({f.reference_payload(wrong_size)}, false); }) == 502);
  CHECK(status_of([&] { f.routes.decode({f.reference_payload(wrong_compression)}, false); }) == 502);
  CHECK(f.cache.hits() == 0);
  CHECK(f.routes.decode({f.reference_payload(ref)}, false)[0].data == json);
  CHECK(f.cache.hits() == 1);
}

TEST_CASE("a cached object is encoded once and its base64 shared into every response, byte for byte") {
  ServeFixture f;
  const std::string binary = random_bytes(100000, 4);
  const Reference ref = f.offload(binary);
  const auto first = f.routes.decode_for_response({f.reference_payload(ref), make_payload("json/plain", "7")}, false);
  const auto second = f.routes.decode_for_response({f.reference_payload(ref)}, false);
  REQUIRE(first[0].data_base64);
  CHECK(first[0].data_base64 == second[0].data_base64);  // the same text, not a copy
  CHECK(first[0].payload.data.empty());
  CHECK_FALSE(first[1].data_base64);  // not a reference: passed through as it came
  CHECK(f.cache.hits() == 1);
  // The response is what encoding the original payload would give.
  Payload original = make_payload("binary/plain", binary);
  const ResponseBody body = write_payloads(first);
  CHECK(body.str() == write_payloads({original, make_payload("json/plain", "7")}));
  // ... with the cached text going out as it is, not copied into the body.
  const auto pieces = body.pieces();
  CHECK(std::any_of(pieces.begin(), pieces.end(),
                    [&](std::string_view piece) { return piece.data() == first[0].data_base64->data(); }));
  CHECK(first[0].decoded() == original);
}

TEST_CASE("encode: pass-through without --offload; with it, references that decode back") {
  ServeFixture f;
  const Payload big_json = make_payload("json/plain", json_document(5000));
  Payload big_binary = make_payload("binary/protobuf", random_bytes(3000, 9));
  big_binary.metadata["messageType"] = "my.Message";
  const Payload small = make_payload("json/plain", "{}");

  CodecRoutes passthrough(f.resolver, nullptr, f.limits);
  auto same = passthrough.encode({big_json, small});
  CHECK(same[0].data == big_json.data);

  auto encoded = f.routes.encode({big_json, small, big_binary});
  REQUIRE(encoded.size() == 3);
  CHECK(encoded[0].encoding() == "json/plain");
  CHECK(parse_reference(encoded[0].data).sha256);
  CHECK(encoded[1].data == "{}");
  CHECK(encoded[2].encoding() == "binary/claimcheck");
  auto decoded = f.routes.decode(encoded, false);
  CHECK(decoded[0].data == big_json.data);
  CHECK(decoded[0].metadata == big_json.metadata);
  CHECK(decoded[2].data == big_binary.data);
  CHECK(decoded[2].metadata == big_binary.metadata);

  SUBCASE("decode gives back the metadata /encode was given, whatever it is") {
    Payload no_metadata{{}, random_bytes(3000, 6), {}};
    Payload no_encoding{{{"foo", "bar"}}, random_bytes(3000, 7), {}};
    Payload marker_encoding = make_payload("binary/claimcheck", random_bytes(3000, 8));
    auto back = f.routes.decode(f.routes.encode({no_metadata, no_encoding, marker_encoding}), false);
    CHECK(back[0] == no_metadata);
    CHECK(back[1] == no_encoding);
    CHECK(back[2] == marker_encoding);
  }
}

TEST_CASE("many payloads resolve concurrently and keep their order") {
  ServeFixture f;
  std::vector<Payload> in;
  std::vector<std::string> originals;
  for (int i = 0; i < 40; ++i) {
    originals.push_back(json_document(1500 + i * 10));
    in.push_back(i % 3 ? f.reference_payload(f.offload(originals.back()))
                       : make_payload("json/plain", originals.back()));
  }
  auto out = f.routes.decode(in, false);
  REQUIRE(out.size() == 40);
  for (int i = 0; i < 40; ++i) CHECK(out[i].data == originals[i]);
}
