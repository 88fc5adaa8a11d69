// `claimcheck serve`: a Temporal codec server (Web UI and `temporal` CLI)
// that shows claim-checked payloads as the original payloads. Parses the
// flags, opens the store, wires lib/serve together, and stops cleanly on
// SIGTERM (requests in flight are answered, then exit 0).
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

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
#include "stores/bucket_stores.hpp"
#include "temporal/resolver.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "report_error.hpp"
#include "setting_options.hpp"

namespace claimcheck::cli {
namespace {

/// SIGTERM and SIGINT are taken by one thread with sigwait, so every other
/// thread (workers, fetchers) runs undisturbed; the signal stops the server.
class StopOnSignal {
 public:
  explicit StopOnSignal(serve::HttpServer& server) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);  // our own wake-up when the server ends otherwise
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    waiter_ = std::thread([this, set, &server] {
      int signal = 0;
      sigwait(&set, &signal);
      if (signal != SIGUSR1) signal_ = signal;
      server.stop();
    });
  }
  ~StopOnSignal() {
    pthread_kill(waiter_.native_handle(), SIGUSR1);
    waiter_.join();
  }
  /// SIGTERM is the way a service is stopped: exit 0. Ctrl-C: 130.
  int exit_code() const { return signal_ == SIGINT ? kInterruptedExitCode : 0; }

 private:
  std::thread waiter_;
  std::atomic<int> signal_{0};
};

std::string describe(const ServeSettings& s, int port) {
  const bool tls = !s.tls_cert_file.empty();
  const std::string origins = fmt::format("{}", fmt::join(s.allowed_origins, " "));
  return std::string("serve: listening on ") + (tls ? "https://" : "http://") +
         format_listen_address({s.listen.host, port}) + " (origins: " + (origins.empty() ? "none" : origins) +
         "; token: " + (s.token_file.empty() ? "none" : "required") + "; /encode: " +
         (s.offload ? "offloads" : "passes through") + ")";
}

int run_serve(const GlobalOptions& global) {
  const Config config = load_config_for(global);
  const ServeSettings& s = config.serve;
  const auto warning = serve::check_exposure(s);
  if (warning && !config.quiet) print_error_line(*warning);
  std::unique_ptr<Store> store = open_store_for(config);
  Manager manager(*store, nullptr);
  std::unique_ptr<BucketStores> buckets = open_bucket_stores(config);
  temporal::Resolver temporal_resolver(manager, *buckets);
  serve::ObjectCache cache(s.cache_bytes);
  serve::ReferenceResolver resolver(temporal_resolver, cache);
  std::unique_ptr<serve::ClaimCheckOffloader> offloader;
  if (s.offload) offloader = std::make_unique<serve::ClaimCheckOffloader>(manager, OffloadOptions::from(config));
  serve::CodecLimits limits;
  limits.display_limit = s.display_limit;
  serve::CodecRoutes routes(resolver, offloader.get(), limits);
  serve::CodecServerOptions options;
  options.cors = {s.allowed_origins, s.allow_credentials, 600};
  options.token = s.token_file.empty() ? "" : serve::read_token_file(s.token_file);
  options.body_limit = s.body_limit;
  serve::CodecServer codec(options, routes);
  serve::HttpServerOptions http;
  http.host = s.listen.host;
  http.port = s.listen.port;
  http.tls_cert_file = s.tls_cert_file;
  http.tls_key_file = s.tls_key_file;
  http.request_timeout = s.request_timeout;
  std::mutex log_mutex;
  serve::HttpServer server(http, codec, [&log_mutex](const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::fprintf(stderr, "claimcheck: %s\n", line.c_str());
  });
  print_error_line(describe(s, server.port()));
  StopOnSignal stop(server);
  server.run();
  print_error_line("serve: stopped");
  return stop.exit_code();
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run) {
  auto* sub = app.add_subcommand("serve", "Temporal codec server: claim-checked payloads in the Web UI and CLI");
  add_setting_options(*sub, "serve", global.overrides);  // every flag is a row of the settings table
  sub->callback([&global, &run] {
    global.overrides.command = "serve";
    run = [&global] { return run_serve(global); };
  });
}

}  // namespace claimcheck::cli
