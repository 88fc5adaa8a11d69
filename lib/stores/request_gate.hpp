// The requests of a multipart upload that an interrupt's cleanup must see
// ended before it undoes what they made. The upload went on while the cleanup
// aborted it: a CompleteMultipartUpload sent after the signal stored the
// object after the cleanup had removed it, an orphan (forty-eighth audit).
// Once settle() has begun, no request passes; settle() waits for those that
// passed to end. (A single PUT's body is stopped instead: SettlingPutBody.)
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace claimcheck {

class RequestGate {
 public:
  /// Held for one request's time.
  class Pass {
   public:
    ~Pass();
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    friend class RequestGate;
    explicit Pass(RequestGate& gate) : gate_(gate) {}
    RequestGate& gate_;
  };

  /// Throws once settle() has begun (the process is exiting: never shown).
  [[nodiscard]] Pass pass();

  /// On the cleanup's thread: no request passes from now on; waits until
  /// those that passed have ended, or `end`. Whether they have.
  bool settle(std::chrono::steady_clock::time_point end);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int out_ = 0;  // passes held
  bool settling_ = false;
};

}  // namespace claimcheck
