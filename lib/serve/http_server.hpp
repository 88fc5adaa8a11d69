// The codec server on the network: cpp-httplib parses requests and writes
// responses; this binding adds what the library lacks for a server exposed
// to browsers (see connection.hpp): per-request deadlines, TLS over the
// OpenSSL we already use, a worker per connection from a fixed pool, the
// body read only after the headers passed every check, one log line per
// request, and a stop that lets requests in flight finish.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "serve/codec_server.hpp"

namespace claimcheck::serve {

struct HttpServerOptions {
  // host, port, TLS files and request_timeout: serve's settings (config/settings.cpp)
  std::string host;
  int port{};                      // 0: any free port
  std::string tls_cert_file;       // both set: https
  std::string tls_key_file;
  std::chrono::milliseconds request_timeout{};  // to receive one request, and to send one response
  std::chrono::milliseconds keep_alive_timeout{15'000};  // idle time between requests on a connection
  std::size_t workers = 128;       // requests served at once (idle connections hold none); more wait
};

using LogSink = std::function<void(const std::string& line)>;

class HttpServer {
 public:
  /// Binds the socket. Throws Error(Usage) when the address cannot be bound
  /// or the certificate and key cannot be loaded, Error(Internal) when the
  /// open-file limit leaves too few descriptors to answer a request.
  HttpServer(const HttpServerOptions& options, const CodecServer& codec, LogSink log);
  ~HttpServer();

  /// The bound port (useful with port 0).
  int port() const;

  /// Serves until stop(); returns when every request in flight is answered.
  void run();

  /// Stops accepting, closes idle connections; safe from any thread, and
  /// before run() (which then returns at once).
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace claimcheck::serve
