// RefreshingCredentials: first fetch on first use, a refresh once less than
// 5 minutes are left (on a thread of its own, while every caller signs on),
// one refresh however many threads ask at once, the old credentials kept
// while a refresh fails and they still work, and said so at any verbosity.
#include <doctest/doctest.h>
#include <algorithm>

#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "sigv4/credential_providers.hpp"
#include "sigv4/credentials.hpp"

using namespace sigv4;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct ManualClock {
  TimePoint now = TimePoint(std::chrono::hours(24 * 365 * 56));
  Clock function() {
    return [this] { return now; };
  }
};

// Hands out "KEY1", "KEY2", ... valid for `lifetime` from the manual clock;
// fails while `failing` is set.
class CountingProvider final : public CredentialsProvider {
 public:
  CountingProvider(ManualClock& clock, std::chrono::seconds lifetime) : clock_(clock), lifetime_(lifetime) {}
  std::string name() const override { return "counting"; }
  TimedCredentials fetch() override {
    const int number = ++fetches;
    if (failing) throw CredentialsError(CredentialsError::Cause::Provider, "counting", "failing as asked");
    return {{"KEY" + std::to_string(number), "secret", "token"}, clock_.now + lifetime_};
  }
  std::atomic<int> fetches{0};
  std::atomic<bool> failing{false};

 private:
  ManualClock& clock_;
  std::chrono::seconds lifetime_;
};

// The provider and the refresher over it, with the trace and the warnings
// collected (a refresh's thread adds to them: read after wait_for_refresh).
struct Refresher {
  ManualClock clock;
  std::shared_ptr<CountingProvider> provider = std::make_shared<CountingProvider>(clock, std::chrono::seconds(3600));
  std::vector<std::string> trace;
  std::vector<std::string> warnings;
  RefreshingCredentials credentials{provider,
                                    {.trace = [this](std::string_view line) { trace.emplace_back(line); },
                                     .notify = [this](std::string_view line) { warnings.emplace_back(line); }},
                                    clock.function()};

  // The refresh that starts 4 minutes before the current set expires fails;
  // returns the key the caller that started it signed with.
  std::string fail_a_refresh();
};

std::string key_of(RefreshingCredentials& credentials) {
  return credentials.signer()->credentials().access_key_id;
}

std::string Refresher::fail_a_refresh() {
  provider->failing = true;
  clock.now += 3600s - 4min;
  std::string key = key_of(credentials);
  credentials.wait_for_refresh();
  return key;
}

}  // namespace

TEST_CASE("credentials are fetched on first use and refreshed only inside the 5-minute margin") {
  Refresher refresher;
  auto& [clock, provider, trace, warnings, credentials] = refresher;
  CHECK(provider->fetches == 0);  // nothing before the first request
  CHECK(key_of(credentials) == "KEY1");
  clock.now += 3600s - 5min - 1s;  // 5 min 1 s left
  CHECK(key_of(credentials) == "KEY1");
  clock.now += 2s;  // 4 min 59 s left: the refresh starts, and this caller signs on with KEY1
  CHECK(key_of(credentials) == "KEY1");
  credentials.wait_for_refresh();
  CHECK(key_of(credentials) == "KEY2");
  CHECK(key_of(credentials) == "KEY2");
  CHECK(provider->fetches == 2);
  CHECK(warnings.empty());
  REQUIRE(trace.size() == 2);
  CHECK(trace[0].starts_with("credentials: fetched from counting, valid until "));
  CHECK(trace[1].starts_with("credentials: refreshed from counting, valid until "));
}

