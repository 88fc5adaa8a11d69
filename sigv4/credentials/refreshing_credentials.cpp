// The current credentials of one client, fetched again before they expire.
#include "sigv4/credentials.hpp"

#include <thread>

#include "credential_fields.hpp"
#include "sigv4/credential_providers.hpp"

namespace sigv4 {

CredentialsError::CredentialsError(Cause cause, std::string provider, std::string reason)
    : std::runtime_error(provider + ": " + reason),
      cause_(cause),
      provider_(std::move(provider)),
      reason_(std::move(reason)) {}

struct RefreshingCredentials::State {
  State(std::shared_ptr<CredentialsProvider> provider, RefreshHooks hooks, Clock clock)
      : provider(std::move(provider)), hooks(std::move(hooks)), clock(std::move(clock)) {}

  bool due(TimePoint now) const { return expiration && *expiration - now < kRefreshMargin; }
  /// There are credentials, and they have not expired at `now`.
  bool valid(TimePoint now) const { return signer && !(expiration && *expiration <= now); }

  /// The provider's credentials, refused when they have expired already;
  /// at this process's own limit, tried once more after hooks.release_idle
  /// (unless the owner, whose idle connections those are, is gone).
  TimedCredentials fetch_checked() {
    TimedCredentials fresh;
    try {
      fresh = provider->fetch();
    } catch (const CredentialsError& e) {
      // At the open-file limit (serve's connections and the store's pooled
      // connections holding the rest) a credential_process had no pipe: the
      // client's idle connections give theirs back for one more try.
      if (e.cause() != CredentialsError::Cause::LocalLimit || !hooks.release_idle) throw;
      {
        std::lock_guard lock(mutex);
        if (!abandoned) hooks.release_idle();
      }
      fresh = provider->fetch();
    }
    if (fresh.expiration && *fresh.expiration <= clock())
      throw CredentialsError(CredentialsError::Cause::Provider, provider->name(),
                             "it gave credentials that expired at " + format_rfc3339(*fresh.expiration));
    return fresh;
  }

  /// Takes `fresh` as the current credentials (under the lock).
  void accept(TimedCredentials fresh, bool refresh) {
    const TimePoint after = clock();
    failure = nullptr;
    signer = std::make_shared<const Signer>(std::move(fresh.credentials));
    expiration = fresh.expiration;
    // Credentials already inside the margin are used, not fetched for every request.
    retry_not_before = due(after) ? after + kRetryAfterFailure : TimePoint{};
    const std::string until = expiration ? ", valid until " + format_rfc3339(*expiration) : ", no expiry";
    const std::string from = "credentials: " + std::string(refresh ? "refreshed" : "fetched") + " from " +
                             provider->name();
    if (failed_fetches > 0 && hooks.notify) {  // said at any verbosity, so -vv's line would repeat it
      hooks.notify(from + " after " + std::to_string(failed_fetches) + " failed attempt" +
                   (failed_fetches == 1 ? "" : "s") + until);
    } else if (hooks.trace && (refresh || expiration)) {
      // Credentials that never expire were named by -v already; the rest get a line.
      hooks.trace(from + until);
    }
    failed_fetches = 0;
  }

