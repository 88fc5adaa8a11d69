// gzip members through ISA-L's isal_inflate, which parses the header and
// checks the trailer's CRC-32 and length itself.
#include <isa-l/igzip_lib.h>

#include "codec/inflater.hpp"
#include "core/error.hpp"

namespace claimcheck::gzip_internal {
namespace {

const char* reason(int status) {
  switch (status) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid code";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "CRC-32 or length mismatch";
    case ISAL_NEED_DICT: return "needs a dictionary";
    default: return "bad data";
  }
}

class IsalInflater : public Inflater {
 public:
  IsalInflater() : state_(std::make_unique<inflate_state>()) { reset(); }

  void reset() override {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }

  Step inflate(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size) override {
    state_->next_in = const_cast<std::uint8_t*>(in);
    state_->avail_in = static_cast<std::uint32_t>(in_size);
    state_->next_out = out;
    state_->avail_out = static_cast<std::uint32_t>(out_size);
    const int status = isal_inflate(state_.get());
    Step step;
    step.consumed = in_size - state_->avail_in;
    step.produced = out_size - state_->avail_out;
    if (status < 0 || status == ISAL_NEED_DICT)
      integrity_failure(std::string("gzip stream is corrupt (") + reason(status) + ")");
    step.member_ended = state_->block_state == ISAL_BLOCK_FINISH;
    return step;
  }

 private:
  std::unique_ptr<inflate_state> state_;
};

}  // namespace

std::unique_ptr<Inflater> make_isal_inflater() { return std::make_unique<IsalInflater>(); }

}  // namespace claimcheck::gzip_internal
