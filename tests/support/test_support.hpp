// Helpers shared by the C++ tests: a temporary directory or file removed at
// the end, whole-file reads and writes, deterministic payloads, and the
// system's gunzip as an independent check.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace claimcheck::testing {

/// A fresh directory, removed with everything in it (even read-only parts).
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cc-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Writes `content`, creating the parent directories.
inline void write_file(const std::string& path, const std::string& content) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A file removed when the object goes away.
struct TempFile {
  std::string path;
  TempFile() {
    std::string name = (std::filesystem::temp_directory_path() / "cc-test-file-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  void write(const std::string& data) const { write_file(path, data); }
  std::string read() const { return read_file(path); }
};

/// Incompressible bytes, the same for the same seed.
inline std::string random_bytes(std::size_t size, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

/// JSON-ish text with a realistic vocabulary (compresses like workflow state).
inline std::string text_bytes(std::size_t size, unsigned seed = 2) {
  static const char* const words[] = {"photo", "album", "user", "status", "ok", "pending", "id", "url",
                                      "https://example.com/img/", "width", "height", "created_at",
                                      "2026-01-09T13:24:00Z", "tags", "summer", "beach", "null", "true"};
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(size + 64);
  while (out.size() < size) {
    out += "{\"";
    out += words[rng() % std::size(words)];
    out += "\":\"";
    out += words[rng() % std::size(words)];
    out += std::to_string(rng() % 100000);
    out += "\"},\n";
  }
  out.resize(size);
  return out;
}

/// Runs the system's `gzip -dc` on `compressed`; "" plus ok=false on failure.
inline std::string system_gunzip(const std::string& compressed, bool& ok) {
  TempFile in, out;
  in.write(compressed);
  const std::string command = "gzip -dc < '" + in.path + "' > '" + out.path + "'";
  ok = std::system(command.c_str()) == 0;
  return out.read();
}

/// zlib format (RFC 1950), as the SDKs' ZlibCodec writes binary/zlib data.
inline std::string zlib_compress(const std::string& bytes, int level = 6) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uLong>(bytes.size()), level) != Z_OK)
    throw std::runtime_error("compress2 failed");
  out.resize(size);
  return out;
}

}  // namespace claimcheck::testing