TEST_CASE("credentials that arrive inside the margin are fetched again at most every 10 s, and at once when expired") {
  // A container agent handing out credentials with 2 s left: they had signed
  // an upload's parts for 10 s, 8 of them after they expired.
  ManualClock clock;
  auto provider = std::make_shared<CountingProvider>(clock, std::chrono::seconds(30));
  RefreshingCredentials credentials(provider, {}, clock.function());
  CHECK(key_of(credentials) == "KEY1");
  clock.now += 5s;
  CHECK(key_of(credentials) == "KEY1");  // 25 s left: inside the margin, but fetched 5 s ago
  clock.now += RefreshingCredentials::kRetryAfterFailure;
  CHECK(key_of(credentials) == "KEY1");  // 10 s after the last fetch: a refresh starts
  credentials.wait_for_refresh();
  CHECK(key_of(credentials) == "KEY2");
  clock.now += 30s;  // KEY2 has expired
  CHECK(key_of(credentials) == "KEY3");
  auto short_lived = std::make_shared<CountingProvider>(clock, std::chrono::seconds(2));
  RefreshingCredentials brief(short_lived, {}, clock.function());
  CHECK(key_of(brief) == "KEY1");
  clock.now += 2s;  // expired, though fetched only 2 s ago
  CHECK(key_of(brief) == "KEY2");
  CHECK(short_lived->fetches == 2);
  short_lived->failing = true;
  clock.now += 2s;  // expired again, and the provider fails: no signer with the expired KEY2
  CHECK_THROWS_AS(brief.signer(), CredentialsError);
}

TEST_CASE("static credentials are fetched once and never refreshed") {
  ManualClock clock;
  int asked = 0;
  struct Static final : CredentialsProvider {
    int* asked;
    std::string name() const override { return "static"; }
    TimedCredentials fetch() override {
      ++*asked;
      return {{"AKID", "secret", ""}, std::nullopt};
    }
  };
  auto provider = std::make_shared<Static>();
  provider->asked = &asked;
  RefreshingCredentials credentials(provider, {}, clock.function());
  for (int i = 0; i < 5; ++i) {
    CHECK(key_of(credentials) == "AKID");
    clock.now += std::chrono::hours(24 * 365);
  }
  CHECK(asked == 1);
}

TEST_CASE("threads that find the credentials due at the same moment cause one refresh, and all of them sign on") {
  // A refresh (inside the 5-minute margin, the current credentials still
  // valid) held every caller for as long as the provider took: a
  // credential_process that hung for 25 s held every serve request 25 s.
  // Then it held the caller that made it: a hung one cost that serve
  // request 60 s and a 503, its credentials valid for 50 s more.
  constexpr int kThreads = 8;
  ManualClock clock;
  std::mutex mutex;
  std::condition_variable changed;
  int returned = 0;  // callers that have their signer
  class GatedProvider final : public CredentialsProvider {
   public:
    GatedProvider(ManualClock& clock, std::mutex& mutex, std::condition_variable& changed, int& returned)
        : clock_(clock), mutex_(mutex), changed_(changed), returned_(returned) {}
    std::string name() const override { return "gated"; }
    TimedCredentials fetch() override {
      const int number = ++fetches;
      if (number > 1) {  // the refresh: waits until every caller has signed, at most 10 s
        std::unique_lock lock(mutex_);
        others_went_on = changed_.wait_for(lock, 10s, [&] { return returned_ == kThreads; });
      }
      return {{"KEY" + std::to_string(number), "secret", "token"}, clock_.now + 3600s};
    }
    std::atomic<int> fetches{0};
    bool others_went_on = false;

   private:
    ManualClock& clock_;
    std::mutex& mutex_;
    std::condition_variable& changed_;
    int& returned_;
  };
  auto provider = std::make_shared<GatedProvider>(clock, mutex, changed, returned);
  RefreshingCredentials credentials(provider, {}, clock.function());
  REQUIRE(key_of(credentials) == "KEY1");
  clock.now += 3600s - 1min;  // due, and valid for a minute more
  std::vector<std::string> keys(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      keys[i] = key_of(credentials);
      std::lock_guard lock(mutex);
      ++returned;
      changed.notify_all();
    });
  for (auto& thread : threads) thread.join();
  credentials.wait_for_refresh();
  CHECK(provider->fetches == 2);
  CHECK(provider->others_went_on);
  CHECK(std::count(keys.begin(), keys.end(), "KEY1") == kThreads);
  CHECK(key_of(credentials) == "KEY2");
  CHECK(provider->fetches == 2);
}

