#include "scanner/inspect_checks.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "manager/manager.hpp"
#include "manager/staged_output.hpp"

namespace claimcheck::inspect {
namespace {

/// Receives the verified bytes and throws them away.
class DiscardOutput : public StagedOutput {
 public:
  void write(const char*, std::size_t) override {}
  void commit() override {}
  void abort() noexcept override {}
};

std::string yes_no(bool value) { return value ? "true" : "false"; }

}  // namespace

std::vector<std::string> metadata_problems(const Reference& ref, const ObjectInfo& object) {
  std::vector<std::string> problems;
  if (ref.stored_bytes && object.stored_size != *ref.stored_bytes)
    problems.push_back(fmt::format("stored size is {} bytes, the reference says stored_bytes {}",
                                   object.stored_size, *ref.stored_bytes));
  if (!ref.compressed && object.stored_size != ref.size_bytes)
    problems.push_back(fmt::format("stored size is {} bytes, the uncompressed reference says size_bytes {}",
                                   object.stored_size, ref.size_bytes));
  const ObjectMeta& meta = object.meta;
  if (meta.original_size && *meta.original_size != ref.size_bytes)
    problems.push_back(fmt::format("object metadata records original size {}, the reference {}",
                                   *meta.original_size, ref.size_bytes));
  if (meta.sha256 && ref.sha256 && *meta.sha256 != *ref.sha256)
    problems.push_back(fmt::format("object metadata records sha256 {}, the reference {}",
                                   *meta.sha256, *ref.sha256));
  if (meta.compressed && *meta.compressed != ref.compressed)
    problems.push_back(fmt::format("object metadata records compressed={}, the reference {}",
                                   yes_no(*meta.compressed), yes_no(ref.compressed)));
  return problems;
}

ContentCheck check_content(Store& store, const Reference& ref) {
  ContentCheck check;
  DiscardOutput discard;
  try {
    Manager manager(store, nullptr);
    RetrieveOutcome outcome = manager.retrieve(ref, discard);
    check.how = outcome.sha256_verified ? "sha256" : "size";
  } catch (const Error& e) {
    check.error = e.why();
    if (e.kind() == ErrorKind::NotFound) check.outcome = ContentCheck::Outcome::Missing;
    else if (e.kind() == ErrorKind::Integrity) check.outcome = ContentCheck::Outcome::Corrupt;
    else check.outcome = ContentCheck::Outcome::StoreError;
  }
  return check;
}

}  // namespace claimcheck::inspect
