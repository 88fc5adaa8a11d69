// Which routes answer a request's namespace: those of a store of the
// namespace's own (setting serve_namespace_store), else the default store's.
// A namespace cannot reach another's store: each store is served by its own
// routes, resolver and cache keys.
#pragma once

#include <map>
#include <string>

#include "serve/codec_routes.hpp"

namespace claimcheck::serve {

class NamespaceRoutes {
 public:
  explicit NamespaceRoutes(CodecRoutes& fallback) : fallback_(&fallback) {}

  void add(const std::string& ns, CodecRoutes& routes) { own_[ns] = &routes; }

  CodecRoutes& for_namespace(const std::string& ns) const {
    auto it = own_.find(ns);
    return it == own_.end() ? *fallback_ : *it->second;
  }

 private:
  CodecRoutes* fallback_;
  std::map<std::string, CodecRoutes*> own_;
};

}  // namespace claimcheck::serve
