// Helpers shared by the core tests: deterministic payloads and external gzip.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <unistd.h>

namespace core_test {

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

/// A file removed when the object goes away.
struct TempFile {
  std::string path;
  TempFile() {
    char name[] = "/tmp/claimcheck-core-test-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd >= 0) ::close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
  void write(const std::string& data) const { std::ofstream(path, std::ios::binary) << data; }
  std::string read() const {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

/// Runs the system's `gzip -dc` on `compressed`; "" plus ok=false on failure.
inline std::string system_gunzip(const std::string& compressed, bool& ok) {
  TempFile in, out;
  in.write(compressed);
  const std::string command = "gzip -dc < '" + in.path + "' > '" + out.path + "'";
  ok = std::system(command.c_str()) == 0;
  return out.read();
}

}  // namespace core_test
