// Runs a helper server script (fake S3, fault proxy) for one test program:
// started with its arguments, its port read from its first output line,
// stopped with SIGTERM when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace s3test {

class ScriptServer {
 public:
  /// Throws std::runtime_error when the script does not print a port.
  explicit ScriptServer(const std::vector<std::string>& argv);
  ~ScriptServer();
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  int port() const { return port_; }

 private:
  bool read_port();
  void stop() noexcept;

  pid_t pid_ = -1;
  int port_ = 0;
  int output_fd_ = -1;  // kept open: a script that prints more must not get EPIPE
};

}  // namespace s3test
