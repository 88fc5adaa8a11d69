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

#include "core/error.hpp"
#include "core/units.hpp"
#include "manager/manager.hpp"
#include "serve/bearer_token.hpp"
#include "serve/claimcheck_offloader.hpp"
#include "serve/reference_resolver.hpp"
#include "serve/codec_server.hpp"
#include "serve/http_server.hpp"
#include "serve/listen_address.hpp"
#include "stores/bucket_stores.hpp"
#include "temporal/resolver.hpp"
#include "serve/serve_settings.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "report_error.hpp"
#include "setting_options.hpp"

namespace claimcheck::cli {
namespace {

using serve::ServeSettings;

struct ServeFlags {
  ServeSettings settings;
  std::string cache_size, display_limit, max_body, request_timeout;
};

void apply_units(ServeFlags& flags) {
  auto& s = flags.settings;
  if (!flags.cache_size.empty()) s.cache_bytes = parse_size(flags.cache_size, "--cache-size");
  if (!flags.display_limit.empty()) s.display_limit = parse_size(flags.display_limit, "--display-limit");
  if (!flags.max_body.empty()) s.body_limit = parse_size(flags.max_body, "--max-body");
  if (!flags.request_timeout.empty()) s.request_timeout = parse_duration(flags.request_timeout, "--request-timeout");
  if (s.body_limit == 0) throw Error(ErrorKind::Usage, "--max-body", "must be more than 0");
  if (s.request_timeout.count() == 0) throw Error(ErrorKind::Usage, "--request-timeout", "must be at least 1s");
}

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

std::string describe(const ServeSettings& s, const serve::ListenAddress& address, int port) {
  std::string origins;
  for (const auto& origin : s.allowed_origins) origins += (origins.empty() ? "" : " ") + origin;
  const bool tls = !s.tls_cert_file.empty();
  return std::string("serve: listening on ") + (tls ? "https://" : "http://") +
         (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) + ":" +
         std::to_string(port) + " (origins: " + (origins.empty() ? "none" : origins) +
         "; token: " + (s.token_file.empty() ? "none" : "required") + "; /encode: " +
         (s.offload ? "offloads" : "passes through") + ")";
}

int run_serve(const GlobalOptions& global, ServeFlags flags) {
  apply_units(flags);
  const ServeSettings& s = flags.settings;
  const serve::ListenAddress address = serve::parse_listen_address(s.listen);
  const auto warning = serve::check_exposure(s, address);
  Config config = load_config_for(global);
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
  limits.inline_limit = serve::kInlineLimit;
  serve::CodecRoutes routes(resolver, offloader.get(), limits);
  serve::CodecServerOptions options;
  options.cors = {s.allowed_origins, s.allow_credentials, 600};
  options.token = s.token_file.empty() ? "" : serve::read_token_file(s.token_file);
  options.body_limit = s.body_limit;
  serve::CodecServer codec(options, routes);
  serve::HttpServerOptions http;
  http.host = address.host;
  http.port = address.port;
  http.tls_cert_file = s.tls_cert_file;
  http.tls_key_file = s.tls_key_file;
  http.request_timeout = s.request_timeout;
  std::mutex log_mutex;
  serve::HttpServer server(http, codec, [&log_mutex](const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::fprintf(stderr, "claimcheck: %s\n", line.c_str());
  });
  print_error_line(describe(s, address, server.port()));
  StopOnSignal stop(server);
  server.run();
  print_error_line("serve: stopped");
  return stop.exit_code();
}

std::string shown(std::uint64_t bytes) { return format_size(bytes); }

void add_serve_options(CLI::App& sub, ServeFlags& flags, ConfigOverrides& o) {
  auto& s = flags.settings;
  const ServeSettings defaults;
  sub.add_option("--listen", s.listen, "Address to listen on, HOST:PORT")
      ->type_name("HOST:PORT")
      ->default_str(defaults.listen);
  std::string origins;
  for (const auto& origin : defaults.allowed_origins) origins += (origins.empty() ? "" : " ") + origin;
  sub.add_option("--allow-origin", s.allowed_origins, "Web UI origin allowed by CORS (repeatable)")
      ->type_name("ORIGIN")
      ->default_str(origins);
  sub.add_flag("--allow-credentials", s.allow_credentials,
               "Allow the UI's cross-origin credentials (cookies)");
  sub.add_option("--token-file", s.token_file, "Require 'Authorization: Bearer <first line of FILE>'")
      ->type_name("FILE");
  sub.add_option("--tls-cert", s.tls_cert_file, "Serve https with this PEM certificate chain")
      ->type_name("FILE");
  sub.add_option("--tls-key", s.tls_key_file, "The PEM private key of --tls-cert")->type_name("FILE");
  sub.add_option("--cache-size", flags.cache_size, "Memory for verified objects, least recently used out")
      ->type_name("SIZE")
      ->default_str(shown(defaults.cache_bytes));
  sub.add_option("--display-limit", flags.display_limit,
                 "Web UI: larger payloads stay references with a Download button")
      ->type_name("SIZE")
      ->default_str(shown(defaults.display_limit));
  sub.add_flag("--offload", s.offload, "/encode offloads payloads at or above the threshold");
  add_setting_options(sub, "serve", o);  // --threshold
  sub.add_option("--max-body", flags.max_body, "Largest request body")
      ->type_name("SIZE")
      ->default_str(shown(defaults.body_limit));
  sub.add_option("--request-timeout", flags.request_timeout, "Time to receive a request, and to send a response")
      ->type_name("DURATION")
      ->default_str(format_duration(defaults.request_timeout));
  sub.add_flag("--insecure", s.insecure, "Allow a non-loopback address without TLS and a token");
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& global, CommandRunner& run) {
  auto flags = std::make_shared<ServeFlags>();
  auto* sub = app.add_subcommand("serve", "Temporal codec server: claim-checked payloads in the Web UI and CLI");
  add_serve_options(*sub, *flags, global.overrides);
  sub->callback([&global, &run, flags] { run = [&global, flags] { return run_serve(global, *flags); }; });
}

}  // namespace claimcheck::cli
