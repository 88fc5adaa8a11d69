#include "session.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "claimcheck/error.hpp"

namespace claimcheck::cli {
namespace {

/// Statistics are secondary: an unwritable journal must not stop the work.
std::unique_ptr<Journal> open_journal(const Config& config) {
  try {
    return std::make_unique<Journal>(config.journal_dir);
  } catch (const std::exception& e) {
    if (config.verbosity > 0) std::fprintf(stderr, "claimcheck: journal disabled: %s\n", e.what());
    return nullptr;
  }
}

/// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string without_exception_tag(const std::string& message) {
  auto end = message.find("] ");
  return (message.rfind("[json.exception", 0) == 0 && end != std::string::npos)
             ? message.substr(end + 2)
             : message;
}

}  // namespace

Session::Session(const GlobalOptions& global)
    : config_(load_config_for(global)),
      store_([this] { return open_store_for(config_); }),
      journal_(open_journal(config_)),
      manager_(store_, journal_.get()) {}

std::unique_ptr<StagedOutput> open_output(const std::string& path, ByteSink& stdout_sink) {
  return path.empty() ? stage_to_stream(stdout_sink) : stage_to_file(path);
}

nlohmann::ordered_json parse_document(const std::string& text, const std::string& command,
                                      bool require_object) {
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorKind::InvalidInput, command + " --json-fields",
                "input is not JSON: " + without_exception_tag(e.what()));
  }
  if (require_object && !document.is_object())
    throw Error(ErrorKind::InvalidInput, command + " --json-fields", "input is not a JSON object");
  return document;
}

}  // namespace claimcheck::cli
