// The binding to cpp-httplib (Debian's libcpp-httplib-dev 0.11). The
// library parses requests, routes, reads bodies and writes responses; this
// file replaces its accept loop (Listener) and its per-connection loop
// (serve_connection) so that reads and writes go through Connection, with
// deadlines and TLS.
#include "serve/http_server.hpp"

#include <arpa/inet.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "serve/connection.hpp"
#include "serve/idle_connections.hpp"
#include "serve/listener.hpp"
#include "serve/route.hpp"
#include "serve/tls_context.hpp"
#include "serve/worker_pool.hpp"

namespace claimcheck::serve {
namespace {

using Clock = std::chrono::steady_clock;

/// Allocations up to this size come from the heap (see HttpServer::run).
constexpr int kHeapResponseLimit = 64 << 20;

/// What a request's line and headers may take. httplib 0.11 bounds each line
/// (8 KiB) but not their number: 400 MB of headers took the server to 636 MB,
/// before any token was checked. The UI's largest (an ID token in
/// Authorization-Extras) fits many times over; Node allows 16 KiB, nginx 32.
constexpr std::size_t kMaxRequestHeadBytes = 64 * 1024;

/// "request headers larger than 65536 bytes", for answers and log lines.
std::string larger_than_head_limit(std::string_view what) {
  return std::string(what) + " larger than " + std::to_string(kMaxRequestHeadBytes) + " bytes";
}

/// Writes up to this size wait to go out with the next one (see RequestStream::write).
constexpr std::size_t kCoalesceBytes = 16 * 1024;

/// Bytes read from a connection but not yet consumed: kept across the
/// requests of one connection, so a pipelined request is not lost.
struct ReadBuffer {
  char data[16 * 1024];
  std::size_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
};

/// What httplib reads a request from and writes its response to.
class RequestStream : public httplib::Stream {
 public:
  RequestStream(Connection& connection, ReadBuffer& buffer, std::chrono::milliseconds timeout)
      : connection_(connection), buffer_(buffer), timeout_(timeout),
        started_(Clock::now()), read_deadline_(started_ + timeout) {}

  bool is_readable() const override { return true; }  // read() waits itself
  bool is_writable() const override { return true; }  // write() waits itself

  ssize_t read(char* ptr, size_t size) override {
    if (!flush()) return -1;  // e.g. "100 Continue" must be out before the body can come
    if (buffer_.empty()) {
      const ssize_t n = connection_.read_some(buffer_.data, sizeof buffer_.data, read_deadline_);
      if (n <= 0) {
        failed_ = true;
        timed_out_ = n < 0 && Clock::now() >= read_deadline_;
        return n;
      }
      buffer_.begin = 0;
      buffer_.end = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, buffer_.end - buffer_.begin);
    if (!head_received_) {  // httplib reads the head a byte at a time: counted exactly
      head_bytes_ += n;
      if (head_bytes_ > kMaxRequestHeadBytes) {
        head_too_large_ = true;
        return -1;
      }
    }
    std::memcpy(ptr, buffer_.data + buffer_.begin, n);
    buffer_.begin += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!writing_) {
      writing_ = true;
      write_deadline_ = Clock::now() + timeout_;
    }
    // The status line and headers, and the text around a shared piece of
    // a body, wait to go out with the next large write or at the end of
    // the exchange: one send and one wake-up of the client, not three.
    if (pending_.size() + size <= kCoalesceBytes) {
      pending_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    const ssize_t n = connection_.write_all(pending_, std::string_view(ptr, size), write_deadline_);
    if (n < 0) {
      pending_.clear();
      failed_ = write_failed_ = true;
      return -1;
    }
    bytes_sent_ += pending_.size() + size;
    pending_.clear();
    return static_cast<ssize_t>(size);
  }

  /// Sends what write() held back; false when it cannot be sent.
  bool flush() {
    if (pending_.empty()) return !failed_;  // pending_ holds writes: the write deadline is set
    const bool sent = connection_.write_all(pending_.data(), pending_.size(), write_deadline_) >= 0;
    if (sent) bytes_sent_ += pending_.size();
    pending_.clear();
    if (!sent) failed_ = write_failed_ = true;
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(::getsockname, ip, port);
  }
  socket_t socket() const override { return connection_.fd(); }

