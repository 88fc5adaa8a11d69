// A pool of libcurl easy handles so that each request reuses a warm
// connection and parallel callers (multipart parts) each get their own.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "curl_handle.hpp"

namespace sigv4 {

class HandlePool {
 public:
  /// Keeps at most `max_idle` handles (and their connections) between calls.
  explicit HandlePool(std::size_t max_idle = 16) : max_idle_(max_idle) {}

  /// A handle borrowed for one request; returned to the pool on destruction.
  class Lease {
   public:
    Lease(HandlePool& pool, CurlEasy handle) : pool_(&pool), handle_(std::move(handle)) {}
    ~Lease() { pool_->give_back(std::move(handle_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CurlEasy& handle() { return handle_; }

   private:
    HandlePool* pool_;
    CurlEasy handle_;
  };

  /// An idle handle with its options reset, or a new one.
  Lease acquire();

  /// Closes the idle handles and their connections.
  void close_idle();

 private:
  void give_back(CurlEasy handle) noexcept;

  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;
};

}  // namespace sigv4
