// An in-memory Store for gc/stats tests: pages like S3 (in key order, at most
// `page_size` per page, with or without the '/' delimiter), counts list and
// delete requests, and can be told to misbehave (ignore the prefix, fail
// keys, throw) to test gc's safety. Safe to list from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "stores/store.hpp"

namespace claimcheck::test {

class MemoryStore : public Store {
 public:
  explicit MemoryStore(std::size_t page_size = 1000) : page_size_(page_size) {}
  using Store::put;

  void add(const std::string& key, std::uint64_t size, TimePoint last_modified) {
    std::lock_guard lock(mutex_);
    objects_[key] = ObjectInfo{key, size, last_modified, {}};
  }
  bool contains(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return objects_.count(key) > 0;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return objects_.size();
  }

  /// Incomplete uploads, as S3 lists them (any prefix: list filters).
  std::vector<IncompleteUpload> uploads;
  std::set<std::string> uploads_that_fail;  // by upload id

  std::vector<IncompleteUpload> list_incomplete_uploads(const std::string& prefix) override {
    std::lock_guard lock(mutex_);
    std::vector<IncompleteUpload> found;
    for (const auto& upload : uploads)
      if (upload.key.starts_with(prefix)) found.push_back(upload);
    return found;
  }
  void abort_incomplete_upload(const IncompleteUpload& upload) override {
    std::lock_guard lock(mutex_);
    if (uploads_that_fail.contains(upload.upload_id)) throw Error(ErrorKind::Store, "abort", "AccessDenied");
    std::erase_if(uploads, [&](const IncompleteUpload& u) { return u.upload_id == upload.upload_id; });
  }

  // Misbehaviours and hooks, set before a run.
  bool list_ignores_prefix = false;
  std::set<std::string> keys_that_fail;
  std::set<std::string> keys_already_gone;  // listed, then removed by "another run" before the batch
  bool remove_batch_throws = false;
  std::optional<std::size_t> list_throws_after_pages;
  std::function<void()> on_remove_batch;  // runs inside remove_batch, before deleting

  std::atomic<int> list_requests{0};  // list pages and list_level pages
  std::atomic<int> level_requests{0};  // list_level pages alone
  std::atomic<int> delete_requests{0};
  std::atomic<std::size_t> largest_batch{0};

  std::string location() const override { return "memory://test"; }
  std::uint64_t put(const std::string&, ByteSource&, const ObjectMeta&, const FinalMeta&) override {
    throw Error(ErrorKind::Internal, "MemoryStore", "put is not used by these tests");
  }
  void get(const std::string& key, ByteSink&) override {
    throw Error(ErrorKind::NotFound, key, "MemoryStore holds no bytes");
  }
  std::optional<ObjectInfo> head(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  void remove(const std::string& key) override {
    std::lock_guard lock(mutex_);
    objects_.erase(key);
  }

  BatchDeleteResult remove_batch(const std::vector<std::string>& keys) override {
    ++delete_requests;
    std::size_t seen = largest_batch.load();
    while (keys.size() > seen && !largest_batch.compare_exchange_weak(seen, keys.size())) {
    }
    if (on_remove_batch) on_remove_batch();
    if (remove_batch_throws) throw Error(ErrorKind::Store, "DeleteObjects", "connection reset");
    BatchDeleteResult result;
    std::lock_guard lock(mutex_);
    for (const auto& key : keys) {
      if (keys_that_fail.count(key)) {
        result.failed.emplace_back(key, "AccessDenied");
        continue;
      }
      if (keys_already_gone.count(key)) {
        objects_.erase(key);
        result.gone.push_back(key);
        continue;
      }
      objects_.erase(key);
      result.deleted.push_back(key);
    }
    return result;
  }

  void list(const std::string& prefix,
            const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    std::string after;
    for (std::size_t pages = 0;; ++pages) {
      if (list_throws_after_pages && pages == *list_throws_after_pages)
        throw Error(ErrorKind::Store, "ListObjectsV2", "503 SlowDown");
      ++list_requests;
      bool more = false;
      std::vector<ObjectInfo> page = next_page(prefix, after, pages == 0, more);
      if (!page.empty()) after = page.back().key;
      if (!on_page(page) || !more) return;
    }
  }

  /// As S3 with delimiter '/': objects and common prefixes together count
  /// towards `page_size` per page.
  void list_level(const std::string& prefix, const std::function<bool(const LevelPage&)>& on_page) override {
    std::vector<std::pair<std::string, std::optional<ObjectInfo>>> entries;  // prefix, or object
    {
      std::lock_guard lock(mutex_);
      for (const auto& [key, info] : objects_) {
        if (!key.starts_with(prefix)) continue;
        const auto slash = key.find('/', prefix.size());
        if (slash == std::string::npos) {
          entries.emplace_back(key, info);
        } else if (entries.empty() || entries.back().first != key.substr(0, slash + 1)) {
          entries.emplace_back(key.substr(0, slash + 1), std::nullopt);
        }
      }
    }
    for (std::size_t start = 0; start == 0 || start < entries.size(); start += page_size_) {
      ++list_requests;
      ++level_requests;
      LevelPage page;
      for (std::size_t i = start; i < std::min(entries.size(), start + page_size_); ++i) {
        if (entries[i].second) page.objects.push_back(*entries[i].second);
        else page.prefixes.push_back(entries[i].first);
      }
      if (!on_page(page)) return;
    }
  }

  void health() override {}
  std::string fetch_url(const std::string& key, std::chrono::seconds) override {
    return "memory://test/" + key;
  }

 private:
  bool listed(const std::string& key, const std::string& prefix) const {
    return list_ignores_prefix || key.starts_with(prefix);
  }

  /// Like S3: `more` (IsTruncated) is known with the page, no extra request.
  std::vector<ObjectInfo> next_page(const std::string& prefix, const std::string& after, bool first,
                                    bool& more) {
    std::lock_guard lock(mutex_);
    std::vector<ObjectInfo> page;
    auto it = first ? objects_.begin() : objects_.upper_bound(after);
    for (; it != objects_.end() && page.size() < page_size_; ++it) {
      if (listed(it->first, prefix)) page.push_back(it->second);
    }
    while (it != objects_.end() && !listed(it->first, prefix)) ++it;
    more = it != objects_.end();
    return page;
  }

  std::size_t page_size_;
  mutable std::mutex mutex_;
  std::map<std::string, ObjectInfo> objects_;
};

}  // namespace claimcheck::test
