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
                                             Trace trace, Clock clock)
    : provider_(std::move(provider)), trace_(std::move(trace)), clock_(std::move(clock)) {}

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
  if (refreshing_ || !due(now) || now < retry_not_before_) return signer_;
  return refresh_unlocked(lock);
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

TimedCredentials RefreshingCredentials::fetch_checked() {
  TimedCredentials fresh = provider_->fetch();
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
  // Credentials that never expire were named by -v already; the rest get a line.
  if (trace_ && (refresh || expiration_))
    trace_("credentials: " + std::string(refresh ? "refreshed" : "fetched") + " from " + provider_->name() +
           (expiration_ ? ", valid until " + format_rfc3339(*expiration_) : ", no expiry"));
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

std::shared_ptr<const Signer> RefreshingCredentials::refresh_unlocked(std::unique_lock<std::mutex>& lock) {
  refreshing_ = true;
  ++fetches_;
  lock.unlock();
  std::optional<TimedCredentials> fresh;
  std::exception_ptr error;
  std::string reason;
  try {
    fresh = fetch_checked();
  } catch (const CredentialsError& e) {
    error = std::current_exception();
    reason = e.reason();
  } catch (...) {
    error = std::current_exception();
  }
  lock.lock();
  refreshing_ = false;
  refreshed_.notify_all();
  const TimePoint now = clock_();
  if (fresh) {
    accept(std::move(*fresh), true);
    return signer_;
  }
  if (reason.empty()) std::rethrow_exception(error);  // not the provider's failure: a bug, or memory
  if (!valid(now)) {  // the current ones expired meanwhile: nothing to sign with
    failure_ = error;
    failure_until_ = now + kRetryAfterFailure;
    std::rethrow_exception(error);
  }
  // The current credentials still work: keep them, try again a little later.
  retry_not_before_ = now + kRetryAfterFailure;
  if (trace_)
    trace_("credentials: refreshing failed (" + reason + "); the current ones are valid until " +
           format_rfc3339(*expiration_));
  return signer_;
}

}  // namespace sigv4
