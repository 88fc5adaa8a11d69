#include "curl_handle.hpp"

#include <mutex>
#include <stdexcept>
#include <utility>

namespace sigv4 {

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl initialisation failed");
  });
}

CurlEasy::CurlEasy() {
  ensure_curl_initialized();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

CurlEasy::~CurlEasy() {
  if (handle_ != nullptr) curl_easy_cleanup(handle_);
}

CurlEasy::CurlEasy(CurlEasy&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CurlEasy& CurlEasy::operator=(CurlEasy&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void CurlEasy::reset() { curl_easy_reset(handle_); }

void CurlEasy::check_option(CURLcode code, CURLoption option) {
  if (code != CURLE_OK)
    throw std::runtime_error("libcurl refused option " + std::to_string(option) +
                             ": " + curl_easy_strerror(code));
}

CurlSlist::~CurlSlist() { curl_slist_free_all(list_); }

CurlSlist::CurlSlist(CurlSlist&& other) noexcept
    : list_(std::exchange(other.list_, nullptr)) {}

CurlSlist& CurlSlist::operator=(CurlSlist&& other) noexcept {
  if (this != &other) {
    curl_slist_free_all(list_);
    list_ = std::exchange(other.list_, nullptr);
  }
  return *this;
}

void CurlSlist::append(const std::string& line) {
  curl_slist* extended = curl_slist_append(list_, line.c_str());
  if (extended == nullptr) throw std::runtime_error("curl_slist_append failed");
  list_ = extended;
}

}  // namespace sigv4