  /// A fetch, made without the lock (on its own thread): its outcome is
  /// taken unless the owner is gone by then. `refresh`: there were
  /// credentials before it.
  static void fetch(const std::shared_ptr<State>& self, bool refresh) {
    State& state = *self;
    std::optional<TimedCredentials> fresh;
    std::exception_ptr error;
    std::string reason;
    try {
      fresh = state.fetch_checked();
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
    std::lock_guard lock(state.mutex);
    state.refreshing = false;
    state.refreshed.notify_all();
    if (state.abandoned) return;
    const TimePoint now = state.clock();
    if (fresh) {
      state.accept(std::move(*fresh), refresh);
      return;
    }
    ++state.failed_fetches;
    if (!state.valid(now)) {  // the current ones expired meanwhile: nothing to sign with
      state.failure = error;
      state.failure_until = now + kRetryAfterFailure;
      return;
    }
    // The current credentials still work: keep them, try again a little later.
    state.retry_not_before = now + kRetryAfterFailure;
    if (credential_processes_ended()) return;  // the program is exiting: no warning about that
    const std::string line = "credentials: refreshing from " + state.provider->name() + " failed (" + reason +
                             "); the current ones are valid until " + format_rfc3339(*state.expiration) +
                             ", tried again in " + std::to_string(kRetryAfterFailure.count()) + " s";
    if (state.hooks.notify) state.hooks.notify("warning: " + line);
    else if (state.hooks.trace) state.hooks.trace(line);
  }

  /// Waits for the fetch under way (under the lock); one line, once, when it
  /// has taken hooks.say_waiting_after: the requests that need credentials
  /// are waiting for it.
  void wait_for_fetch(std::unique_lock<std::mutex>& lock) {
    const int fetch = fetches;
    while (!refreshed.wait_for(lock, hooks.say_waiting_after, [this] { return !refreshing; })) {
      if (said_waiting == fetch || !hooks.notify) continue;
      said_waiting = fetch;
      const auto waited = std::chrono::ceil<std::chrono::seconds>(hooks.say_waiting_after).count();
      hooks.notify("warning: credentials: still waiting for " + provider->name() + " after " +
                   std::to_string(waited) + " s; what needs credentials waits for it");
    }
  }

  const std::shared_ptr<CredentialsProvider> provider;
  const RefreshHooks hooks;
  const Clock clock;
  std::mutex mutex;
  std::condition_variable refreshed;  // a fetch has ended
  bool refreshing = false;            // a fetch is under way: at most one at a time
  bool abandoned = false;             // the owner is gone: a refresh's outcome is dropped
  int failed_fetches = 0;             // since the last success, for the line that reports it
  std::shared_ptr<const Signer> signer;
  std::optional<TimePoint> expiration;
  TimePoint retry_not_before{};
  std::exception_ptr failure;  // the last fetch's error, while there are no credentials to use
  TimePoint failure_until{};
  int fetches = 0;
  int said_waiting = 0;  // the fetch whose wait was said
};

RefreshingCredentials::RefreshingCredentials(std::shared_ptr<CredentialsProvider> provider,
                                             RefreshHooks hooks, Clock clock)
    : state_(std::make_shared<State>(std::move(provider), std::move(hooks), std::move(clock))) {}

RefreshingCredentials::~RefreshingCredentials() {
  std::lock_guard lock(state_->mutex);
  state_->abandoned = true;
}

std::shared_ptr<const Signer> RefreshingCredentials::signer() {
  State& state = *state_;
  std::unique_lock lock(state.mutex);
  // Credentials that have expired are never used to sign (ones that arrived
  // with 2 s left had signed an upload's parts for 10 s): with nothing valid,
  // every caller waits for one fetch, and shares its error.
  while (!state.valid(state.clock())) {
    if (state.failure && state.clock() < state.failure_until) std::rethrow_exception(state.failure);
    if (!state.refreshing) start_fetch(lock);
    state.wait_for_fetch(lock);
  }
  // Inside the margin a fetch waits kRetryAfterFailure after the last one.
  const TimePoint now = state.clock();
  if (state.refreshing || !state.due(now) || now < state.retry_not_before) return state.signer;
  start_fetch(lock);
  if (state.valid(state.clock())) return state.signer;
  std::rethrow_exception(state.failure);  // made by this caller, it failed, and they expired meanwhile
}

void RefreshingCredentials::start_fetch(std::unique_lock<std::mutex>& lock) {
  State& state = *state_;
  state.refreshing = true;
  ++state.fetches;
  const bool refresh = state.signer != nullptr;
  try {
    std::thread([self = state_, refresh] { State::fetch(self, refresh); }).detach();
  } catch (const std::system_error&) {
    // No thread to be had (this process's limit on threads): this caller fetches.
    lock.unlock();
    State::fetch(state_, refresh);
    lock.lock();
  }
}

void RefreshingCredentials::expired(const Signer& used) {
  std::lock_guard lock(state_->mutex);
  if (state_->signer.get() != &used) return;  // already replaced since
  state_->expiration = state_->clock();
  state_->retry_not_before = {};
}

std::string RefreshingCredentials::provider_name() const { return state_->provider->name(); }

int RefreshingCredentials::fetches() const {
  std::lock_guard lock(state_->mutex);
  return state_->fetches;
}

void RefreshingCredentials::wait_for_refresh() {
  std::unique_lock lock(state_->mutex);
  state_->refreshed.wait(lock, [&] { return !state_->refreshing; });
}

}  // namespace sigv4
