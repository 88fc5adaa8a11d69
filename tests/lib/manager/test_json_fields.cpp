#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>

#include "core/error.hpp"
#include "manager/json_fields.hpp"
#include "manager/json_spans.hpp"
#include "manager/staged_output.hpp"
#include "stores/local_store.hpp"
#include "reference/reference.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;
using Json = nlohmann::ordered_json;

namespace {

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Manager> manager;
  Fixture() {
    std::filesystem::create_directories(dir / "store");
    store = make_local_store(dir / "store");
    manager = std::make_unique<Manager>(*store, nullptr);
  }
};

OffloadOptions threshold(std::uint64_t bytes) {
  OffloadOptions options;
  options.threshold = bytes;
  return options;
}

Json big_array(int n) {
  Json photos = Json::array();
  for (int i = 0; i < n; ++i) photos.push_back({{"id", i}, {"url", "https://example.com/p/" + std::to_string(i)}});
  return photos;
}

/// Three large fields (top level, data, context) and ten small ones of every JSON type.
Json workflow_state() {
  return Json::parse(R"({
    "workflowId": "wf-42", "step": 7, "ratio": 0.25, "done": false, "note": null,
    "unicode": "caf\u00e9 \u2713", "tags": ["a", "b"],
    "data": {"fetchPhotos": [], "count": 3, "meta": {"k": "v"}},
    "context": {"report": "", "user": "ada"},
    "transcript": ""
  })");
}

Json filled_state() {
  Json doc = workflow_state();
  doc["data"]["fetchPhotos"] = big_array(3000);
  doc["context"]["report"] = std::string(80000, 'r');
  doc["transcript"] = std::string(60000, 't');
  return doc;
}

/// The Go runner's sections and every other top-level value.
const FieldScope kWholeDocument{{FieldScope::kTopLevel, "data", "context"}, 1};

}  // namespace

TEST_CASE("large fields become references; small ones stay byte-identical; restore brings all back") {
  Fixture f;
  Json original = filled_state();
  Json doc = original;
  FieldOffloadResult result = offload_fields(doc, *f.manager, threshold(51200), kWholeDocument);
  CHECK(result.offloaded == 3);
  CHECK(result.kept == 10);
  CHECK(doc["data"]["fetchPhotos"]["_type"] == "claim_check_ref");
  CHECK(doc["context"]["report"]["_type"] == "claim_check_ref");
  CHECK(doc["transcript"]["_type"] == "claim_check_ref");
  for (const char* name : {"workflowId", "step", "ratio", "done", "note", "unicode", "tags"})
    CHECK(doc[name].dump() == original[name].dump());
  CHECK(doc["data"]["count"].dump() == original["data"]["count"].dump());
  CHECK(doc["data"]["meta"].dump() == original["data"]["meta"].dump());
  CHECK(doc["context"]["user"].dump() == original["context"]["user"].dump());
  CHECK(doc.dump().size() < 4000);

  CHECK(restore_fields(doc, *f.manager, 2) == 3);
  CHECK(doc.dump() == original.dump());
}

TEST_CASE("scope: by default only the values inside data and context, as the Go runner does") {
  Fixture f;
  Json original = filled_state();
  SUBCASE("default: top-level values stay, whatever their size") {
    Json doc = original;
    FieldOffloadResult result = offload_fields(doc, *f.manager, threshold(51200));
    CHECK(result.offloaded == 2);
    CHECK(doc["data"]["fetchPhotos"]["_type"] == "claim_check_ref");
    CHECK(doc["context"]["report"]["_type"] == "claim_check_ref");
    CHECK(doc["transcript"] == original["transcript"]);
  }
  SUBCASE("narrower: only data") {
    Json doc = original;
    CHECK(offload_fields(doc, *f.manager, threshold(51200), FieldScope{{"data"}, 1}).offloaded == 1);
    CHECK(doc["data"]["fetchPhotos"]["_type"] == "claim_check_ref");
    CHECK(doc["context"] == original["context"]);
  }
  SUBCASE("wider: the top level too") {
    Json doc = original;
    CHECK(offload_fields(doc, *f.manager, threshold(51200), kWholeDocument).offloaded == 3);
    CHECK(doc["transcript"]["_type"] == "claim_check_ref");
  }
}

