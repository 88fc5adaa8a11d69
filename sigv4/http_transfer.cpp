#include "http_transfer.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/text.hpp"
#include "retry.hpp"

namespace sigv4 {
namespace {

// Error bodies and listings are small; anything larger is not a real answer.
constexpr std::size_t kMaxCollectedBody = 64u << 20;

using Clock = std::chrono::steady_clock;

/// When a byte last moved either way. The clock starts once connected
/// (connect_timeout covers connecting).
struct StallWatch {
  std::chrono::seconds limit{0};  // 0: none
  bool connected = false;
  Clock::time_point last_moved;
  curl_off_t sent = 0, received = 0;
  bool stalled = false;
};

struct Exchange {
  CurlEasy* easy;
  const HttpCall* call;
  HttpOutcome outcome;
  StallWatch stall;
  bool headers_ended = false;  // the blank line after the final response's headers arrived
  int socket_errno = 0;        // why the last socket could not be opened
};

// What curl's own low-speed check said, which this check replaces: messages
// and scripts keep the same words.
std::string stall_message(std::chrono::seconds limit) {
  return "Operation too slow. Less than 1 bytes/sec transferred the last " +
         std::to_string(limit.count()) + " seconds";
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange.outcome.headers.clear();  // a new response (after an interim one)
    exchange.headers_ended = false;
    return line.size();
  }
  if (line == "\r\n" || line == "\n") {
    exchange.headers_ended = true;
    return line.size();
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  exchange.outcome.headers.push_back(
      {base::to_lower(base::trim(line.substr(0, colon))), std::string(base::trim(line.substr(colon + 1)))});
  return line.size();
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::size_t length = size * count;
  long status = 0;
  curl_easy_getinfo(exchange.easy->get(), CURLINFO_RESPONSE_CODE, &status);
  try {
    if (exchange.call->sink != nullptr && status >= 200 && status < 300) {
      (*exchange.call->sink)(status, data, length);
    } else {
      if (exchange.outcome.body.size() + length > kMaxCollectedBody) return 0;
      exchange.outcome.body.append(data, length);
    }
  } catch (...) {
    exchange.outcome.callback_error = std::current_exception();
    return 0;  // aborts the transfer
  }
  exchange.outcome.bytes_received += length;
  return length;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  if (exchange.call->body == nullptr) return 0;  // an empty PUT/POST
  try {
    const std::size_t length = exchange.call->body->read(buffer, size * count);
    exchange.outcome.bytes_sent += length;
    return length;
  } catch (...) {
    exchange.outcome.callback_error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

// curl opens its sockets itself and keeps no errno when socket() fails
// (CURLINFO_OS_ERRNO stays 0), so a process out of descriptors read as a
// server that refused. Opening them here keeps the reason; SOCK_CLOEXEC keeps
// them from a credential_process child.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) static_cast<Exchange*>(user)->socket_errno = errno;
  return fd < 0 ? CURL_SOCKET_BAD : fd;
}

int on_connected(void* user, char*, char*, int, int) {
  auto& stall = static_cast<Exchange*>(user)->stall;
  stall.connected = true;
  stall.last_moved = Clock::now();
  return CURL_PREREQFUNC_OK;
}

// "No byte moved for the stall limit", exactly: curl's LOW_SPEED_TIME
// compares an average over several seconds, which a burst of sent bytes
// kept above 1 B/s for about 5 s more. Called very often while bytes flow,
// about once a second while none do: a clock read and compares only.
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto& stall = static_cast<Exchange*>(user)->stall;
  if (!stall.connected) return 0;
  const auto now = Clock::now();
  if (sent != stall.sent || received != stall.received) {
    stall.sent = sent;
    stall.received = received;
    stall.last_moved = now;
    return 0;
  }
  if (stall.limit.count() == 0 || now - stall.last_moved < stall.limit) return 0;
  stall.stalled = true;
  return 1;  // aborts the transfer
}

// libcurl rewinds the body itself when it must send it again (a reused
// connection that turned out dead).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto& exchange = *static_cast<Exchange*>(user);
  if (offset != 0 || origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (exchange.call->body == nullptr) return CURL_SEEKFUNC_OK;
  try {
    exchange.call->body->rewind();
    exchange.outcome.bytes_sent = 0;
    return CURL_SEEKFUNC_OK;
  } catch (...) {
    return CURL_SEEKFUNC_FAIL;
  }
}

void set_method(CurlEasy& easy, const HttpCall& call, Exchange& exchange) {
  if (call.method == "GET") {
    easy.set(CURLOPT_HTTPGET, 1L);
  } else if (call.method == "HEAD") {
    easy.set(CURLOPT_NOBODY, 1L);
  } else if (call.method == "PUT" || call.method == "POST") {
    // Upload mode always sends Content-Length (radosgw refuses chunked
    // bodies with 411); CUSTOMREQUEST turns the PUT into a POST.
    easy.set(CURLOPT_UPLOAD, 1L);
    const std::uint64_t size = call.body != nullptr ? call.body->size() : 0;
    easy.set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    easy.set(CURLOPT_READFUNCTION, &on_read);
    easy.set(CURLOPT_READDATA, &exchange);
    easy.set(CURLOPT_SEEKFUNCTION, &on_seek);
    easy.set(CURLOPT_SEEKDATA, &exchange);
    if (call.method == "POST") easy.set(CURLOPT_CUSTOMREQUEST, "POST");
  } else {
    easy.set(CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
}

void set_transport_options(CurlEasy& easy, const TransferSettings& settings) {
  easy.set(CURLOPT_NOSIGNAL, 1L);
  easy.set(CURLOPT_PROTOCOLS_STR, "http,https");
  easy.set(CURLOPT_PATH_AS_IS, 1L);  // keys like "a/../b" must reach S3 as they are
  easy.set(CURLOPT_FOLLOWLOCATION, 0L);
  easy.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
  easy.set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings.total_timeout.count()));
  easy.set(CURLOPT_SSL_VERIFYPEER, 1L);
  easy.set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings.ca_bundle.empty()) easy.set(CURLOPT_CAINFO, settings.ca_bundle.c_str());
  easy.set(CURLOPT_TCP_KEEPALIVE, 1L);
}

}  // namespace

