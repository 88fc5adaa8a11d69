// --json-fields: large values of a JSON document go to the store and are
// replaced in place by their reference; restore does the reverse for every
// reference anywhere. Values that are not offloaded are never touched, so
// they serialise exactly as before.
#include "claimcheck/json_fields.hpp"

#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "claimcheck/error.hpp"
#include "claimcheck/reference.hpp"
#include "claimcheck/staged_output.hpp"

namespace claimcheck {
namespace {

using Json = nlohmann::ordered_json;

bool is_reference(const Json& value) {
  return value.is_object() && value.contains("_type") && value["_type"] == "claim_check_ref";
}

class FieldOffloader {
 public:
  FieldOffloader(Manager& manager, const OffloadOptions& options)
      : manager_(manager), options_(options) {
    if (options_.content_type.empty()) options_.content_type = "application/json";
  }

  /// Members of `object`; objects above the last level are descended into
  /// instead of being offloaded whole.
  void visit_members(Json& object, int levels) {
    for (auto& [name, value] : object.items()) {
      if (value.is_object() && levels > 1 && !is_reference(value))
        visit_members(value, levels - 1);
      else
        consider(value);
    }
  }

  /// The Go runner also offloads the top-level fields of `data` and `context`.
  void visit_document(Json& document, int depth) {
    for (auto& [name, value] : document.items()) {
      bool state_section = (name == "data" || name == "context") && value.is_object();
      if (state_section && !is_reference(value))
        visit_members(value, depth);
      else if (value.is_object() && depth > 1 && !is_reference(value))
        visit_members(value, depth - 1);
      else
        consider(value);
    }
  }

  FieldOffloadResult result() const { return result_; }

 private:
  void consider(Json& value) {
    if (is_reference(value)) {
      ++result_.kept;
      return;
    }
    std::string compact = value.dump();
    if (compact.size() < options_.threshold) {
      ++result_.kept;
      return;
    }
    value = to_json_value(manager_.offload(compact, options_));
    ++result_.offloaded;
  }

  Manager& manager_;
  OffloadOptions options_;
  FieldOffloadResult result_;
};

struct Found {
  Json* value;
  Reference reference;
};

void collect_references(Json& value, std::vector<Found>& found) {
  if (value.is_object()) {
    if (auto ref = reference_from_json(value)) {
      found.push_back({&value, std::move(*ref)});
      return;
    }
    for (auto& member : value) collect_references(member, found);
  } else if (value.is_array()) {
    for (auto& element : value) collect_references(element, found);
  }
}

std::string fetch_payload(Manager& manager, const Reference& ref) {
  StringSink payload;
  auto staged = stage_to_stream(payload, 64u << 20);
  manager.retrieve(ref, *staged);
  return payload.take();
}

/// Fetches every reference, `concurrency` at a time; the first failure stops
/// the others from starting new fetches and is rethrown.
std::vector<std::string> fetch_all(Manager& manager, const std::vector<Found>& found,
                                   int concurrency) {
  std::vector<std::string> payloads(found.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t i; !failed && (i = next++) < found.size();) {
      try {
        payloads[i] = fetch_payload(manager, found[i].reference);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::size_t threads = std::min<std::size_t>(found.size(), std::max(concurrency, 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (first_error) std::rethrow_exception(first_error);
  return payloads;
}

/// A payload that parses as JSON goes back as JSON, anything else as a string.
Json payload_value(const std::string& payload) {
  Json parsed = Json::parse(payload, nullptr, false);
  return parsed.is_discarded() ? Json(payload) : parsed;
}

}  // namespace

FieldOffloadResult offload_fields(nlohmann::ordered_json& document, Manager& manager,
                                  const OffloadOptions& options, int depth) {
  if (!document.is_object() || !options.enabled) return {};
  FieldOffloader offloader(manager, options);
  offloader.visit_document(document, std::max(depth, 1));
  return offloader.result();
}

std::size_t restore_fields(nlohmann::ordered_json& document, Manager& manager, int concurrency) {
  std::vector<Found> found;
  collect_references(document, found);
  std::vector<std::string> payloads = fetch_all(manager, found, concurrency);
  for (std::size_t i = 0; i < found.size(); ++i) *found[i].value = payload_value(payloads[i]);
  return found.size();
}

}  // namespace claimcheck