TEST_CASE("text form: every byte outside the offloaded values is kept, both ways") {
  Fixture f;
  std::string head = "{\n  \"a\" : 1.50, \"b\":\"caf\\u00e9 \\\"q\\\"\", \"c\": [1e3, -0, {\"d\": null}],\n  \"big\": ";
  std::string big = "\"" + std::string(60000, 'z') + "\"";
  std::string tail = " ,\"n\": 12345678901234567890123 }\n";
  std::string text = head + big + tail;
  FieldOffloadResult result;
  std::string offloaded = offload_fields_text(text, *f.manager, threshold(51200), kWholeDocument, &result);
  CHECK(result.offloaded == 1);
  CHECK(result.kept == 4);
  REQUIRE(offloaded.size() > head.size() + tail.size());
  CHECK(offloaded.substr(0, head.size()) == head);
  CHECK(offloaded.substr(offloaded.size() - tail.size()) == tail);
  CHECK(offloaded.substr(head.size(), 30).rfind("{\"_type\":\"claim_check_ref\"", 0) == 0);

  std::size_t restored = 0;
  CHECK(restore_fields_text(offloaded, *f.manager, 2, &restored) == text);
  CHECK(restored == 1);
}

TEST_CASE("text form: an offloaded value is stored as its exact bytes; numbers keep their spelling") {
  Fixture f;
  // Each of these changes when parsed and serialised again.
  const std::string numbers = "[123456789012345678901234567890, 18446744073709551616, -0, 1e-400, 1E2, 1.50]";
  std::string big = "{\n    \"numbers\": " + numbers + ",\n    \"pad\": \"" + std::string(60000, 'p') + "\"\n  }";
  std::string text = "{\"data\": {\"result\": " + big + "}}";
  FieldOffloadResult result;
  std::string offloaded = offload_fields_text(text, *f.manager, threshold(51200), {}, &result);
  REQUIRE(result.offloaded == 1);
  Reference ref = parse_reference(Json::parse(offloaded)["data"]["result"].dump());
  CHECK(ref.size_bytes == big.size());
  StringSink payload;
  auto staged = stage_to_stream(payload);
  f.manager->retrieve(ref, *staged);
  CHECK(payload.data() == big);
  CHECK(restore_fields_text(offloaded, *f.manager) == text);
}

TEST_CASE("text form: the threshold is measured on the value's compact form, as the Go runner does") {
  Fixture f;
  // 40 bytes compact, 100 with indentation: kept at a threshold of 50.
  std::string spaced = "[" + std::string(60, ' ') + "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]";
  FieldOffloadResult result;
  std::string text = "{\"v\": " + spaced + "}";
  CHECK(offload_fields_text(text, *f.manager, threshold(50), kWholeDocument, &result) == text);
  CHECK(result.kept == 1);
  CHECK(offload_fields_text(text, *f.manager, threshold(40), kWholeDocument, &result) != text);
  CHECK(result.offloaded == 1);
}

TEST_CASE("text form: a leading byte order mark is skipped as the parser skips it, and kept in the output") {
  Fixture f;
  const std::string bom = "\xEF\xBB\xBF";
  const std::string text = bom + "{\"data\": {\"big\": \"" + std::string(60000, 'z') + "\", \"n\": 1}}\n";
  FieldOffloadResult result;
  std::string offloaded = offload_fields_text(text, *f.manager, threshold(51200), {}, &result);
  CHECK(result.offloaded == 1);
  CHECK(offloaded.starts_with(bom + "{\"data\": {\"big\": {\"_type\":\"claim_check_ref\""));
  std::size_t restored = 0;
  CHECK(restore_fields_text(offloaded, *f.manager, 2, &restored) == text);
  CHECK(restored == 1);
  // JSON Lines: the first line's mark too.
  const std::string line = to_json(f.manager->offload("{\"a\":1}", threshold(1)));
  CHECK(restore_fields_text(bom + line + "\n" + line + "\n", *f.manager) == bom + "{\"a\":1}\n{\"a\":1}\n");
  // A stored JSON payload with a mark goes into the document without it.
  const std::string marked = to_json(f.manager->offload(bom + "{\"a\":1}", threshold(1)));
  CHECK(restore_fields_text("{\"x\":" + marked + "}", *f.manager) == "{\"x\":{\"a\":1}}");
}

TEST_CASE("text form: input that is not a JSON object is invalid input") {
  Fixture f;
  CHECK_THROWS_AS(offload_fields_text("not json", *f.manager, threshold(1)), Error);
  CHECK_THROWS_AS(offload_fields_text("[1,2]", *f.manager, threshold(1)), Error);
  CHECK_THROWS_AS(restore_fields_text("{\"a\":", *f.manager), Error);
}

TEST_CASE("text form: hostile nesting is refused before it is walked") {
  Fixture f;
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK_THROWS_AS(restore_fields_text(deep, *f.manager), Error);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  CHECK_THROWS_AS(offload_fields_text(objects, *f.manager, threshold(1), FieldScope{{"."}, 200000}), Error);
  std::string fine = std::string(500, '[') + std::string(500, ']');
  CHECK(restore_fields_text(fine, *f.manager) == fine);
}

