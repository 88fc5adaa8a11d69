#include "script_server.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <stdexcept>

extern char** environ;

namespace s3test {

ScriptServer::ScriptServer(const std::vector<std::string>& argv) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  if (spawned != 0) {
    close(pipe_ends[0]);
    throw std::runtime_error("cannot run " + argv[0]);
  }
  output_fd_ = pipe_ends[0];
  if (!read_port()) {
    stop();
    throw std::runtime_error(argv[1] + " did not print its port");
  }
}

// Reads the first line byte by byte: nothing after it is consumed.
bool ScriptServer::read_port() {
  std::string line;
  char c = 0;
  while (read(output_fd_, &c, 1) == 1 && c != '\n') line += c;
  try {
    port_ = std::stoi(line);
  } catch (const std::exception&) {
    return false;
  }
  return port_ > 0;
}

void ScriptServer::stop() noexcept {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  close(output_fd_);
}

ScriptServer::~ScriptServer() { stop(); }

}  // namespace s3test