TEST_CASE("callers that find nothing valid while a refresh is under way wait for it, and fetch no more") {
  ManualClock clock;
  std::latch refresh_started(1);
  std::latch release(1);
  class SlowProvider final : public CredentialsProvider {
   public:
    SlowProvider(ManualClock& clock, std::latch& started, std::latch& release)
        : clock_(clock), started_(started), release_(release) {}
    std::string name() const override { return "slow"; }
    TimedCredentials fetch() override {
      const int number = ++fetches;
      if (number == 2) {
        started_.count_down();
        release_.wait();
      }
      return {{"KEY" + std::to_string(number), "secret", "token"}, clock_.now + 3600s};
    }
    std::atomic<int> fetches{0};

   private:
    ManualClock& clock_;
    std::latch& started_;
    std::latch& release_;
  };
  auto provider = std::make_shared<SlowProvider>(clock, refresh_started, release);
  RefreshingCredentials credentials(provider, {}, clock.function());
  const auto first = credentials.signer();
  clock.now += 3600s - 1min;
  CHECK(key_of(credentials) == "KEY1");  // the refresh starts
  refresh_started.wait();
  credentials.expired(*first);  // the server calls the current ones expired meanwhile
  std::string waiter_key;
  std::thread waiter([&] { waiter_key = key_of(credentials); });
  release.count_down();
  waiter.join();
  CHECK(waiter_key == "KEY2");
  CHECK(provider->fetches == 2);
}

TEST_CASE("a failed refresh keeps credentials that still work, and fails once they have expired") {
  Refresher refresher;
  auto& [clock, provider, trace, warnings, credentials] = refresher;
  REQUIRE(key_of(credentials) == "KEY1");
  CHECK(refresher.fail_a_refresh() == "KEY1");  // 4 minutes left
  CHECK(provider->fetches == 2);
  // A warning at any verbosity: the line before an outage.
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with("warning: credentials: refreshing from counting failed (failing as asked); the "
                                "current ones are valid until "));
  CHECK(warnings[0].ends_with(", tried again in 10 s"));
  clock.now += RefreshingCredentials::kRetryAfterFailure - 1s;
  CHECK(key_of(credentials) == "KEY1");
  CHECK(provider->fetches == 2);  // not tried again so soon
  clock.now += 4min;  // expired now
  CHECK_THROWS_AS(credentials.signer(), CredentialsError);
  provider->failing = false;
  clock.now += RefreshingCredentials::kRetryAfterFailure;
  CHECK(key_of(credentials) == "KEY4");
}

TEST_CASE("a failed fetch with nothing to fall back on is the answer for a while, to every caller") {
  Refresher refresher;
  auto& [clock, provider, trace, warnings, credentials] = refresher;
  provider->failing = true;
  CHECK_THROWS_WITH_AS(credentials.signer(), "counting: failing as asked", CredentialsError);
  provider->failing = false;  // the provider is back, but the error stands for a while
  clock.now += RefreshingCredentials::kRetryAfterFailure - 1s;
  CHECK_THROWS_WITH_AS(credentials.signer(), "counting: failing as asked", CredentialsError);
  CHECK(provider->fetches == 1);
  clock.now += 1s;
  CHECK(key_of(credentials) == "KEY2");
  CHECK(provider->fetches == 2);
}

