// Where signing credentials come from: a provider fetches them (from the
// environment, STS, a process, SSO, a container agent or EC2 instance
// metadata), RefreshingCredentials keeps the current ones and fetches again
// shortly before they expire. The providers themselves are made in
// credential_providers.hpp. Knows nothing of claim checks or of which
// provider applies: the caller decides that.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sigv4/signer.hpp"

namespace sigv4 {

using TimePoint = std::chrono::system_clock::time_point;

/// Credentials and the moment they stop working (nullopt: never).
struct TimedCredentials {
  Credentials credentials;
  std::optional<TimePoint> expiration;
};

/// Credentials could not be obtained. `provider` names where they were
/// sought ("assume-role arn:aws:iam::1:role/x"), `reason` says why; neither
/// ever holds a secret, a session token or a web identity token.
class CredentialsError : public std::runtime_error {
 public:
  enum class Cause {
    Configuration,  // the provider's settings are incomplete or wrong: the user must fix them
    Provider,       // the provider was unreachable, refused or answered nonsense
    LocalLimit,     // this process met its own limit (open files, processes): neither's fault
  };
  CredentialsError(Cause cause, std::string provider, std::string reason);
  Cause cause() const { return cause_; }
  const std::string& provider() const { return provider_; }
  const std::string& reason() const { return reason_; }

 private:
  Cause cause_;
  std::string provider_, reason_;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  /// What -v and error messages call this provider; no secrets.
  virtual std::string name() const = 0;
  /// Obtains credentials now (may contact the provider). Throws CredentialsError.
  virtual TimedCredentials fetch() = 0;
};

/// One line of a verbose trace (never a secret).
using Trace = std::function<void(std::string_view)>;
using Clock = std::function<TimePoint()>;

/// What RefreshingCredentials tells, and asks of, the client that owns it.
struct RefreshHooks {
  Trace trace{};  // -vv: each fetch
  /// Lines for any verbosity: "warning: ..." for a refresh that failed while
  /// the current credentials still work (the line before an outage), and the
  /// fetch that succeeds after failures.
  Trace notify{};
  /// A fetch met this process's own limit (open files): free what the client
  /// holds idle, before the fetch is tried once more.
  std::function<void()> release_idle{};
  /// A fetch that callers wait for (nothing valid to sign with) is said,
  /// once, after this long (tests shorten it).
  std::chrono::milliseconds say_waiting_after{10'000};
};

/// The credentials a client signs with. Fetched on first use and fetched
/// again once less than kRefreshMargin of their life is left (at most every
/// kRetryAfterFailure while inside it, and always once they have expired:
/// expired credentials never sign). Every fetch runs on a thread of its
/// own: during a refresh while the current credentials are valid, every
/// caller, the one that found it due included, signs with the current ones;
/// with nothing valid left, every caller waits for the one fetch (said once
/// when it takes long). A failed refresh keeps the old credentials while they are still valid
/// (and tries again after kRetryAfterFailure). A failed fetch with none to
/// fall back on is the answer for kRetryAfterFailure: the callers that
/// waited for it, and those after, get its error without asking again (a
/// provider that hangs costs its timeout once, not once per caller in turn).
/// Thread-safe.
class RefreshingCredentials {
 public:
  static constexpr std::chrono::minutes kRefreshMargin{5};
  static constexpr std::chrono::seconds kRetryAfterFailure{10};

  explicit RefreshingCredentials(std::shared_ptr<CredentialsProvider> provider, RefreshHooks hooks = {},
                                 Clock clock = &std::chrono::system_clock::now);
  /// A refresh still under way is abandoned, not waited for: nothing will
  /// sign with its outcome (a command that has its result does not wait for
  /// a provider that hangs), and its hooks are no longer called.
  ~RefreshingCredentials();
  RefreshingCredentials(const RefreshingCredentials&) = delete;
  RefreshingCredentials& operator=(const RefreshingCredentials&) = delete;

  /// A signer over the current credentials. Throws CredentialsError when
  /// there are none and the provider fails.
  std::shared_ptr<const Signer> signer();
  /// The server refused `used` as expired: the next signer() fetches anew
  /// (once, however many callers report the same signer).
  void expired(const Signer& used);
  std::string provider_name() const;
  /// Fetches so far (the first one included), for tests and traces.
  int fetches() const;
  /// Returns once no refresh is under way (for tests).
  void wait_for_refresh();

 private:
  /// Everything a fetch's thread uses: shared with it, so that an abandoned
  /// refresh outlives this object safely.
  struct State;
  /// Starts a fetch on a thread of its own (or, with no thread to be had,
  /// makes it on this caller's, the lock released meanwhile).
  void start_fetch(std::unique_lock<std::mutex>& lock);
  std::shared_ptr<State> state_;
};

}  // namespace sigv4
