#include "scanner/inspect_checks.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "manager/manager.hpp"
#include "manager/staged_output.hpp"
#include "temporal/resolver.hpp"

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

/// Runs `fetch` (which returns whether a sha256 was checked) and classifies its failure.
template <typename Fetch>
ContentCheck checked(Fetch&& fetch) {
  ContentCheck check;
  try {
    check.how = fetch() ? "sha256" : "size";
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Internal) throw;  // this process's (a limit met): inspect stops, exit 1
    check.error = e.why();
    if (e.kind() == ErrorKind::NotFound) check.outcome = ContentCheck::Outcome::Missing;
    else if (e.kind() == ErrorKind::Integrity) check.outcome = ContentCheck::Outcome::Corrupt;
    else check.outcome = ContentCheck::Outcome::StoreError;
  }
  return check;
}

ContentCheck check_content(Store& store, const Reference& ref) {
  return checked([&] {
    DiscardOutput discard;
    Manager manager(store, nullptr);
    return manager.retrieve(ref, discard).sha256_verified;
  });
}

std::optional<std::string> external_size_problem(const temporal::ExternalStorageReference& ref,
                                                 const ObjectInfo& object) {
  if (!ref.size_bytes || object.stored_size == *ref.size_bytes) return std::nullopt;
  return fmt::format("stored size is {} bytes, externalPayloads.sizeBytes says {}", object.stored_size,
                     *ref.size_bytes);
}

ContentCheck check_external_content(BucketStores& buckets, const temporal::ExternalStorageReference& ref) {
  return checked([&] {
    const temporal::StoredObject object = temporal::fetch_external_object(buckets, ref);
    // A body retrieve could not deliver (not a Payload, a binary/zlib one that does not inflate) is corrupt.
    temporal::undo_external_codecs(ref, temporal::decode_external_object(ref, object.bytes));
    return object.sha256_verified;
  });
}

}  // namespace claimcheck::inspect
