// libFuzzer target: a codec-server request as `claimcheck serve` receives it,
// through the whole socket-free path (route, rules, Payloads JSON, reference
// detection and resolution against an empty local store, response). Input:
// the request path on the first line, the body after it.
// Checked: no crash, a status from the documented set, and a 200 keeps the
// count of payloads.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "manager/manager.hpp"
#include "serve/codec_server.hpp"
#include "serve/payloads_json.hpp"
#include "serve/reference_resolver.hpp"
#include "stores/bucket_stores.hpp"
#include "stores/local_store.hpp"

namespace {

using namespace claimcheck;

struct Server {
  std::string dir = (std::filesystem::temp_directory_path() / "claimcheck-fuzz-serve").string();
  std::unique_ptr<Store> store = make_local_store(dir);
  Manager manager{*store, nullptr};
  ConfiguredBuckets buckets{{}, nullptr};
  temporal::Resolver resolver{manager, buckets};
  serve::ObjectCache cache{1 << 20};
  serve::ReferenceResolver references{resolver, cache, 2};
  serve::CodecRoutes routes{references, nullptr, serve::CodecLimits{4096, 1 << 20, 2}};
  serve::CodecServer codec{serve::CodecServerOptions{{{"http://localhost:8233"}, false, 600}, "", 1 << 20}, routes};
};

const std::set<int> kStatuses = {200, 204, 400, 401, 403, 404, 405, 413, 415, 500, 502, 503};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Server server;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  serve::HttpRequest request;
  request.method = "POST";
  std::string_view target = newline == std::string_view::npos ? "/decode" : input.substr(0, newline);
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos && target.find("preserveStorageRefs=true") != std::string_view::npos)
    request.query["preserveStorageRefs"] = "true";
  request.headers = {{"Content-Type", "application/json"}, {"Origin", "http://localhost:8233"}};
  request.body = std::string(newline == std::string_view::npos ? input : input.substr(newline + 1));
  serve::RequestLog log;
  const serve::HttpResponse response = server.codec.handle(request, log);
  if (!kStatuses.count(response.status)) __builtin_trap();
  if (response.status == 200) {
    try {
      if (serve::parse_payloads(response.body.str()).size() != serve::parse_payloads(request.body).size())
        __builtin_trap();  // the count of payloads never changes
    } catch (const Error&) {
      __builtin_trap();  // a 200 body always parses, and so did the request
    }
  }
  return 0;
}
