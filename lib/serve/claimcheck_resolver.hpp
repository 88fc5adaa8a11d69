// The resolver for claimcheck's own references and those of the Go and
// TypeScript runners, through the Manager (verification: size and sha256,
// gunzip by the reference's flag) and the cache of verified objects.
//  - a json/plain payload whose whole value is a reference becomes the
//    original bytes: json/plain when they are JSON, binary/plain otherwise;
//  - a json/plain document holding references has each restored in place,
//    byte-exact, as `retrieve --json-fields` does;
//  - a `binary/claimcheck` payload (the TypeScript codec) becomes its
//    original data with the original metadata the marker carries.
#pragma once

#include "manager/manager.hpp"
#include "serve/object_cache.hpp"
#include "serve/payload_resolver.hpp"

namespace claimcheck::serve {

class ClaimCheckResolver : public PayloadResolver {
 public:
  /// `nested_concurrency`: fetches at a time inside one document.
  ClaimCheckResolver(Manager& manager, ObjectCache& cache, int nested_concurrency = 4);

  std::optional<ReferenceInfo> find(const Payload& payload) const override;
  Payload resolve(const Payload& payload) override;

 private:
  /// The verified object for `ref`, from the cache or the store.
  ObjectCache::Bytes fetch(const Reference& ref);

  Manager& manager_;
  ObjectCache& cache_;
  int nested_concurrency_;
};

}  // namespace claimcheck::serve