TEST_CASE("threads that waited for a fetch that failed share its error instead of fetching in turn") {
  // A hanging container agent costs its timeout once: before, each waiting
  // request ran its own full fetch after the one before it failed.
  constexpr int kThreads = 8;
  ManualClock clock;
  std::latch all_asked(kThreads);
  class FailingProvider final : public CredentialsProvider {
   public:
    explicit FailingProvider(std::latch& gate) : gate_(gate) {}
    std::string name() const override { return "hanging"; }
    TimedCredentials fetch() override {
      ++fetches;
      gate_.wait();  // every thread has asked by the time this fetch gives up
      throw CredentialsError(CredentialsError::Cause::Provider, "hanging", "timed out");
    }
    std::atomic<int> fetches{0};

   private:
    std::latch& gate_;
  };
  auto provider = std::make_shared<FailingProvider>(all_asked);
  RefreshingCredentials credentials(provider, {}, clock.function());
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      all_asked.count_down();
      try {
        credentials.signer();
      } catch (const CredentialsError&) {
        ++failed;
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(failed == kThreads);
  CHECK(provider->fetches == 1);
}

TEST_CASE("a provider's already expired credentials are an error naming the provider") {
  ManualClock clock;
  auto provider = std::make_shared<CountingProvider>(clock, 0s);
  RefreshingCredentials credentials(provider, {}, clock.function());
  try {
    credentials.signer();
    FAIL("expired credentials were accepted");
  } catch (const CredentialsError& error) {
    CHECK(error.provider() == "counting");
    CHECK(error.reason().starts_with("it gave credentials that expired at "));
    CHECK(error.cause() == CredentialsError::Cause::Provider);
  }
}

TEST_CASE("the server calling a session token expired causes one new fetch, not one per reporter") {
  ManualClock clock;
  auto provider = std::make_shared<CountingProvider>(clock, 3600s);
  RefreshingCredentials credentials(provider, {}, clock.function());
  const auto first = credentials.signer();
  credentials.expired(*first);
  const auto second = credentials.signer();
  CHECK(second->credentials().access_key_id == "KEY2");
  credentials.expired(*first);  // a late report about the old credentials
  CHECK(key_of(credentials) == "KEY2");
  CHECK(provider->fetches == 2);
}

TEST_CASE("static_provider hands back what it was given, without expiry") {
  auto provider = static_provider({"AKID", "secret", "token"}, "env AWS_ACCESS_KEY_ID");
  CHECK(provider->name() == "env AWS_ACCESS_KEY_ID");
  const TimedCredentials timed = provider->fetch();
  CHECK(timed.credentials.session_token == "token");
  CHECK_FALSE(timed.expiration);
}

TEST_CASE("a fetch that succeeds after failing says so at any verbosity, counting every failure") {
  Refresher refresher;
  auto& [clock, provider, trace, warnings, credentials] = refresher;
  REQUIRE(key_of(credentials) == "KEY1");
  refresher.fail_a_refresh();
  clock.now += RefreshingCredentials::kRetryAfterFailure;
  key_of(credentials);
  credentials.wait_for_refresh();
  provider->failing = false;
  clock.now += RefreshingCredentials::kRetryAfterFailure;
  CHECK(key_of(credentials) == "KEY1");
  credentials.wait_for_refresh();
  CHECK(key_of(credentials) == "KEY4");
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[2].starts_with("credentials: refreshed from counting after 2 failed attempts, valid until "));
  CHECK(trace.size() == 1);  // the fetch; the recovery is not said twice at -vv
  // Failures after expiry count too: they are the outage.
  refresher.fail_a_refresh();  // 1: a refresh, the current ones valid
  clock.now += 5min;
  CHECK_THROWS_AS(credentials.signer(), CredentialsError);  // 2: expired
  provider->failing = false;
  clock.now += RefreshingCredentials::kRetryAfterFailure;
  CHECK(key_of(credentials) == "KEY7");
  CHECK(warnings.back().starts_with("credentials: refreshed from counting after 2 failed attempts"));
}

