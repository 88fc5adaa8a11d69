// Output that becomes final only after verification: retrieve writes here,
// checks size and sha256, then commits. Abort leaves nothing behind.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/stream.hpp"

namespace claimcheck {

class StagedOutput : public ByteSink {
 public:
  /// Makes everything written final (rename into place, or copy the spool to
  /// the destination stream).
  virtual void commit() = 0;
  /// Discards everything written; never throws. Also done by the destructor
  /// when commit() was not called.
  virtual void abort() noexcept = 0;
};

/// `path` appears only complete: temp file in the same directory, fsync,
/// rename. Existing `path` is replaced only on commit; a symbolic link is
/// followed and the file it leads to replaced. A character device
/// (/dev/null), a named pipe, or the file our stdout or stderr already is
/// (/dev/stdout) is written to instead, on commit. Commit publishes the
/// command's result (core/cleanup.hpp).
std::unique_ptr<StagedOutput> stage_to_file(const std::string& path);

/// The memory a command's output spools in before its temp file.
constexpr std::size_t kOutputSpoolMemory = 8u << 20;

/// Spools in memory up to `memory_limit`, then in an unlinked temp file
/// ($TMPDIR), and copies to `destination` on commit: a buffer inside a
/// command (a payload being restored into a document).
std::unique_ptr<StagedOutput> stage_to_stream(ByteSink& destination,
                                              std::size_t memory_limit = kOutputSpoolMemory);

/// The same for the command's own output (stdout): its commit also
/// publishes the result (core/cleanup.hpp), as stage_to_file's does.
std::unique_ptr<StagedOutput> stage_to_output_stream(ByteSink& destination);

}  // namespace claimcheck
