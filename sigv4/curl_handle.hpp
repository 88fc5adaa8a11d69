// One move-only RAII owner per libcurl handle type. Private to sigv4/.
#pragma once

#include <curl/curl.h>

#include <string>

namespace sigv4 {

/// curl_global_init exactly once per process (thread-safe).
void ensure_curl_initialized();

/// Owns a CURL* easy handle; its connection cache lives as long as it does.
class CurlEasy {
 public:
  CurlEasy();
  ~CurlEasy();
  CurlEasy(CurlEasy&& other) noexcept;
  CurlEasy& operator=(CurlEasy&& other) noexcept;
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const { return handle_; }
  /// Forgets all options but keeps live connections (curl_easy_reset).
  void reset();

  /// curl_easy_setopt that throws std::runtime_error naming the option.
  template <typename Value>
  void set(CURLoption option, Value value) {
    check_option(curl_easy_setopt(handle_, option, value), option);
  }

 private:
  static void check_option(CURLcode code, CURLoption option);
  CURL* handle_;
};

/// Owns a curl_slist (request headers).
class CurlSlist {
 public:
  CurlSlist() = default;
  ~CurlSlist();
  CurlSlist(CurlSlist&& other) noexcept;
  CurlSlist& operator=(CurlSlist&& other) noexcept;
  CurlSlist(const CurlSlist&) = delete;
  CurlSlist& operator=(const CurlSlist&) = delete;

  void append(const std::string& line);
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace sigv4