TEST_CASE("a refresh still under way when the credentials are destroyed is abandoned, not waited for") {
  // A command that had its result waited up to 60 s for a credential_process
  // that hung, then warned that it would try again in 10 s.
  struct Gate {
    std::latch started{1}, release{1}, finished{1};
  };
  auto gate = std::make_shared<Gate>();
  class HangingProvider final : public CredentialsProvider {
   public:
    explicit HangingProvider(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
    std::string name() const override { return "hanging"; }
    TimedCredentials fetch() override {
      if (++fetches_ == 2) {
        gate_->started.count_down();
        gate_->release.wait();
        gate_->finished.count_down();
        throw CredentialsError(CredentialsError::Cause::Provider, "hanging", "ended");
      }
      return {{"KEY", "secret", "token"}, TimePoint(std::chrono::hours(24 * 365 * 56)) + 3600s};
    }

   private:
    std::shared_ptr<Gate> gate_;
    int fetches_ = 0;
  };
  ManualClock clock;
  auto said = std::make_shared<std::vector<std::string>>();
  {
    RefreshingCredentials credentials(std::make_shared<HangingProvider>(gate),
                                      {.notify = [said](std::string_view line) { said->emplace_back(line); }},
                                      clock.function());
    REQUIRE(key_of(credentials) == "KEY");
    clock.now += 3600s - 1min;
    CHECK(key_of(credentials) == "KEY");  // the refresh starts, and hangs
    gate->started.wait();
  }  // returns while the provider hangs
  gate->release.count_down();
  gate->finished.wait();
  CHECK(said->empty());
}

TEST_CASE("a fetch at this process's own limit is made once more after the idle connections are released") {
  // serve at its connection cap: the store's idle connections held the
  // descriptors a credential_process needed for its pipe.
  ManualClock clock;
  class AtLimitOnce final : public CredentialsProvider {
   public:
    std::string name() const override { return "at the limit"; }
    TimedCredentials fetch() override {
      if (++fetches == 1)
        throw CredentialsError(CredentialsError::Cause::LocalLimit, "at the limit", "no pipe could be opened");
      return {{"KEY", "secret", ""}, std::nullopt};
    }
    std::atomic<int> fetches{0};
  };
  auto provider = std::make_shared<AtLimitOnce>();
  int released = 0;
  RefreshingCredentials credentials(provider, {.release_idle = [&] { ++released; }}, clock.function());
  CHECK(key_of(credentials) == "KEY");
  CHECK(released == 1);
  CHECK(provider->fetches == 2);
  // Without anything to release, the limit is the answer.
  auto again = std::make_shared<AtLimitOnce>();
  RefreshingCredentials nothing_to_release(again, {}, clock.function());
  CHECK_THROWS_WITH_AS(nothing_to_release.signer(), "at the limit: no pipe could be opened", CredentialsError);
}

TEST_CASE("a fetch that callers wait for is said once when it takes long") {
  // serve said nothing while a first fetch hung: every request waited up to
  // the provider's bound (60 s for a credential_process) with no line.
  auto gate = std::make_shared<std::latch>(1);
  class SlowProvider final : public CredentialsProvider {
   public:
    explicit SlowProvider(std::shared_ptr<std::latch> gate) : gate_(std::move(gate)) {}
    std::string name() const override { return "slow"; }
    TimedCredentials fetch() override {
      gate_->wait();
      return {{"KEY", "secret", ""}, std::nullopt};
    }

   private:
    std::shared_ptr<std::latch> gate_;
  };
  ManualClock clock;
  std::mutex mutex;
  std::condition_variable said_one;
  std::vector<std::string> said;
  RefreshingCredentials credentials(std::make_shared<SlowProvider>(gate),
                                    {.notify =
                                         [&](std::string_view line) {
                                           std::lock_guard lock(mutex);
                                           said.emplace_back(line);
                                           said_one.notify_all();
                                         },
                                     .say_waiting_after = 20ms},
                                    clock.function());
  std::vector<std::thread> callers;
  std::vector<std::string> keys(3);
  for (int i = 0; i < 3; ++i) callers.emplace_back([&, i] { keys[i] = key_of(credentials); });
  {
    std::unique_lock lock(mutex);
    REQUIRE(said_one.wait_for(lock, 10s, [&] { return !said.empty(); }));
  }
  gate->count_down();
  for (auto& caller : callers) caller.join();
  CHECK(keys == std::vector<std::string>(3, "KEY"));
  REQUIRE(said.size() == 1);  // once, not once per caller or per interval
  CHECK(said[0] == "warning: credentials: still waiting for slow after 1 s; what needs credentials waits for it");
  CHECK(credentials.fetches() == 1);
}