TEST_CASE("depth: nested objects are descended into instead of offloaded whole") {
  Fixture f;
  Json doc = {{"outer", {{"small", 1}, {"large", std::string(70000, 'x')}}}};
  SUBCASE("depth 1 offloads the nested object whole") {
    offload_fields(doc, *f.manager, threshold(51200), FieldScope{{"."}, 1});
    CHECK(doc["outer"]["_type"] == "claim_check_ref");
  }
  SUBCASE("depth 2 offloads only its large member") {
    offload_fields(doc, *f.manager, threshold(51200), FieldScope{{"."}, 2});
    CHECK(doc["outer"]["small"] == 1);
    CHECK(doc["outer"]["large"]["_type"] == "claim_check_ref");
  }
}

TEST_CASE("values that are already references are left alone") {
  Fixture f;
  Json doc = filled_state();
  offload_fields(doc, *f.manager, threshold(51200), kWholeDocument);
  Json once = doc;
  FieldOffloadResult again = offload_fields(doc, *f.manager, threshold(10), kWholeDocument);
  CHECK(doc["transcript"] == once["transcript"]);
  CHECK(again.offloaded > 0);  // the small ones now exceed the tiny threshold
}

TEST_CASE("restore: a payload that is not JSON comes back as a string") {
  Fixture f;
  Reference ref = f.manager->offload("plain text, not JSON", threshold(1));
  Json doc = {{"x", to_json_value(ref)}, {"list", Json::array({to_json_value(ref)})}};
  CHECK(restore_fields(doc, *f.manager, 4) == 2);
  CHECK(doc["x"] == "plain text, not JSON");
  CHECK(doc["list"][0] == "plain text, not JSON");
}

TEST_CASE("restore: many references fetched concurrently") {
  Fixture f;
  Json doc = Json::array();
  for (int i = 0; i < 40; ++i) doc.push_back(to_json_value(f.manager->offload(std::to_string(i), threshold(1))));
  CHECK(restore_fields(doc, *f.manager, 8) == 40);
  for (int i = 0; i < 40; ++i) CHECK(doc[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("restore: a reference found again (in every line of a state log) is fetched once") {
  Fixture f;
  const std::string a = to_json(f.manager->offload(R"({"turns":[1,2]})", threshold(1)));
  const std::string b = to_json(f.manager->offload("not JSON", threshold(1)));
  std::string log;
  for (int line = 0; line < 5; ++line) log += R"({"step":)" + std::to_string(line) + R"(,"ctx":)" + a + R"(,"out":[)" + b + "]}\n";
  std::atomic<int> fetches{0};
  ReferenceFetcher counting = [&](const Reference& ref) {
    ++fetches;
    return fetch_through(*f.manager)(ref);
  };
  std::size_t restored = 0;
  const std::string text = restore_fields_text(log, counting, 4, &restored);
  CHECK(fetches == 2);
  CHECK(restored == 10);
  std::string expected;
  for (int line = 0; line < 5; ++line)
    expected += R"({"step":)" + std::to_string(line) + R"(,"ctx":{"turns":[1,2]},"out":["not JSON"]})" + "\n";
  CHECK(text == expected);
}

TEST_CASE("restore: one missing object fails the whole document, which stays unchanged") {
  Fixture f;
  Json doc = filled_state();
  offload_fields(doc, *f.manager, threshold(51200), kWholeDocument);
  Json before = doc;
  Reference gone = *reference_from_json(doc["transcript"]);
  std::filesystem::remove((f.dir / "store") + "/" + gone.key);
  try {
    restore_fields(doc, *f.manager, 3);
    FAIL("expected NotFound");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::NotFound);
  }
  CHECK(doc == before);
}

TEST_CASE("json_pointer_to names a value by RFC 6901, escaping ~ and /") {
  const std::string text = R"( {"a": [1, {"b/c~": [true, "x"]}], "d": {}})";
  CHECK(json_pointer_to(text, 1, text.find("\"x\"")) == "/a/1/b~1c~0/1");
  CHECK(json_pointer_to(text, 1, text.find("{}")) == "/d");
  CHECK(json_pointer_to(text, 1, 1).empty());
}

TEST_CASE("member_count counts the members a text spells, a key twice counted twice") {
  CHECK(member_count(R"({"a":1,"b":{"c":"x:\"y","d":[{"e" : 2}]}})") == 5);
  CHECK(member_count(R"({"a":1,"a":2})") == 2);
  CHECK(member_count(R"(["a", "b:", {"c":"d"}])") == 1);
  CHECK(member_count("") == 0);
}