  Clock::time_point started() const { return started_; }
  bool failed() const { return failed_; }
  /// The request did not arrive whole within the request timeout.
  bool timed_out() const { return timed_out_; }
  /// The response was not sent whole: the client went away, or did not
  /// read it within the request timeout.
  bool write_failed() const { return write_failed_; }
  /// What went out: status line, headers and body.
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  /// The request line and headers are all read: what follows is the body.
  void head_received() { head_received_ = true; }
  /// They ran past kMaxRequestHeadBytes, and were read no further.
  bool head_too_large() const { return head_too_large_; }

 private:
  using NameFunction = int (*)(int, sockaddr*, socklen_t*);
  void address(NameFunction name, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    char text[INET6_ADDRSTRLEN] = "";
    port = -1;
    if (name(connection_.fd(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    if (addr.ss_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = ntohs(in6->sin6_port);
    }
    ip = text;
  }

  Connection& connection_;
  ReadBuffer& buffer_;
  std::chrono::milliseconds timeout_;
  Clock::time_point started_;
  Deadline read_deadline_;
  Deadline write_deadline_{};
  std::string pending_;  // written, not yet sent
  bool writing_ = false;
  bool failed_ = false;
  bool write_failed_ = false;
  std::uint64_t bytes_sent_ = 0;
  bool timed_out_ = false;
  std::size_t head_bytes_ = 0;
  bool head_received_ = false;
  bool head_too_large_ = false;
};

/// The request being served on this worker thread.
struct Exchange {
  RequestStream* stream = nullptr;
  RequestLog log;
  bool handled = false;      // log was filled by the codec server
  bool checked = false;      // its headers passed check_before_body
  bool close_after = false;  // the body was not read: the connection cannot go on
  bool logged = false;       // its log line is made
  std::optional<RequestLog> line;  // made, written once the response is out
};
thread_local Exchange* current_exchange = nullptr;

/// A request that did not arrive whole within --request-timeout (408).
constexpr const char* kNotReceivedInTime = "request not received in full within the request timeout";

/// Requests one connection may carry before it is closed.
constexpr std::size_t kRequestsPerConnection = 1000;

/// While connections wait at the cap, one open this long closes after its
/// answer (Connection: close), so that the waiting take turns with clients
/// that keep theirs busy. A turn costs the client a new connection, and a
/// TLS handshake costs more: at ulimit -n 40 with 60 clients on a local
/// store, 50 ms turns cost 5-10% of the answers a second over plain http
/// (the slowest answer 0.2 s, it was 5.7 s) and 31% over TLS, where 250 ms
/// turns cost 9% (0.8 s, it was 3.5 s). Closing after every answer cost 30%
/// over plain http.
constexpr std::chrono::milliseconds kTurnWhileOthersWait{50};
constexpr std::chrono::milliseconds kTlsTurnWhileOthersWait{250};

/// How long a worker waits for a connection's next request before parking
/// it: a client that sends its next request at once (a request just after
/// connecting, or back to back on a kept-alive connection) is served
/// without a handoff to the idle thread and back.
constexpr std::chrono::milliseconds kLingerForRequest{2};

/// A connection between its requests: what a worker picks up again.
struct ConnectionState : IdleConnection {
  /// `connections`: the server's count of open connections, which this one
  /// is in from here until its socket has closed.
  ConnectionState(int fd, SSL_CTX* tls, ConnectionCount& connections) : place(connections), connection(fd, tls) {}
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;
  int fd() const override { return connection.fd(); }

  /// Its place in the count, given up after `connection` (members end in
  /// the reverse of their order) has closed the socket: a place given up
  /// first let the listener accept another while the socket still held its
  /// descriptor, one more than the cap leaves room for, and a store request
  /// then found none (503; cli_serve_local's turns test, once in the suite).
  struct Place {
    explicit Place(ConnectionCount& count) : count(count) { count.opened(); }
    ~Place() { count.closed(); }
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    ConnectionCount& count;
  } place;
  Connection connection;
  ReadBuffer buffer;
  bool handshake_done = false;
  std::size_t served = 0;  // requests
  const Clock::time_point opened = Clock::now();
};

HttpRequest translate(const httplib::Request& req) {
  HttpRequest request;
  request.method = req.method;
  request.path = std::string(origin_form(req.path));
  for (const auto& [name, value] : req.params) request.query.emplace(name, value);
  for (const auto& [name, value] : req.headers)
    if (name != "REMOTE_ADDR" && name != "REMOTE_PORT" && name != "LOCAL_ADDR" && name != "LOCAL_PORT")
      request.headers.emplace_back(name, value);
  return request;
}

void send(HttpResponse response, httplib::Response& res) {
  res.status = response.status;
  for (auto& [name, value] : response.headers) res.set_header(name, value);
  if (!response.body.has_shared()) {
    if (!response.content_type.empty()) res.set_header("Content-Type", response.content_type);
    res.body = std::move(response.body).take_string();
    return;
  }
  // Shared pieces go to the socket from where they are. httplib asks for
  // [offset, offset + length) of the body, once unless a write fails.
  auto body = std::make_shared<const ResponseBody>(std::move(response.body));
  res.set_content_provider(
      body->size(), response.content_type,
      [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        for (std::string_view piece : body->pieces()) {
          if (length == 0) break;
          if (offset >= piece.size()) {
            offset -= piece.size();
            continue;
          }
          const std::size_t n = std::min(length, piece.size() - offset);
          if (!sink.write(piece.data() + offset, n)) return false;
          length -= n;
          offset = 0;
        }
        return true;
      });
}

/// RFC 9110 (14.2): a server ignores Range in any request but GET, and serve
/// answers nothing but POST. cpp-httplib 0.11 would cut every response to
/// the range and still say 200 (a partial Payloads body, or a multipart one).
/// Its handlers get the request const, but it is httplib's own mutable
/// object, read for the ranges only after the handler returns.
void ignore_range(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

bool has_body(const httplib::Request& req) {
  const std::string length = req.get_header_value("Content-Length");
  return (!length.empty() && length != "0") || req.has_header("Transfer-Encoding");
}

}  // namespace

class HttpServer::Impl : public httplib::Server {
 public:
  Impl(const HttpServerOptions& options, const CodecServer& codec, LogSink log, std::size_t max_connections)
      : options_(options), codec_(codec), log_(std::move(log)), tls_(load_tls(options)),
        idle_([this](std::unique_ptr<IdleConnection> connection) { resume(std::move(connection)); }) {
    if (tls_ && log_)
      for (const std::string& warning : certificate_warnings(tls_, options.tls_cert_file, options.host)) log_(warning);
    // Made here, before serve says it listens: a thread limit fails it now.
    pool_ = std::make_unique<WorkerPool>(options.workers, [this] { idle_.stop(); });
    set_payload_max_length(codec.body_limit());
    set_keep_alive_timeout(std::max<time_t>(1, options.keep_alive_timeout.count() / 1000));
    set_keep_alive_max_count(kRequestsPerConnection);
    // httplib offers Keep-Alive unless it closes the connection itself; an
    // answer that ends its connection (its body unread) says only that.
    set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      // httplib ends an HTTP/1.0 exchange unless it asked for Keep-Alive so spelt.
      if (req.version == "HTTP/1.0" && req.get_header_value("Connection") != "Keep-Alive" &&
          res.get_header_value("Connection") != "close")
        res.set_header("Connection", "close");
      if (res.get_header_value("Connection") == "close") res.headers.erase("Keep-Alive");
    });
    // Bodies are refused before they are read (curl sends Expect for large ones).
    set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
      ignore_range(req);
      if (!refuse_before_body(req, res)) return 100;
      // httplib counts a body only on the answers it routes: without this a
      // kept connection's client waits for the close to end the body.
      res.set_header("Content-Length", std::to_string(res.body.size()));
      return res.status;
    });
    // Before httplib reads a body: a request refused on its headers (any
    // method but POST, a length that cannot be trusted, ...) is answered at
    // once instead of after its body, or after --request-timeout waiting for
    // one that never comes (a PUT without one).
    set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      ignore_range(req);
      if (refuse_before_body(req, res)) return HandlerResponse::Handled;
      if (!has_body(req)) {  // no length: no body (RFC 9112 6.3), not one read until the peer closes
        serve(req, res, nullptr);
        return HandlerResponse::Handled;
      }
      return HandlerResponse::Unhandled;
    });
    auto without_reader = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res, nullptr); };
    // "[\s\S]*": every path, newlines included.
    const std::string any = "[\\s\\S]*";
    Post(any, [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      serve(req, res, &reader);
    });
    Get(any, without_reader);
    Put(any, without_reader);
    Patch(any, without_reader);
    Delete(any, without_reader);
    Options(any, without_reader);
    set_error_handler(HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
      answer_parser_refusal(req, res);
      return HandlerResponse::Unhandled;  // no Range is applied to an error
    }));
    set_logger([this](const httplib::Request& req, const httplib::Response& res) { log_exchange(req, res); });
    // httplib's default is SO_REUSEPORT, with which a second server binds the
    // same address and the kernel shares the connections out between them: a
    // forgotten serve would answer some of the requests, with its settings.
    // SO_REUSEADDR alone still lets a restart bind while old connections linger.
    set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    port_ = options.port == 0 ? bind_to_any_port(options.host) : (bind_to_port(options.host, options.port) ? options.port : -1);
    if (port_ < 0) {
      if (tls_ != nullptr) SSL_CTX_free(tls_);
      throw Error(ErrorKind::Usage, "listen " + options.host + ":" + std::to_string(options.port),
                  "cannot bind (address in use, or not an address of this machine)");
    }
    listening_ = ::fcntl(svr_sock_, F_DUPFD_CLOEXEC, 0);
    // httplib 0.11 listens with a backlog of 5: a burst of connections (a
    // page's six, or hundreds) beyond it has SYNs dropped and retried a
    // second later and more. Listening again sets the kernel's maximum.
    ::listen(svr_sock_, SOMAXCONN);
    try {
      listener_ = std::make_unique<Listener>(svr_sock_, max_connections, connections_, log_);
    } catch (...) {
      close_sockets();
      throw;
    }
  }

  ~Impl() override {
    idle_.stop();  // before the TLS context its connections use
    close_sockets();
  }

  int port() const { return port_; }

  /// Accepts connections until shutdown(), then waits for the requests in
  /// flight to be answered.
  void run() {
    listener_->run([this](int fd) { resume(std::make_unique<ConnectionState>(fd, tls_, connections_)); });
    pool_->shutdown();
  }

  void shutdown() {
    stopping_ = true;
    idle_.stop();  // idle connections close; requests in flight are answered
    listener_->stop();  // works as well just before run()
    // Connections waiting to be accepted are reset, and new ones refused,
    // now rather than when the server is destroyed. Not httplib's stop():
    // it marks the socket closed, and httplib ends a response streamed from
    // the object cache (send()) early when it sees that mark. Shut down
    // through a duplicate of our own, so its number is never one the kernel
    // has handed out again.
    if (listening_ >= 0) ::shutdown(listening_, SHUT_RDWR);
  }

 private:
  void close_sockets() {
    if (tls_ != nullptr) SSL_CTX_free(tls_);
    tls_ = nullptr;
    if (listening_ >= 0) ::close(listening_);
    listening_ = -1;
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) ::close(sock);
  }

  /// A connection with bytes to read: a new one, or a parked one whose
  /// bytes have arrived, to a worker. (Only ConnectionStates are parked.) A
  /// task the pool never runs, at a stop, closes its connection as it is
  /// destroyed.
  void resume(std::unique_ptr<IdleConnection> idle) {
    auto handoff = std::make_shared<std::unique_ptr<ConnectionState>>(static_cast<ConnectionState*>(idle.release()));
    pool_->enqueue([this, handoff] { serve_connection(std::move(*handoff)); });
  }

  /// Serves the requests that have arrived on a connection; when none is
  /// waiting, parks it (it holds no worker until its next bytes come).
  void serve_connection(std::unique_ptr<ConnectionState> state) {
    Connection& connection = state->connection;
    while (state->served < kRequestsPerConnection && !stopping_) {
      if (state->buffer.empty()) {
        switch (connection.readiness(Clock::now() + kLingerForRequest)) {
          case Connection::Readiness::Closed: return;
          case Connection::Readiness::NotYet:
            idle_.park(std::move(state), Clock::now() + options_.keep_alive_timeout);
            return;
          case Connection::Readiness::Ready: break;
        }
      }
      if (!state->handshake_done) {  // its first bytes are here: the TLS handshake
        const Clock::time_point started = Clock::now();
        if (connection.sent_plain_http()) return refuse_plain_http(connection, started);
        if (!connection.handshake(started + options_.request_timeout))
          return log_connection(started, "TLS handshake failed, or not done within --request-timeout");
        state->handshake_done = true;
        continue;  // the request itself may come later
      }
      RequestStream stream(connection, state->buffer, options_.request_timeout);
      Exchange exchange;
      exchange.stream = &stream;
      current_exchange = &exchange;
      bool connection_closed = false;
      const bool last = stopping_ || ++state->served == kRequestsPerConnection ||
                        (connections_.others_wait() &&
                         Clock::now() - state->opened >= (tls_ ? kTlsTurnWhileOthersWait : kTurnWhileOthersWait));
      const bool ok = process_request(stream, last, connection_closed, nullptr);
      const bool sent = stream.flush();
      if (exchange.line) log_answered(*exchange.line, stream);
      // httplib closes a connection whose request line never ended as one its
      // client closed, with no answer and no log line: the line says why.
      if (!ok && !exchange.logged && (stream.timed_out() || stream.head_too_large())) log_unanswered(exchange);
      current_exchange = nullptr;
      // The rest of the headers would reset the connection, and the 431 with it.
      if (stream.head_too_large())
        return connection.close_after_discarding(stream.started() + options_.request_timeout);
      // Refused by httplib before any handler (a Range header that does
      // not parse, say): its body, if any, was not read, and would be
      // taken for the next request.
      if (!ok || !sent || last || connection_closed || exchange.close_after || !exchange.handled) return;
    }
  }

  /// The connection ends after this answer (its body was not read, or not in
  /// full), and the answer says so.
  static void close_after(Exchange& exchange, httplib::Response& res) {
    exchange.close_after = true;
    res.set_header("Connection", "close");
  }

  /// Answers a request the codec server refuses on its headers alone.
  bool refuse_before_body(const httplib::Request& req, httplib::Response& res) {
    Exchange& exchange = *current_exchange;
    exchange.stream->head_received();
    if (exchange.checked) return false;
    auto refused = codec_.check_before_body(translate(req), exchange.log);
    exchange.checked = !refused;
    if (!refused) return false;
    exchange.handled = true;
    send(std::move(*refused), res);
    if (has_body(req)) close_after(exchange, res);
    return true;
  }

  /// httplib refuses some requests itself, before any handler: a request
  /// line or headers it cannot parse (400), a target too long (414), a
  /// Range that does not parse (416). They get what every other error has:
  /// the CORS headers (so the UI sees the status, not an opaque CORS
  /// failure; with headers unread there is no Origin, and only Vary) and a
  /// one-line body. The codec server's own errors have been answered.
  void answer_parser_refusal(const httplib::Request& req, httplib::Response& res) {
    if (current_exchange != nullptr && current_exchange->handled) return;
    if (timed_out()) res.status = 408;  // httplib says 400 for any read that failed
    if (head_too_large()) res.status = 431;
    const std::string why = res.status == 408   ? kNotReceivedInTime
                            : res.status == 414 ? "request target too long"
                            : res.status == 416 ? "Range header does not parse"
                            : res.status == 431 ? larger_than_head_limit("request headers")
                                                : "malformed request";
    RequestLog unused;  // log_exchange logs it as refused by the HTTP parser
    send(codec_.reject(translate(req), res.status, why, unused), res);
    // httplib has counted the (empty) body already, and the connection ends
    // after it (serve_connection): say both.
    res.set_header("Content-Length", std::to_string(res.body.size()));
    res.set_header("Connection", "close");
  }

  void serve(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
    Exchange& exchange = *current_exchange;
    ignore_range(req);
    if (refuse_before_body(req, res)) return;
    exchange.handled = true;
    HttpRequest request = translate(req);
    if (reader != nullptr) {
      bool too_large = false;
      const std::uint64_t limit = codec_.body_limit();
      const bool received = (*reader)([&](const char* data, std::size_t size) {
        if (request.body.size() + size > limit) {
          too_large = true;
          return false;
        }
        request.body.append(data, size);
        return true;
      });
      if (!received) {
        const bool over = too_large || res.status == 413;
        const int status = over ? 413 : timed_out() ? 408 : 400;
        send(codec_.reject(request, status,
                           over               ? "request body is larger than " + std::to_string(limit) + " bytes"
                           : status == 408    ? std::string(kNotReceivedInTime)
                                              : std::string("request body not received in full"),
                           exchange.log),
             res);
        close_after(exchange, res);
        return;
      }
    } else {
      request.body = req.body;
    }
    send(codec_.handle_body(request, exchange.log), res);
  }

  /// Whether the request being answered did not arrive within the timeout.
  bool timed_out() const {
    return current_exchange != nullptr && current_exchange->stream != nullptr && current_exchange->stream->timed_out();
  }

  /// Whether its line and headers ran past kMaxRequestHeadBytes.
  bool head_too_large() const {
    return current_exchange != nullptr && current_exchange->stream != nullptr &&
           current_exchange->stream->head_too_large();
  }

  /// status=0: closed without an answer.
  void log_unanswered(const Exchange& exchange) {
    log_connection(exchange.stream->started(),
                   exchange.stream->head_too_large()
                       ? larger_than_head_limit("request line") + ", closed without an answer"
                       : std::string(kNotReceivedInTime) + ": its first line cut short, closed without an answer");
  }

  /// The line of a connection that carried no request httplib parsed: closed
  /// without an answer (status=0), or refused before TLS; and why.
  void log_connection(Clock::time_point started, std::string why, int status = 0, std::size_t bytes_out = 0) {
    RequestLog log;
    log.ns = "-";
    log.route = "unknown";
    log.status = status;
    log.bytes_out = bytes_out;
    log.error = std::move(why);
    log.ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    if (log_) log_(format_log_line(log));
  }

  /// http:// used for this https server: told so in plain text (curl shows
  /// it), where a TLS server would close without a word.
  void refuse_plain_http(Connection& connection, Clock::time_point started) {
    const std::string body = plain_text_body("this server speaks https (TLS): use https:// in its URL");
    connection.refuse_in_plain_text("HTTP/1.1 400 Bad Request\r\nContent-Type: " + std::string(kPlainTextType) +
                                        "\r\nConnection: close\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body,
                                    started + options_.request_timeout);
    log_connection(started, "plain http sent to the https server", 400, body.size());
  }

  /// An exchange's line, once its response is out or has failed: a
  /// response cut short (a client that stopped reading) is not logged as
  /// delivered.
  void log_answered(RequestLog log, const RequestStream& stream) {
    log.ms = std::chrono::duration<double, std::milli>(Clock::now() - stream.started()).count();
    if (stream.write_failed()) {
      const std::string cut = "response cut short after " + std::to_string(stream.bytes_sent()) +
                              " bytes: the client went away, or did not read it within --request-timeout";
      log.error = log.error.empty() ? cut : log.error + "; " + cut;
    }
    if (log_) log_(format_log_line(log));
  }

  void log_exchange(const httplib::Request& req, const httplib::Response& res) {
    if (current_exchange != nullptr) current_exchange->logged = true;
    RequestLog log;
    if (current_exchange != nullptr && current_exchange->handled) {
      log = current_exchange->log;
    } else {
      log.route = route_name(parse_route(req.path).kind);
      log.ns = log_safe_namespace(req.get_header_value("X-Namespace"));
      log.error = timed_out()        ? kNotReceivedInTime
                  : head_too_large() ? larger_than_head_limit("request headers")
                                     : "refused by the HTTP parser";
    }
    log.status = res.status;
    if (current_exchange == nullptr || !current_exchange->handled) log.bytes_out = res.body.size();
    if (current_exchange != nullptr && current_exchange->stream != nullptr)
      log.ms = std::chrono::duration<double, std::milli>(Clock::now() - current_exchange->stream->started()).count();
    if (current_exchange != nullptr) {
      current_exchange->line = std::move(log);  // written once the response is out (log_answered)
      return;
    }
    if (log_) log_(format_log_line(log));
  }

  HttpServerOptions options_;
  const CodecServer& codec_;
  LogSink log_;
  SSL_CTX* tls_;
  ConnectionCount connections_;  // ConnectionStates, parked ones too: declared before what holds them
  IdleConnections idle_;
  std::unique_ptr<WorkerPool> pool_;
  int listening_ = -1;  // a duplicate of httplib's listening socket
  std::unique_ptr<Listener> listener_;
  int port_ = -1;
  std::atomic<bool> stopping_{false};
};

HttpServer::HttpServer(const HttpServerOptions& options, const CodecServer& codec, LogSink log)
    : impl_(std::make_unique<Impl>(options, codec, std::move(log), connections_the_open_file_limit_allows())) {}

HttpServer::~HttpServer() = default;

int HttpServer::port() const { return impl_->port(); }

void HttpServer::run() {
  // Responses run to megabytes. glibc would map each from the kernel afresh
  // and unmap it after (a page fault per 4 KiB: a quarter of the server's
  // CPU on cached 1 MiB decodes, measured with perf); kept on the heap, the
  // next response reuses the pages. Peak memory is unchanged.
  mallopt(M_MMAP_THRESHOLD, kHeapResponseLimit);
  mallopt(M_TRIM_THRESHOLD, 2 * kHeapResponseLimit);
  impl_->run();
}

void HttpServer::stop() { impl_->shutdown(); }

}  // namespace claimcheck::serve
