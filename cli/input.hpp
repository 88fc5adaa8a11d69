// The command's input: a file named on the command line, or stdin for "-".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/stream.hpp"

namespace claimcheck::cli {

/// An argument that starts like JSON ('{', or '"' for a reference written
/// as a JSON string) is a reference given inline, for retrieve and inspect
/// alike; anything else names a file ('-': stdin).
inline bool is_inline_json(const std::string& arg) { return arg.starts_with('{') || arg.starts_with('"'); }

class Input {
 public:
  /// "-" is stdin. Throws Error(Usage) when the file cannot be opened (a
  /// named path that does not work), Error(Internal) when the system fails.
  explicit Input(const std::string& path);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  ByteSource& source() { return *source_; }
  /// Size of a regular file, else 0 (unknown): only for progress.
  std::uint64_t size_hint() const { return size_hint_; }
  /// Everything left, in memory (documents for --json-fields).
  std::string read_all();

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::uint64_t size_hint_ = 0;
  std::unique_ptr<FdSource> source_;
};

}  // namespace claimcheck::cli
