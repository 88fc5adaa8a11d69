#include "http_transfer.hpp"

#include <cstdio>

#include "base/text.hpp"

namespace sigv4 {
namespace {

// Error bodies and listings are small; anything larger is not a real answer.
constexpr std::size_t kMaxCollectedBody = 64u << 20;

struct Exchange {
  CurlEasy* easy;
  const HttpCall* call;
  HttpOutcome outcome;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange.outcome.headers.clear();  // a new response (after an interim one)
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
  easy.set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  easy.set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(settings.stall_timeout.count()));
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
  Exchange exchange{&easy, &call, {}};
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
  set_transport_options(easy, settings);
  set_method(easy, call, exchange);

  exchange.outcome.curl_code = curl_easy_perform(easy.get());
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &exchange.outcome.status);
  long connects = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_NUM_CONNECTS, &connects);
  exchange.outcome.new_connection = connects > 0;
  if (exchange.outcome.curl_code != CURLE_OK)
    exchange.outcome.curl_message =
        error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(exchange.outcome.curl_code);
  // The handle goes back to the pool: it must not point at this stack frame.
  easy.set(CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  easy.set(CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  return exchange.outcome;
}

}  // namespace sigv4