std::string HttpOutcome::header(std::string_view lower_name) const {
  for (const auto& header : headers)
    if (header.name == lower_name) return header.value;
  return {};
}

HttpOutcome perform_http(CurlEasy& easy, const HttpCall& call,
                         const TransferSettings& settings) {
  Exchange exchange{&easy, &call, {}, {}};
  exchange.stall.limit = settings.stall_timeout;
  if (call.body != nullptr) call.body->rewind();
  CurlSlist headers;
  for (const auto& line : call.header_lines) headers.append(line);

  char error_buffer[CURL_ERROR_SIZE] = {};
  easy.set(CURLOPT_ERRORBUFFER, error_buffer);
  easy.set(CURLOPT_URL, call.url.c_str());
  easy.set(CURLOPT_HTTPHEADER, headers.get());
  easy.set(CURLOPT_HEADERFUNCTION, &on_header);
  easy.set(CURLOPT_HEADERDATA, &exchange);
  easy.set(CURLOPT_WRITEFUNCTION, &on_body);
  easy.set(CURLOPT_WRITEDATA, &exchange);
  easy.set(CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  easy.set(CURLOPT_OPENSOCKETDATA, &exchange);
  easy.set(CURLOPT_PREREQFUNCTION, &on_connected);
  easy.set(CURLOPT_PREREQDATA, &exchange);
  easy.set(CURLOPT_XFERINFOFUNCTION, &on_progress);
  easy.set(CURLOPT_XFERINFODATA, &exchange);
  easy.set(CURLOPT_NOPROGRESS, 0L);
  set_transport_options(easy, settings);
  set_method(easy, call, exchange);

  exchange.outcome.curl_code = curl_easy_perform(easy.get());
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &exchange.outcome.status);
  long connects = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_NUM_CONNECTS, &connects);
  exchange.outcome.new_connection = connects > 0;
  exchange.outcome.connected = exchange.stall.connected;
  exchange.outcome.stalled = exchange.stall.stalled;
  if (exchange.stall.stalled) {
    exchange.outcome.curl_code = CURLE_OPERATION_TIMEDOUT;
    exchange.outcome.curl_message = stall_message(settings.stall_timeout);
  } else if (exchange.outcome.curl_code == CURLE_OK && !exchange.headers_ended) {
    // curl takes headers ended by the connection's end for a whole answer
    // (a 200 without its ETag, say); it is a cut one, and retried as such.
    exchange.outcome.curl_code = CURLE_RECV_ERROR;
    exchange.outcome.curl_message = "the connection ended inside its headers";
  } else if (exchange.outcome.curl_code != CURLE_OK) {
    exchange.outcome.curl_message =
        error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(exchange.outcome.curl_code);
    curl_easy_getinfo(easy.get(), CURLINFO_OS_ERRNO, &exchange.outcome.os_errno);
    if (exchange.outcome.os_errno == 0) exchange.outcome.os_errno = exchange.socket_errno;
    // curl says "Couldn't connect to server", which sends the reader to the
    // server; the cause is this process's limit.
    if (out_of_descriptors(exchange.outcome.os_errno))
      exchange.outcome.curl_message =
          "no socket could be opened: " + base::errno_text(static_cast<int>(exchange.outcome.os_errno));
  }
  // The handle goes back to the pool: it must not point at this stack frame.
  easy.set(CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  easy.set(CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  easy.set(CURLOPT_NOPROGRESS, 1L);
  return exchange.outcome;
}

}  // namespace sigv4
