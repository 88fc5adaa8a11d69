// gc --keep-referenced: the keys still referenced from documents the user
// keeps (workflow state, Temporal history exports), gathered before listing.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/error.hpp"
#include "core/posix_file.hpp"
#include "gc_stats/gc.hpp"
#include "scanner/scanner.hpp"

namespace claimcheck {

namespace {

/// A file named on the command line that cannot be opened is a usage error,
/// as for every command; what it holds being malformed is invalid input.
/// "-" is standard input, as for the other commands' inputs.
std::string read_whole_file(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    if (std::cin.bad()) throw Error(ErrorKind::Internal, "stdin", "read failed");
    return text.str();
  }
  // A directory opens (and reads as nothing, or fails): it had been
  // "not JSON", exit 3, as if it were a document.
  if (std::error_code error; std::filesystem::is_directory(path, error))
    throw Error(ErrorKind::Usage, path, "is a directory, not a document");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw path_error(shown_path(path));
  text << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::Internal, path, "read failed");
  return text.str();
}

void add_keys_from(const std::string& path, std::unordered_set<std::string>& keys) {
  const std::string text = read_whole_file(path);
  try {
    scan_text(text, [&keys](Finding&& finding) {
      // Never guess: a reference this file may hold unseen could be deleted.
      if (finding.format == FoundFormat::Unreadable) throw Error(ErrorKind::InvalidInput, "input", *finding.error);
      if (!finding.key.empty()) keys.insert(finding.key);
      if (finding.reference) keys.insert(finding.reference->key);
    });
  } catch (const Error& e) {
    throw Error(e.kind(), path, e.why());
  }
}

}  // namespace

std::unordered_set<std::string> collect_referenced_keys(const std::vector<std::string>& files) {
  std::unordered_set<std::string> keys;
  for (const auto& path : files) add_keys_from(path, keys);
  return keys;
}

}  // namespace claimcheck
