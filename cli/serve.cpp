// `claimcheck serve` as claimcheck-serve runs it: a Temporal codec server
// (Web UI and `temporal` CLI) that shows claim-checked payloads as the
// original payloads. Opens the store (and each namespace's own), wires
// lib/serve together, and stops cleanly on SIGTERM (requests in flight are
// answered, then exit 0).
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "config/setting_values.hpp"
#include "core/error.hpp"
#include "manager/manager.hpp"
#include "serve/bearer_token.hpp"
#include "serve/claimcheck_offloader.hpp"
#include "serve/reference_resolver.hpp"
#include "serve/codec_server.hpp"
#include "serve/http_server.hpp"
#include "serve/listen_address.hpp"
#include "serve/namespace_routes.hpp"
#include "stores/bucket_stores.hpp"
#include "temporal/resolver.hpp"
#include "global_options.hpp"
#include "interrupt.hpp"
#include "report_error.hpp"
#include "serve_command.hpp"

namespace claimcheck::cli {
namespace {

/// Every client connection holds a descriptor, idle ones too. At the soft
/// limit (1,024 under systemd) new connections wait in the kernel's queue
/// until idle ones time out; raised to the hard limit, as Go's runtime does
/// for every program. (httplib, libcurl and serve wait with poll and epoll,
/// which take any descriptor number.)
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);  // should it fail, the soft limit stays: serve still runs
}

/// One store and what serves it: its manager, the buckets its External
/// Storage references may name, resolution and routes.
struct ServedStore {
  std::unique_ptr<Store> store;
  std::unique_ptr<Manager> manager;
  std::unique_ptr<BucketStores> buckets;
  std::unique_ptr<temporal::Resolver> temporal_resolver;
  std::unique_ptr<serve::ReferenceResolver> resolver;
  std::unique_ptr<serve::ClaimCheckOffloader> offloader;
  std::unique_ptr<serve::CodecRoutes> routes;
};

/// `config` served as serve's settings say; the cache is shared by every store.
std::unique_ptr<ServedStore> serve_store(const Config& config, serve::ObjectCache& cache) {
  auto served = std::make_unique<ServedStore>();
  served->store = open_store_for(config);
  served->manager = std::make_unique<Manager>(*served->store, nullptr);
  served->buckets = open_bucket_stores_for(config);
  served->temporal_resolver = std::make_unique<temporal::Resolver>(*served->manager, *served->buckets);
  served->resolver = std::make_unique<serve::ReferenceResolver>(*served->temporal_resolver, cache);
  if (config.serve.offload) {
    served->manager->require_nameable_store();  // at start: not a 500 for every large /encode
    served->store->keep_location_as_it_is_now();
    served->offloader = std::make_unique<serve::ClaimCheckOffloader>(*served->manager, OffloadOptions::from(config));
  }
  serve::CodecLimits limits;
  limits.display_limit = config.serve.display_limit;
  served->routes = std::make_unique<serve::CodecRoutes>(*served->resolver, served->offloader.get(), limits);
  return served;
}

/// The settings with a namespace's own store in place of the store (a
/// prefix in its URL counts as the store URL's does, made a key prefix the
/// same way).
Config with_store(Config config, const NamespaceStore& entry) {
  config.store_kind = entry.store.kind;
  config.s3.bucket = entry.store.bucket;
  config.local_dir = entry.store.dir;
  if (entry.store.prefix) config.prefix = normalise_prefix(*entry.store.prefix, "--namespace-store " + entry.ns);
  return config;
}

/// "; namespace team-a: s3://bucket-a" for each namespace with a store of its own.
std::string namespaces(const ServeSettings& s) {
  std::string text;
  for (const NamespaceStore& entry : s.namespace_stores)
    text += "; namespace " + entry.ns + ": " + format_store(entry.store);
  return text;
}

/// `offloads`: what /encode does, --offload with claimcheck enabled (with
/// CLAIMCHECK_ENABLED=false the offloader passes every payload through).
std::string describe(const ServeSettings& s, bool offloads, int port) {
  const bool tls = !s.tls_cert_file.empty();
  const std::string origins = fmt::format("{}", fmt::join(s.allowed_origins, " "));
  return std::string("serve: listening on ") + (tls ? "https://" : "http://") +
         format_listen_address({s.listen.host, port}) + " (origins: " + (origins.empty() ? "none" : origins) +
         "; token: " + (s.token_file.empty() ? "none" : "required") + "; /encode: " +
         (offloads ? "offloads" : "passes through") + namespaces(s) + ")";
}

}  // namespace

int run_serve(const GlobalOptions& global) {
  // SIGTERM is the way a service is stopped: requests in flight are answered,
  // then exit 0 (Ctrl-C: 130, a hang-up: 129); a second signal meanwhile is
  // ignored. A signal before the server exists keeps it from running
  // (interrupt.hpp).
  std::atomic<int> stopped_by{0};
  std::atomic<serve::HttpServer*> running{nullptr};
  constexpr SignalPolicy kStopOnce{
      .sigint = OnSignal::StopOnce, .sigterm = OnSignal::StopOnce, .sighup = OnSignal::StopOnce};
  SignalHandling signals(kStopOnce, [&](int number) {
    stopped_by = number;
    if (serve::HttpServer* server = running.load()) server->stop();
  });
  raise_open_file_limit();
  const Config config = load_config_for(global);
  const ServeSettings& s = config.serve;
  const auto warning = serve::check_exposure(s);
  if (warning && !config.quiet) print_error_line(*warning);
  serve::ObjectCache cache(s.cache_bytes);
  const std::unique_ptr<ServedStore> default_store = serve_store(config, cache);
  serve::NamespaceRoutes routes(*default_store->routes);
  std::vector<std::unique_ptr<ServedStore>> own_stores;
  for (const NamespaceStore& entry : s.namespace_stores) {
    // A namespace's store holds what its workflows stored: a directory that
    // is not there is a typo, which would answer every request with 404.
    const Config own = with_store(config, entry);
    require_store_directory(own, "namespace " + entry.ns + ": " + format_store(entry.store));
    own_stores.push_back(serve_store(own, cache));
    routes.add(entry.ns, *own_stores.back()->routes);
  }
  serve::CodecServerOptions options;
  options.cors = {s.allowed_origins, s.allow_credentials, 600};
  options.token = s.token_file.empty() ? "" : serve::read_token_file(s.token_file);
  if (!s.token_file.empty() && !config.quiet)
    if (const auto exposed = serve::token_file_exposure(s.token_file)) print_error_line(*exposed);
  options.body_limit = s.body_limit;
  serve::CodecServer codec(options, routes);
  serve::HttpServerOptions http;
  http.host = s.listen.host;
  http.port = s.listen.port;
  http.tls_cert_file = s.tls_cert_file;
  http.tls_key_file = s.tls_key_file;
  http.request_timeout = s.request_timeout;
  serve::HttpServer server(http, codec, [](const std::string& line) { print_error_line(line); });
  running = &server;
  if (const auto other = serve::check_other_loopback(s.listen.host, server.port()); other && !config.quiet)
    print_error_line(*other);
  print_error_line(describe(s, s.offload && config.enabled, server.port()));
  if (stopped_by == 0) server.run();
  signals.end();  // a stop in progress is over before the server goes
  print_error_line("serve: stopped");
  return stopped_by == SIGINT || stopped_by == SIGHUP ? kSignalExitBase + stopped_by : 0;
}

}  // namespace claimcheck::cli
