// The operation journal behind `stats`: one JSON line per offload, retrieve
// or pass-through, appended under an exclusive lock by any number of
// processes, rotated to a single `.1` file past a size bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "reference/reference.hpp"

namespace claimcheck {

struct JournalRecord {
  TimePoint time{};
  std::string op;               // "offload", "retrieve", "passthrough"
  std::uint64_t original_bytes = 0;
  std::uint64_t stored_bytes = 0;
  bool compressed = false;
  double transfer_ms = 0;       // store put/get
  double total_ms = 0;          // whole operation
  int exit_code = 0;            // 0 ok, else the documented code
  std::string key;
  /// The store the command was configured with ("s3://bucket", "file:///dir");
  /// empty in records written before it was recorded.
  std::string store;
};

class Journal {
 public:
  /// `dir` is created by the first append; reading a missing one finds no
  /// records. Records past `max_bytes` rotate.
  explicit Journal(std::string dir, std::uint64_t max_bytes = 16u << 20);
  void append(const JournalRecord& record);
  /// Oldest first; lines that fail to parse are counted, not fatal.
  void read(const std::function<void(const JournalRecord&)>& on_record,
            std::uint64_t* bad_lines = nullptr) const;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
  std::uint64_t max_bytes_;
};

}  // namespace claimcheck
