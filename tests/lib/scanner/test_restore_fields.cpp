// retrieve --json-fields on Temporal histories: references in every payload
// form become the original payloads written the same way, every other byte
// kept; the real TypeScript driver's objects stand in a local "bucket".
#include <doctest/doctest.h>

#include <atomic>

#include "base/encoding.hpp"

#include "codec/codec.hpp"
#include "core/error.hpp"
#include "scan_helpers.hpp"
#include "manager/json_fields.hpp"
#include "scanner/restore_fields.hpp"
#include "stores/local_store.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using scanner_test::Json;

namespace {

const std::string kTinyHash = "9c1cb0626294082008ba7ca5ed4c2b7818d7af81c9a667782ab414dcf9737836";
const std::string kTinyKey =
    "v0/ns/default/wt/InteropWorkflow/wi/interop-extstore%20wf%2B1/ri/0193f7a2-5c1e-7d4b-9a0e-3b2f1c4d5e6f/d/sha256/" +
    kTinyHash;

std::string data_file(const std::string& name) {
  const char* dir = std::getenv("TEMPORAL_TEST_DATA");
  return testing::read_file(std::string(dir ? dir : "tests/lib/temporal/data") + "/ts-driver-1.22.0/" + name);
}

/// A local store that counts the objects read from it.
class CountingStore final : public Store {
 public:
  CountingStore(std::unique_ptr<Store> inner, std::atomic<int>& gets) : inner_(std::move(inner)), gets_(gets) {}
  using Store::put;
  std::string location() const override { return inner_->location(); }
  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta,
                    const FinalMeta& final_meta) override {
    return inner_->put(key, source, meta, final_meta);
  }
  void get(const std::string& key, ByteSink& sink) override {
    ++gets_;
    inner_->get(key, sink);
  }
  std::optional<ObjectInfo> head(const std::string& key) override { return inner_->head(key); }
  void remove(const std::string& key) override { inner_->remove(key); }
  BatchDeleteResult remove_batch(const std::vector<std::string>& keys) override { return inner_->remove_batch(keys); }
  void list(const std::string& prefix, const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    inner_->list(prefix, on_page);
  }
  void health() override { inner_->health(); }
  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) override {
    return inner_->fetch_url(key, lifetime);
  }

 private:
  std::unique_ptr<Store> inner_;
  std::atomic<int>& gets_;
};

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store = make_local_store(dir / "store");
  Manager manager{*store, nullptr};
  std::atomic<int> bucket_gets{0};
  ConfiguredBuckets buckets{{"bars"}, [this](const std::string& b) -> std::unique_ptr<Store> {
                              return std::make_unique<CountingStore>(make_local_store(dir / b), bucket_gets);
                            }};
  temporal::Resolver resolver{manager, buckets};

  Fixture() { put("tiny"); }
  /// One of the driver's objects, at the key its reference names.
  void put(const std::string& name) {
    const Json ref = Json::parse(data_file(name + ".ref.json"));
    const std::string key = Json::parse(*base::base64_decode(ref["data"].get<std::string>()))["claimData"]["key"];
    StringSource body(data_file(name + ".bin"));
    make_local_store(dir / "bars")->put(key, body, ObjectMeta{});
  }
  std::string restore(const std::string& text, std::size_t* count = nullptr) {
    return restore_fields_text(text, resolver, 4, count);
  }
};

Json tiny_reference() { return Json::parse(data_file("tiny.ref.json")); }

Json decoded_form(const Json& raw) {
  Json out = raw;
  for (auto& [k, v] : out["metadata"].items()) v = *base::base64_decode(v.get<std::string>());
  out["data"] = Json::parse(*base::base64_decode(raw["data"].get<std::string>()));
  return out;
}

Json shorthand_form(const Json& raw) {
  Json out = Json::parse(*base::base64_decode(raw["data"].get<std::string>()));
  out["_protoMessageType"] = "temporal.api.sdk.v1.ExternalStorageReference";
  return out;
}

}  // namespace

