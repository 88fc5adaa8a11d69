// /encode --offload: a payload whose data is at or above the threshold is
// stored and replaced by a reference that /decode (and the runners) read:
//  - json/plain: a json/plain payload whose value is claimcheck's own
//    reference (sha256-verified on the way back, as the Go runner reads it);
//  - anything else: a `binary/claimcheck` payload (the TypeScript codec's
//    marker), which carries the original metadata, so the encoding survives.
#pragma once

#include "manager/manager.hpp"
#include "serve/codec_routes.hpp"

namespace claimcheck::serve {

class ClaimCheckOffloader : public PayloadOffloader {
 public:
  ClaimCheckOffloader(Manager& manager, OffloadOptions options);
  bool wants(const Payload& payload) const override;
  OffloadedPayload offload(const Payload& payload) override;
  std::string remove_undelivered(const std::vector<std::string>& keys) override;

 private:
  Manager& manager_;
  OffloadOptions options_;
};

}  // namespace claimcheck::serve
