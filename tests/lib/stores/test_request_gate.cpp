// RequestGate: what an interrupt's cleanup waits for before it aborts a
// multipart upload, letting no other request start meanwhile.
#include <doctest/doctest.h>

#include <chrono>
#include <future>

#include "core/error.hpp"
#include "stores/request_gate.hpp"

using namespace claimcheck;
using Clock = std::chrono::steady_clock;

TEST_CASE("with no request under way, settle returns at once, and no request passes after it") {
  RequestGate gate;
  { const RequestGate::Pass pass = gate.pass(); }
  CHECK(gate.settle(Clock::now()));
  CHECK_THROWS_AS(static_cast<void>(gate.pass()), Error);
}

TEST_CASE("settle gives up at its end while a request is under way") {
  RequestGate gate;
  const RequestGate::Pass under_way = gate.pass();
  CHECK_FALSE(gate.settle(Clock::now() + std::chrono::milliseconds(50)));
}

TEST_CASE("settle returns once the requests under way have ended") {
  RequestGate gate;
  std::promise<void> passed;
  // A request under way until settle has begun (no other pass is had then).
  auto request = std::async(std::launch::async, [&] {
    const RequestGate::Pass under_way = gate.pass();
    passed.set_value();
    while (true) {
      try {
        const RequestGate::Pass another = gate.pass();
      } catch (const Error&) {
        return;
      }
    }
  });
  passed.get_future().wait();
  CHECK(gate.settle(Clock::now() + std::chrono::seconds(30)));
  request.get();
}
