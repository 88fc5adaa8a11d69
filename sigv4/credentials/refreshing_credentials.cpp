// The current credentials of one client, fetched again before they expire.
#include "sigv4/credentials.hpp"

#include "credential_fields.hpp"

namespace sigv4 {

CredentialsError::CredentialsError(Cause cause, std::string provider, std::string reason)
    : std::runtime_error(provider + ": " + reason),
      cause_(cause),
      provider_(std::move(provider)),
      reason_(std::move(reason)) {}

RefreshingCredentials::RefreshingCredentials(std::shared_ptr<CredentialsProvider> provider,
                                             RefreshHooks hooks, Clock clock)
    : provider_(std::move(provider)), hooks_(std::move(hooks)), clock_(std::move(clock)) {}

RefreshingCredentials::~RefreshingCredentials() {
  if (refresher_.joinable()) refresher_.join();
}

bool RefreshingCredentials::due(TimePoint now) const {
  return expiration_ && *expiration_ - now < kRefreshMargin;
}

bool RefreshingCredentials::valid(TimePoint now) const {
  return signer_ && !(expiration_ && *expiration_ <= now);
}

std::shared_ptr<const Signer> RefreshingCredentials::signer() {
  std::unique_lock lock(mutex_);
  // A refresh under way while nothing valid is left: its outcome is the answer.
  refreshed_.wait(lock, [&] { return !refreshing_ || valid(clock_()); });
  const TimePoint now = clock_();
  if (failure_ && now < failure_until_) std::rethrow_exception(failure_);
  // Credentials that have expired are never used to sign, also while a
  // refresh waits (ones that arrived with 2 s left had signed an upload's
  // parts for 10 s).
  if (!valid(now)) {
    fetch_locked();
    return signer_;
  }
  // Inside the margin a fetch waits kRetryAfterFailure after the last one.
  if (!refreshing_ && due(now) && now >= retry_not_before_) start_refresh(lock);
  return signer_;
}

void RefreshingCredentials::expired(const Signer& used) {
  std::lock_guard lock(mutex_);
  if (signer_.get() != &used) return;  // already replaced since
  expiration_ = clock_();
  retry_not_before_ = {};
}

int RefreshingCredentials::fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

void RefreshingCredentials::wait_for_refresh() {
  std::unique_lock lock(mutex_);
  refreshed_.wait(lock, [&] { return !refreshing_; });
}

TimedCredentials RefreshingCredentials::fetch_checked() {
  TimedCredentials fresh;
  try {
    fresh = provider_->fetch();
  } catch (const CredentialsError& e) {
    // At the open-file limit (serve's connections and the store's pooled
    // connections holding the rest) a credential_process had no pipe: the
    // client's idle connections give theirs back for one more try.
    if (e.cause() != CredentialsError::Cause::LocalLimit || !hooks_.release_idle) throw;
    hooks_.release_idle();
    fresh = provider_->fetch();
  }
  if (fresh.expiration && *fresh.expiration <= clock_())
    throw CredentialsError(CredentialsError::Cause::Provider, provider_->name(),
                           "it gave credentials that expired at " + format_rfc3339(*fresh.expiration));
  return fresh;
}

void RefreshingCredentials::accept(TimedCredentials fresh, bool refresh) {
  const TimePoint after = clock_();
  failure_ = nullptr;
  signer_ = std::make_shared<const Signer>(std::move(fresh.credentials));
  expiration_ = fresh.expiration;
  // Credentials already inside the margin are used, not fetched for every request.
  retry_not_before_ = due(after) ? after + kRetryAfterFailure : TimePoint{};
  const std::string until = expiration_ ? ", valid until " + format_rfc3339(*expiration_) : ", no expiry";
  if (failed_refreshes_ > 0 && hooks_.warn)
    hooks_.warn("credentials: refreshed from " + provider_->name() + " after " + std::to_string(failed_refreshes_) +
                " failed attempt" + (failed_refreshes_ == 1 ? "" : "s") + until);
  failed_refreshes_ = 0;
  // Credentials that never expire were named by -v already; the rest get a line.
  if (hooks_.trace && (refresh || expiration_))
    hooks_.trace("credentials: " + std::string(refresh ? "refreshed" : "fetched") + " from " + provider_->name() +
                 until);
}

void RefreshingCredentials::fetch_locked() {
  const bool refresh = signer_ != nullptr;
  ++fetches_;
  try {
    accept(fetch_checked(), refresh);
  } catch (const CredentialsError&) {
    failure_ = std::current_exception();
    failure_until_ = clock_() + kRetryAfterFailure;
    throw;
  }
}

void RefreshingCredentials::start_refresh(std::unique_lock<std::mutex>& lock) {
  refreshing_ = true;
  ++fetches_;
  // The last refresh's thread has ended its work (refreshing_ was false):
  // joining it takes no time.
  if (refresher_.joinable()) refresher_.join();
  try {
    refresher_ = std::thread([this] { refresh(); });
  } catch (const std::system_error&) {
    // No thread to be had (this process's limit on threads): this caller
    // refreshes, and signs with the outcome.
    lock.unlock();
    refresh();
    lock.lock();
  }
}

void RefreshingCredentials::refresh() {
  std::optional<TimedCredentials> fresh;
  std::exception_ptr error;
  std::string reason;
  try {
    fresh = fetch_checked();
  } catch (const CredentialsError& e) {
    error = std::current_exception();
    reason = e.reason();
  } catch (const std::exception& e) {  // not the provider's failure: memory, or a bug
    error = std::current_exception();
    reason = e.what();
  } catch (...) {
    error = std::current_exception();
    reason = "an unexpected error";
  }
  std::lock_guard lock(mutex_);
  refreshing_ = false;
  refreshed_.notify_all();
  const TimePoint now = clock_();
  if (fresh) {
    accept(std::move(*fresh), true);
    return;
  }
  if (!valid(now)) {  // the current ones expired meanwhile: nothing to sign with
    failure_ = error;
    failure_until_ = now + kRetryAfterFailure;
    return;
  }
  // The current credentials still work: keep them, try again a little later.
  retry_not_before_ = now + kRetryAfterFailure;
  ++failed_refreshes_;
  const std::string line = "credentials: refreshing from " + provider_->name() + " failed (" + reason +
                           "); the current ones are valid until " + format_rfc3339(*expiration_) +
                           ", tried again in " + std::to_string(kRetryAfterFailure.count()) + " s";
  if (hooks_.warn) hooks_.warn(line);
  else if (hooks_.trace) hooks_.trace(line);
}

}  // namespace sigv4
