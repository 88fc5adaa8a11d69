// The compression policy and the choice of encoder.
#include "codec/codec.hpp"

#include <algorithm>
#include <thread>

#include "core/error.hpp"
#include "codec/gzip_internal.hpp"

namespace claimcheck {

namespace {
/// Counts what is written and discards it.
class CountingSink : public ByteSink {
 public:
  void write(const char*, std::size_t size) override { count_ += size; }
  std::size_t count() const { return count_; }
 private:
  std::size_t count_ = 0;
};
}  // namespace

bool gzip_pays_off(const char* prefix, std::size_t size, int level) {
  const std::size_t sample = std::min(size, kAutoPrefixBytes);
  if (sample == 0) return false;
  CountingSink counter;
  GzipEncoder encoder(counter, level);
  encoder.write(prefix, sample);
  encoder.finish();
  return gzip_saves_enough(sample, counter.count());
}

bool gzip_saves_enough(std::size_t size, std::size_t compressed_size) {
  if (size == 0) return false;
  const double saved = 1.0 - static_cast<double>(compressed_size) / static_cast<double>(size);
  return saved >= kAutoMinSavings;
}

std::unique_ptr<CompressingSink> make_gzip_encoder(ByteSink& out, int level) {
  const unsigned threads = std::thread::hardware_concurrency();
  if (threads > 1) return std::make_unique<ParallelGzipEncoder>(out, level, threads);
  return std::make_unique<GzipEncoder>(out, level);
}

}  // namespace claimcheck
