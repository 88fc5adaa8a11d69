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

std::shared_ptr<const Signer> RefreshingCredentials::signer() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_();
  if (failure_ && now < failure_until_) std::rethrow_exception(failure_);
  // Inside the margin a fetch waits kRetryAfterFailure after the last one;
  // credentials that have expired are never used to sign while it waits
  // (ones that arrived with 2 s left had signed an upload's parts for 10 s).
  const bool expired = expiration_ && *expiration_ <= now;
  if (!signer_ || expired || (due(now) && now >= retry_not_before_)) fetch_locked(now);
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

void RefreshingCredentials::fetch_locked(TimePoint now) {
  const bool refresh = signer_ != nullptr;
  const std::string verb = refresh ? "refreshed" : "fetched";
  ++fetches_;
  try {
    TimedCredentials fresh = provider_->fetch();
    const TimePoint after = clock_();
    if (fresh.expiration && *fresh.expiration <= after)
      throw CredentialsError(CredentialsError::Cause::Provider, provider_->name(),
                             "it gave credentials that expired at " + format_rfc3339(*fresh.expiration));
    failure_ = nullptr;
    signer_ = std::make_shared<const Signer>(std::move(fresh.credentials));
    expiration_ = fresh.expiration;
    // Credentials already inside the margin are used, not fetched for every request.
    retry_not_before_ = due(after) ? after + kRetryAfterFailure : TimePoint{};
    // Credentials that never expire were named by -v already; the rest get a line.
    if (trace_ && (refresh || expiration_))
      trace_("credentials: " + verb + " from " + provider_->name() +
             (expiration_ ? ", valid until " + format_rfc3339(*expiration_) : ", no expiry"));
  } catch (const CredentialsError& error) {
    if (!refresh || !expiration_ || *expiration_ <= now) {
      failure_ = std::current_exception();
      failure_until_ = clock_() + kRetryAfterFailure;
      throw;
    }
    // The current credentials still work: keep them, try again a little later.
    retry_not_before_ = now + kRetryAfterFailure;
    if (trace_)
      trace_("credentials: refreshing failed (" + error.reason() + "); the current ones are valid until " +
             format_rfc3339(*expiration_));
  }
}

}  // namespace sigv4
