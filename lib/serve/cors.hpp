// CORS for the Temporal Web UI, which calls the codec server with fetch()
// from its own origin: Content-Type: application/json and X-Namespace make
// every call non-simple, so the browser sends a preflight first.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimcheck::serve {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct CorsSettings {
  std::vector<std::string> allowed_origins;  // exact "scheme://host[:port]"
  bool allow_credentials = false;            // the UI's "include cross-origin credentials"
  int max_age_seconds = 600;
};

class CorsPolicy {
 public:
  explicit CorsPolicy(CorsSettings settings);

  bool allows(std::string_view origin) const;

  /// Headers for every response, errors included: `Vary: Origin` always,
  /// the allow headers only for an allowed origin.
  HeaderList response_headers(std::string_view origin) const;

  /// Extra headers for a preflight from an allowed origin.
  HeaderList preflight_headers() const;

 private:
  CorsSettings settings_;
};

}  // namespace claimcheck::serve
