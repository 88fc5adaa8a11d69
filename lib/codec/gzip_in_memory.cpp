// gzip of a payload held wholly in memory: cut into one part per hardware
// thread, each deflated straight from the payload (no copy) with the 32 KiB
// before it as dictionary and ended on a byte boundary, as
// ParallelGzipEncoder does for a stream; the parts join into one member.
// The calling thread deflates the first part itself.
#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

#include "codec/codec.hpp"
#include "codec/deflater.hpp"
#include "codec/gzip_internal.hpp"

namespace claimcheck {

using namespace gzip_internal;

namespace {

/// Below this a part costs a thread more than it saves; no part is smaller,
/// so the ratio stays within a fraction of a percent of one stream.
constexpr std::size_t kMinPart = 128u << 10;

struct Part {
  std::string_view input;
  std::string_view dictionary;  // the 32 KiB before `input`
  bool last = false;
  StringSink output;
  std::uint32_t crc = 0;
  std::exception_ptr error;
};

void deflate_part(Part& part, int level) noexcept {
  try {
    part.crc = crc32_update(0, part.input.data(), part.input.size());
    // Text deflates to about a third; reserving (address space, not pages)
    // spares the copies of a growing string.
    part.output.reserve(part.input.size() / 2 + 4096);  // no-op for the first part
    const std::unique_ptr<Deflater> deflater = make_deflater(level);
    deflater->set_dictionary(part.dictionary);
    deflater->deflate(part.input.data(), part.input.size(),
                      part.last ? Deflater::Flush::Finish : Deflater::Flush::Sync, part.output);
  } catch (...) {
    part.error = std::current_exception();
  }
}

}  // namespace

std::string gzip_in_memory(std::string_view payload, int level) {
  check_level(level);
  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t count = std::clamp<std::size_t>(payload.size() / kMinPart, 1, threads);
  const std::size_t step = (payload.size() + count - 1) / count;
  std::vector<Part> parts(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t start = std::min(payload.size(), i * step);
    const std::size_t window = std::min(start, kWindowSize);
    parts[i].input = payload.substr(start, std::min(step, payload.size() - start));
    parts[i].dictionary = payload.substr(start - window, window);
    parts[i].last = i + 1 == count;
  }
  // The first part's output becomes the result: room for all the parts.
  const std::string header = gzip_header(level);
  parts[0].output.reserve(header.size() + payload.size() / 2 + 4096 * count);
  parts[0].output.write(header.data(), header.size());
  std::vector<std::thread> helpers;
  for (std::size_t i = 1; i < count; ++i) {
    try {
      helpers.emplace_back(deflate_part, std::ref(parts[i]), level);
    } catch (const std::system_error&) {
      deflate_part(parts[i], level);  // no thread to be had (a thread limit): this one does it
    }
  }
  deflate_part(parts[0], level);
  for (std::thread& helper : helpers) helper.join();

  std::string out = parts[0].output.take();
  std::uint32_t crc = parts[0].crc;
  for (const Part& part : parts) {
    if (part.error) std::rethrow_exception(part.error);
    if (&part == &parts[0]) continue;
    out += part.output.data();
    crc = crc32_concat(crc, part.crc, part.input.size());
  }
  out += gzip_trailer(crc, payload.size());
  return out;
}

}  // namespace claimcheck