TEST_CASE("the SDK's history: the reference becomes the original payload in proto JSON, the rest unchanged") {
  Fixture f;
  const std::string history = data_file("tiny.history.json");
  std::size_t count = 0;
  const std::string restored = f.restore(history, &count);
  CHECK(count == 1);
  Json doc = Json::parse(restored);
  CHECK(doc["events"][0]["activityTaskCompletedEventAttributes"]["result"]["payloads"][0] ==
        Json{{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "eyJoZWxsbyI6IndvcmxkIn0="}});
  CHECK(restored.starts_with(R"({"events":[{"eventId":"1","eventType":"EVENT_TYPE_ACTIVITY_TASK_COMPLETED",)"));
}

TEST_CASE("decoded and shorthand references are restored in their own form") {
  Fixture f;
  Json doc = {{"decoded", decoded_form(tiny_reference())},
              {"memo", {{"fields", {{"bare", shorthand_form(tiny_reference())}}}}},
              {"input", Json::array({1, shorthand_form(tiny_reference()), tiny_reference()})}};
  std::size_t count = 0;
  Json restored = Json::parse(f.restore(doc.dump(2), &count));
  CHECK(count == 4);
  CHECK(restored["decoded"] == Json{{"metadata", {{"encoding", "json/plain"}}}, {"data", {{"hello", "world"}}}});
  CHECK(restored["memo"]["fields"]["bare"] == Json{{"hello", "world"}});
  CHECK(restored["input"][1] == Json{{"hello", "world"}});
  CHECK(restored["input"][2]["data"] == "eyJoZWxsbyI6IndvcmxkIn0=");
}

TEST_CASE("a shorthand list whose restored payload has no bare form becomes {\"payloads\":[...]}, as the CLI writes it") {
  Fixture f;
  f.put("binary-100k");
  const Json binary = shorthand_form(Json::parse(data_file("binary-100k.ref.json")));
  const Json tiny = shorthand_form(tiny_reference());
  const std::string doc = R"({"input": [1, )" + binary.dump() + ", " + tiny.dump() + R"(],
    "result": [)" + tiny.dump() + R"(],
    "details": {"payloads": [)" + binary.dump() + R"(]},
    "nested": [[)" + tiny.dump() + "]]}";
  std::size_t count = 0;
  const std::string text = f.restore(doc, &count);
  CHECK(count == 5);
  const Json restored = Json::parse(text);

  // binary/plain has no bare form: the list is written as the CLI writes it,
  // that payload in proto JSON, the others (bare, or restored bare) as they were
  REQUIRE(restored["input"].is_object());
  const Json& list = restored["input"]["payloads"];
  REQUIRE(list.size() == 3);
  CHECK(list[0] == 1);
  CHECK(list[1]["metadata"] == Json{{"encoding", base::base64_encode("binary/plain")}});
  CHECK(base::base64_decode(list[1]["data"].get<std::string>())->size() == 102400);
  CHECK(list[2] == Json{{"hello", "world"}});
  CHECK(text.find(R"({"input": {"payloads":[1, {"metadata")") != std::string::npos);

  // lists whose payloads all have a bare form stay arrays; a "payloads" list is not wrapped again
  CHECK(restored["result"] == Json::array({Json{{"hello", "world"}}}));
  CHECK(restored["details"]["payloads"][0]["metadata"] == Json{{"encoding", base::base64_encode("binary/plain")}});
  CHECK(restored["details"].size() == 1);
  CHECK(restored["nested"] == Json::array({Json::array({Json{{"hello", "world"}}})}));

  // Only a field's value is a payload list: an array in an array, or a
  // document that is an array, keeps its shape (twentieth audit).
  const Json in_array = Json::parse(f.restore(R"({"input": [[)" + binary.dump() + "]]}"));
  REQUIRE(in_array["input"][0].is_array());
  CHECK(in_array["input"][0][0]["metadata"] == Json{{"encoding", base::base64_encode("binary/plain")}});
  const Json top = Json::parse(f.restore("[" + binary.dump() + "]"));
  REQUIRE(top.is_array());
  CHECK(top[0]["metadata"] == Json{{"encoding", base::base64_encode("binary/plain")}});
}

