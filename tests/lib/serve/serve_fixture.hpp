// A codec server's parts over a real local store: store, manager, cache,
// resolver, offloader and routes, plus helpers to make reference payloads.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "manager/manager.hpp"
#include "reference/reference.hpp"
#include "serve/claimcheck_offloader.hpp"
#include "serve/reference_resolver.hpp"
#include "stores/bucket_stores.hpp"
#include "serve/codec_routes.hpp"
#include "stores/local_store.hpp"
#include "test_support.hpp"

namespace claimcheck::serve::testing {

using claimcheck::testing::TempDir;

inline Payload make_payload(const std::string& encoding, std::string data) {
  Payload payload;
  payload.metadata["encoding"] = encoding;
  payload.data = std::move(data);
  return payload;
}

struct ServeFixture {
  TempDir dir;
  std::unique_ptr<Store> store;
  Manager manager;
  ConfiguredBuckets buckets{{}, nullptr};  // a local store: no bucket is configured
  temporal::Resolver temporal_resolver{manager, buckets};
  ObjectCache cache{64u << 20};
  ReferenceResolver resolver;
  OffloadOptions offload_options;
  ClaimCheckOffloader offloader;
  CodecLimits limits;
  CodecRoutes routes;

  explicit ServeFixture(std::uint64_t display_limit = 256u << 10)
      : store(make_local_store(dir / "store")),
        manager(*store, nullptr),
        resolver(temporal_resolver, cache),
        offload_options(options()),
        offloader(manager, offload_options),
        limits{display_limit, 64u << 20, 8},
        routes(resolver, &offloader, limits) {}

  static OffloadOptions options() {
    OffloadOptions o;
    o.threshold = 1000;
    o.level = 1;
    return o;
  }

  /// Offloads `content`; the reference as claimcheck writes it.
  Reference offload(const std::string& content) { return manager.offload(content, offload_options); }

  /// A json/plain payload whose whole value is the reference.
  Payload reference_payload(const Reference& ref) { return make_payload("json/plain", to_json(ref)); }

  /// The file that holds the object of `ref` in the local store.
  std::string object_path(const Reference& ref) const { return dir / ("store/" + ref.key); }
};

}  // namespace claimcheck::serve::testing
