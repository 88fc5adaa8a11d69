// ThreadedSink: the next sink gets exactly the bytes in order, on another
// thread; its errors come back to the writer.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/threaded_sink.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::testing;

namespace {

/// Records what it is given and on which thread.
struct RecordingSink : ByteSink {
  std::string data;
  std::thread::id writer;
  void write(const char* bytes, std::size_t size) override {
    data.append(bytes, size);
    writer = std::this_thread::get_id();
  }
};

}  // namespace

TEST_CASE("bytes arrive complete and in order, on the sink's own thread") {
  const std::string payload = random_bytes(3'000'001, 7);
  for (const std::size_t piece : {std::size_t{1}, std::size_t{4095}, std::size_t{1} << 20, payload.size()}) {
    CAPTURE(piece);
    if (piece == 1) {
      RecordingSink next;
      ThreadedSink sink(next, 1000, 3);
      for (std::size_t i = 0; i < 20000; ++i) sink.write(payload.data() + i, 1);
      sink.close();
      CHECK(next.data == payload.substr(0, 20000));
      continue;
    }
    RecordingSink next;
    ThreadedSink sink(next, 64 * 1024, 4);
    for (std::size_t offset = 0; offset < payload.size(); offset += piece)
      sink.write(payload.data() + offset, std::min(piece, payload.size() - offset));
    sink.close();
    CHECK(next.data == payload);
    CHECK(next.writer != std::this_thread::get_id());
  }
}

TEST_CASE("the next sink's error reaches the writer at a later write or at close") {
  struct FailingSink : ByteSink {
    void write(const char*, std::size_t) override { throw Error(ErrorKind::Integrity, "verify", "sha256 mismatch"); }
  };
  {
    FailingSink next;
    ThreadedSink sink(next, 10, 2);
    sink.write("0123456789", 10);  // handed over; fails on the thread
    CHECK_THROWS_WITH_AS(sink.close(), "verify: sha256 mismatch", Error);
  }
  {
    FailingSink next;
    ThreadedSink sink(next, 10, 1);
    const std::string many(1000, 'x');
    CHECK_THROWS_WITH_AS(sink.write(many.data(), many.size()), "verify: sha256 mismatch", Error);
  }
}

TEST_CASE("destroyed without close: nothing hangs, nothing more is written") {
  RecordingSink next;
  {
    ThreadedSink sink(next, 1 << 20, 2);
    sink.write("partial", 7);  // never handed over
  }
  CHECK(next.data.empty());
}