TEST_CASE("a reference found again, in any place or list, however indented, is fetched once") {
  Fixture f;
  const Json reference = tiny_reference();
  const Json doc = {{"events", Json::array({{{"result", {{"payloads", Json::array({reference})}}}},
                                            {{"signal", {{"input", {{"payloads", Json::array({reference})}}}}}},
                                            {{"input", Json::array({shorthand_form(reference)})}},
                                            {{"more", {{"input", Json::array({shorthand_form(reference), 1})}}}}})}};
  std::size_t count = 0;
  const Json restored = Json::parse(f.restore(doc.dump(1), &count));
  CHECK(count == 4);
  // Once for the proto JSON payloads, once for the shorthand (which drops
  // externalPayloads, so its size is not checked): 4 before e4cfa67, 3 at it.
  CHECK(f.bucket_gets.load() == 2);
  const Json original = {{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "eyJoZWxsbyI6IndvcmxkIn0="}};
  CHECK(restored["events"][0]["result"]["payloads"][0] == original);
  CHECK(restored["events"][1]["signal"]["input"]["payloads"][0] == original);
  CHECK(restored["events"][2]["input"] == Json::array({Json{{"hello", "world"}}}));
  CHECK(restored["events"][3]["more"]["input"] == Json::array({Json{{"hello", "world"}}, 1}));
}

TEST_CASE("a reference that cannot be restored is named by one pointer into the document") {
  Fixture f;
  Json missing = tiny_reference();
  Json claim = Json::parse(*base::base64_decode(missing["data"].get<std::string>()));
  claim["claimData"]["key"] = claim["claimData"]["key"].get<std::string>() + "0";  // no such object
  claim["claimData"].erase("hashValue");
  missing["data"] = base::base64_encode(claim.dump());
  auto where = [&](const Json& doc, ErrorKind kind = ErrorKind::NotFound) {
    try {
      f.restore(doc.dump(2));
    } catch (const LocatedError& e) {
      CHECK(e.kind() == kind);
      return e.what_failed().substr(0, e.what_failed().find(": "));
    }
    FAIL("restored");
    return std::string();
  };
  // In a shorthand list: the element's own place, not the list's and then the element's.
  CHECK(where({{"events", Json::array({{{"input", Json::array({1, shorthand_form(missing)})}}})}}) ==
        "at /events/0/input/1");
  // In the JSON data of a proto JSON payload: the payload's place, then the place within its data.
  const Json state = {{"a", Json::array({1, {{"b/c", shorthand_form(missing)}}})}};
  const Json carrier = scanner_test::payload(scanner_test::Form::Base64, {{"encoding", "json/plain"}}, state.dump());
  CHECK(where({{"events", Json::array({{{"r", {{"payloads", Json::array({carrier})}}}}})}}) ==
        "at /events/0/r/payloads/0/data/a/1/b~1c");
  // A long name is shortened, so that the cause still fits the line, and
  // never inside an escape.
  const std::string long_name(5000, 'k');
  CHECK(where({{"data", {{long_name, shorthand_form(missing)}}}}) == "at /data/" + std::string(64, 'k') + "...");
  CHECK(where({{"data", {{std::string(63, 'x') + "/yyyy", shorthand_form(missing)}}}}) ==
        "at /data/" + std::string(63, 'x') + "...");
  // A deep pointer keeps its end, at most 512 bytes with its "...", and does
  // not begin inside an escape: each level's name is "aa" and 13 slashes
  // (~1 each), 41 bytes escaped with its '/'.
  Json deep = shorthand_form(missing);
  for (int level = 0; level < 40; ++level) deep = Json{{"aa" + std::string(13, '/'), deep}};
  const std::string shown = where(deep).substr(3);  // after "at "
  CHECK(shown.size() <= 512);
  CHECK(shown.starts_with("..."));
  REQUIRE(shown.size() > 3);
  CHECK(shown[3] != '0');  // an escape's digit without its '~'
  CHECK(shown[3] != '1');
  CHECK(shown.ends_with("/aa" + [] {
          std::string escaped;
          for (int i = 0; i < 13; ++i) escaped += "~1";
          return escaped;
        }()));

  // A reference that cannot be read (found while the document is walked, not
  // fetched) is named the same way, in a list, in a nested array, in a
  // payload's data, and on its line of JSON Lines (twenty-first audit).
  Json invalid = shorthand_form(tiny_reference());
  invalid["claimData"]["hashAlgorithm"] = "md5";
  const Json tiny = shorthand_form(tiny_reference());
  CHECK(where({{"events", Json::array({{{"input", Json::array({tiny, tiny, invalid})}}})}}, ErrorKind::InvalidInput) ==
        "at /events/0/input/2");
  CHECK(where({{"events", Json::array({{{"input", Json::array({Json::array({tiny, invalid})})}}})}},
              ErrorKind::InvalidInput) == "at /events/0/input/0/1");
  const Json bad_state = {{"a", Json::array({0, {{"b/c", invalid}}})}};
  const Json bad_carrier =
      scanner_test::payload(scanner_test::Form::Base64, {{"encoding", "json/plain"}}, bad_state.dump());
  CHECK(where({{"events", Json::array({{{"r", {{"payloads", Json::array({bad_carrier})}}}}})}},
              ErrorKind::InvalidInput) == "at /events/0/r/payloads/0/data/a/1/b~1c");
  try {
    f.restore("{\"a\":1}\n" + Json{{"input", Json::array({Json::array({tiny, invalid})})}}.dump() + "\n");
    FAIL("restored");
  } catch (const LocatedError& e) {
    CHECK(e.what_failed().starts_with("line 2, at /input/0/1: "));
  }
}

