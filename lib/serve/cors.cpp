#include "serve/cors.hpp"

#include <algorithm>

namespace claimcheck::serve {

CorsPolicy::CorsPolicy(CorsSettings settings) : settings_(std::move(settings)) {
  for (auto& origin : settings_.allowed_origins)
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(settings_.allowed_origins.begin(),
                                      settings_.allowed_origins.end(),
                                      origin) != settings_.allowed_origins.end();
}

HeaderList CorsPolicy::response_headers(std::string_view origin) const {
  HeaderList headers{{"Vary", "Origin"}};
  if (!allows(origin)) return headers;
  headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  if (settings_.allow_credentials) headers.emplace_back("Access-Control-Allow-Credentials", "true");
  return headers;
}

HeaderList CorsPolicy::preflight_headers() const {
  return {
      {"Access-Control-Allow-Methods", "POST, OPTIONS"},
      // Authorization-Extras carries the UI's ID token; without it in this
      // list the preflight fails whenever the UI passes its access token.
      {"Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization, Authorization-Extras"},
      {"Access-Control-Max-Age", std::to_string(settings_.max_age_seconds)},
  };
}

}  // namespace claimcheck::serve
