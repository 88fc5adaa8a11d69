// A Store that opens the real one on first use, so a pass-through never
// reads credentials, resolves an endpoint or initialises curl.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "stores/store.hpp"

namespace claimcheck::cli {

class LazyStore : public Store {
 public:
  using Opener = std::function<std::unique_ptr<Store>()>;
  explicit LazyStore(Opener opener) : opener_(std::move(opener)) {}
  using Store::put;

  std::string location() const override { return real().location(); }
  std::uint64_t put(const std::string& key, ByteSource& source, const ObjectMeta& meta,
                    const FinalMeta& final_meta) override {
    return real().put(key, source, meta, final_meta);
  }
  void get(const std::string& key, ByteSink& sink) override { real().get(key, sink); }
  std::optional<ObjectInfo> head(const std::string& key) override { return real().head(key); }
  void remove(const std::string& key) override { real().remove(key); }
  BatchDeleteResult remove_batch(const std::vector<std::string>& keys) override {
    return real().remove_batch(keys);
  }
  void list(const std::string& prefix,
            const std::function<bool(const std::vector<ObjectInfo>&)>& on_page) override {
    real().list(prefix, on_page);
  }
  std::vector<IncompleteUpload> list_incomplete_uploads(const std::string& prefix) override {
    return real().list_incomplete_uploads(prefix);
  }
  void abort_incomplete_upload(const IncompleteUpload& upload) override { real().abort_incomplete_upload(upload); }
  void health() override { real().health(); }
  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime) override {
    return real().fetch_url(key, lifetime);
  }
  std::string fetch_url(const std::string& key, std::chrono::seconds lifetime,
                        const ResponseOverrides& response) override {
    return real().fetch_url(key, lifetime, response);
  }
  std::uint64_t request_count() const override { return opened_ ? opened_->request_count() : 0; }

 private:
  Store& real() const {
    std::call_once(once_, [this] { opened_ = opener_(); });
    return *opened_;
  }

  Opener opener_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<Store> opened_;
};

}  // namespace claimcheck::cli