TEST_CASE("TypeScript and wrapped claimcheck payloads, and references inside a payload's data") {
  Fixture f;
  const std::string original = R"({"photos":[1,2,3]})";
  StringSource gz(gzip_in_memory(original, 6));
  f.store->put("claimcheck/5d2c", gz, ObjectMeta{});
  Json marker = {{"key", "claimcheck/5d2c"}, {"size", original.size()}, {"compressed", true},
                 {"metadata", {{"encoding", base::base64_encode("json/plain")}}}};
  OffloadOptions options;
  options.threshold = 1;
  Reference ref = f.manager.offload(original, options);
  Json state = {{"data", {{"fetchPhotos", Json::parse(to_json(ref))}}}};
  Json doc = Json::array({
      scanner_test::payload(scanner_test::Form::Base64, {{"encoding", "binary/claimcheck"}}, marker.dump()),
      scanner_test::payload(scanner_test::Form::Base64, {{"encoding", "json/plain"}}, to_json(ref)),
      scanner_test::payload(scanner_test::Form::Base64, {{"encoding", "json/plain"}}, state.dump()),
  });
  std::size_t count = 0;
  Json restored = Json::parse(f.restore(doc.dump(), &count));
  CHECK(count == 3);
  const Json expected_payload = {{"metadata", {{"encoding", base::base64_encode("json/plain")}}},
                                 {"data", base::base64_encode(original)}};
  CHECK(restored[0] == expected_payload);
  CHECK(restored[1] == expected_payload);
  CHECK(*base::base64_decode(restored[2]["data"].get<std::string>()) == R"({"data":{"fetchPhotos":{"photos":[1,2,3]}}})");
}

TEST_CASE("a reference to a bucket that is not configured stops the restore with InvalidInput") {
  Fixture f;
  Json reference = tiny_reference();
  Json data = Json::parse(*base::base64_decode(reference["data"].get<std::string>()));
  data["claimData"]["bucket"] = "elsewhere";
  reference["data"] = base::base64_encode(data.dump());
  try {
    f.restore(Json{{"result", Json{{"payloads", Json::array({reference})}}}}.dump());
    FAIL("restored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(e.why().find("not configured, so not contacted") != std::string::npos);
  }
}

TEST_CASE("a tampered object stops the restore with Integrity") {
  Fixture f;
  auto bars = make_local_store(f.dir / "bars");
  std::string body = data_file("tiny.bin");
  body[40] ^= 1;
  StringSource tampered(body);
  bars->put(kTinyKey, tampered, ObjectMeta{});
  try {
    f.restore(data_file("tiny.history.json"));
    FAIL("restored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Integrity);
  }
}
