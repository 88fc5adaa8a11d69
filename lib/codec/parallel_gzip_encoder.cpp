// Parallel gzip in the way pigz does it: the input is cut into blocks, each
// block is raw-deflated (by the level's engine, deflater.hpp) on a worker
// thread with the previous 32 KiB as preset
// dictionary (so matches may reach back across the cut, keeping the ratio of
// a single stream), and ends on a byte boundary (Z_SYNC_FLUSH) so the blocks'
// outputs concatenate into one deflate stream; the last block ends it with
// Z_FINISH. This thread writes the gzip header, the blocks in order, and the
// trailer (CRC-32 combined from the blocks' CRCs, and ISIZE).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "codec/codec.hpp"
#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"
#include "core/error.hpp"

namespace claimcheck {

using namespace gzip_internal;

namespace {

struct Block {
  std::string input;
  std::string dictionary;  // up to the 32 KiB that precede `input`
  bool last = false;
  // Filled in by the worker:
  std::size_t input_size = 0;
  StringSink output;
  std::uint32_t crc = 0;
  std::exception_ptr error;
  bool done = false;
};

/// Deflates the block with `deflater` (the worker's own, reset here), ending
/// byte-aligned (sync flush) so the blocks concatenate into one deflate
/// stream, or, for the last block, with the final deflate block.
void compress_block(Block& block, Deflater& deflater) {
  block.input_size = block.input.size();
  block.crc = crc32_update(0, block.input.data(), block.input.size());
  deflater.reset();
  deflater.set_dictionary(block.dictionary);
  block.output.reserve(block.input.size() / 2 + 4096);  // text deflates to about a third
  deflater.deflate(block.input.data(), block.input.size(),
                   block.last ? Deflater::Flush::Finish : Deflater::Flush::Sync, block.output);
  block.input = std::string();  // release memory before the writer gets to it
  block.dictionary = std::string();
}

}  // namespace

struct ParallelGzipEncoder::State {
  ByteSink& out;
  int level;
  std::size_t block_size;
  std::size_t max_in_flight;

  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable block_done;
  std::deque<std::shared_ptr<Block>> waiting;    // not yet picked by a worker
  std::deque<std::shared_ptr<Block>> in_flight;  // submitted, not yet written, in order
  bool stopping = false;
  std::vector<std::thread> workers;

  std::string current;  // the block being filled
  std::string window;   // the last 32 KiB before `current`
  std::uint32_t crc = 0;
  std::uint64_t total_in = 0;
  bool header_written = false;
  bool finished = false;

  State(ByteSink& sink, int compression_level, unsigned threads, std::size_t size)
      : out(sink), level(compression_level), block_size(size), max_in_flight(2 * threads) {
    current.reserve(block_size);
    try {
      for (unsigned i = 0; i < threads; ++i) workers.emplace_back([this] { work(); });
    } catch (...) {  // a thread limit: a joinable thread unwound would end the program
      stop_workers();
      throw;
    }
  }

  ~State() { stop_workers(); }

  void stop_workers() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    work_ready.notify_all();
    for (std::thread& worker : workers) worker.join();
    workers.clear();
  }

  void work() {
    std::unique_ptr<Deflater> deflater;  // made on first use, reused for every block
    for (;;) {
      std::shared_ptr<Block> block;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return stopping || !waiting.empty(); });
        if (stopping) return;
        block = std::move(waiting.front());
        waiting.pop_front();
      }
      try {
        if (!deflater) deflater = make_deflater(level);
        compress_block(*block, *deflater);
      } catch (...) {
        block->error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex);
        block->done = true;
      }
      block_done.notify_all();
    }
  }

  /// Hands the filled block to the workers, after waiting (and writing out)
  /// until fewer than max_in_flight blocks are outstanding.
  void submit(bool last) {
    auto block = std::make_shared<Block>();
    block->dictionary = window;
    block->last = last;
    slide_window();
    block->input = std::move(current);
    current = std::string();
    if (!last) current.reserve(block_size);
    write_completed(max_in_flight - 1);
    {
      std::lock_guard lock(mutex);
      waiting.push_back(block);
      in_flight.push_back(std::move(block));
    }
    work_ready.notify_one();
    write_completed(max_in_flight);
  }

  void slide_window() {
    if (current.size() >= kWindowSize) {
      window.assign(current, current.size() - kWindowSize, kWindowSize);
      return;
    }
    window += current;
    if (window.size() > kWindowSize) window.erase(0, window.size() - kWindowSize);
  }

  /// Writes finished blocks in order; blocks (waits) while more than `keep`
  /// blocks are outstanding.
  void write_completed(std::size_t keep) {
    for (;;) {
      std::shared_ptr<Block> block;
      {
        std::unique_lock lock(mutex);
        if (in_flight.empty()) return;
        if (!in_flight.front()->done) {
          if (in_flight.size() <= keep) return;
          block_done.wait(lock, [&] { return in_flight.front()->done; });
        }
        block = std::move(in_flight.front());
        in_flight.pop_front();
      }
      write_block(*block);
    }
  }

  void write_block(const Block& block) {
    if (block.error) std::rethrow_exception(block.error);
    if (!header_written) {
      const std::string header = gzip_header(level);
      out.write(header.data(), header.size());
      header_written = true;
    }
    out.write(block.output.data().data(), block.output.data().size());
    crc = crc32_concat(crc, block.crc, block.input_size);
  }
};

ParallelGzipEncoder::ParallelGzipEncoder(ByteSink& out, int level, unsigned threads, std::size_t block_size) {
  check_level(level);
  if (block_size == 0 || block_size > kMaxChunk)
    throw Error(ErrorKind::Usage, "invalid gzip block size", fmt::format("{} is not in 1..{}", block_size, kMaxChunk));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  state_ = std::make_unique<State>(out, level, threads, block_size);
}

ParallelGzipEncoder::~ParallelGzipEncoder() = default;

void ParallelGzipEncoder::write(const char* data, std::size_t size) {
  State& s = *state_;
  if (s.finished) throw Error(ErrorKind::Internal, "gzip", "write after finish");
  s.total_in += size;
  while (size > 0) {
    const std::size_t take = std::min(size, s.block_size - s.current.size());
    s.current.append(data, take);
    data += take;
    size -= take;
    if (s.current.size() == s.block_size) s.submit(false);
  }
}

void ParallelGzipEncoder::finish() {
  State& s = *state_;
  if (s.finished) throw Error(ErrorKind::Internal, "gzip", "finish called twice");
  s.finished = true;
  s.submit(true);
  s.write_completed(0);
  const std::string trailer = gzip_trailer(s.crc, s.total_in);
  s.out.write(trailer.data(), trailer.size());
}

}  // namespace claimcheck
