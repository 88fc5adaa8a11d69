// Interim: the local store lands in the next commit.
#include "claimcheck/local_store.hpp"

#include "claimcheck/error.hpp"

namespace claimcheck {

std::string default_local_store_dir() { return {}; }

std::unique_ptr<Store> make_local_store(const std::string& base_dir) {
  throw Error(ErrorKind::Internal, "file://" + base_dir, "the local store is not built yet");
}

}  // namespace claimcheck
