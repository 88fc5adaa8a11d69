#include "serve/codec_routes.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <numeric>
#include <new>
#include <optional>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/shared_work.hpp"
#include "core/json_text.hpp"
#include "serve/http_error.hpp"
#include "serve/payloads_json.hpp"
#include "temporal/external_storage_reference.hpp"
#include "temporal/payload_codecs.hpp"

namespace claimcheck::serve {
namespace {

using Json = nlohmann::json;

/// What the client is told for a failure while resolving payload `index`;
/// the reason itself goes to the server's log only (it may name store
/// locations or endpoints).
HttpError describe_failure(std::size_t index, std::exception_ptr failure) {
  const std::string at = "payloads[" + std::to_string(index) + "]: ";
  // Out of descriptors, threads or memory: 503, which clients retry, since
  // the same request may succeed once others are answered.
  const auto at_a_limit = [&](std::string detail) {
    return HttpError(503, at + "serve is at a limit of its own (open files, threads or memory): try again",
                     std::move(detail));
  };
  try {
    std::rethrow_exception(failure);
  } catch (const HttpError& e) {
    return HttpError(e.status(), at + e.what(), e.detail());
  } catch (const std::bad_alloc&) {
    return at_a_limit("out of memory");
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::resource_unavailable_try_again)  // what std::thread throws
      return at_a_limit(std::string("cannot start a thread: ") + std::strerror(EAGAIN) + thread_limit_hint());
    return HttpError(500, at + "internal error", e.what());
  } catch (const Error& e) {
    const std::string detail = e.what_failed() + ": " + e.why();
    if (e.local_limit) return at_a_limit(detail);
    switch (e.kind()) {
      case ErrorKind::InvalidInput: return HttpError(400, at + "malformed reference: " + e.why(), detail);
      case ErrorKind::NotFound: return HttpError(404, at + "object not found in the store", detail);
      case ErrorKind::Integrity:
        return HttpError(502, at + "object failed verification (size, sha256 or payload form); not returned", detail);
      case ErrorKind::Store: return HttpError(503, at + "store unavailable", detail);
      // What the command line calls a usage error (exit 2) is, here, serve's
      // own setup: "internal error" sent engineers looking for a bug.
      case ErrorKind::Usage:
        return HttpError(500, at + "serve cannot use its store as configured (credentials, or a store directory "
                                   "that is not there): its log says why", detail);
      default: return HttpError(500, at + "internal error", detail);
    }
  } catch (const std::exception& e) {
    return HttpError(500, at + "internal error", e.what());
  }
}

/// Runs work(i) for each i in `indices`, `concurrency` at a time (threads
/// are started only for more than one). The first failure stops new work
/// from starting and is thrown as an HttpError naming its payload.
void for_each_concurrently(const std::vector<std::size_t>& indices, int concurrency,
                           const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::optional<HttpError> first;
  auto worker = [&] {
    for (std::size_t k; !failed && (k = next++) < indices.size();) {
      try {
        work(indices[k]);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = describe_failure(indices[k], std::current_exception());
        failed = true;
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(indices.size(), static_cast<std::size_t>(std::max(concurrency, 1)));
  run_on_threads(threads, worker);
  if (first) throw *first;
}

std::vector<std::size_t> all_indices(std::size_t count) {
  std::vector<std::size_t> indices(count);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  return indices;
}

/// 413 for a payload of `size` bytes when no response may carry it.
void check_fits_a_response(std::uint64_t size, std::uint64_t limit) {
  if (size > limit) throw too_large_for_a_response(std::to_string(size) + " bytes", limit);
}

/// A binary/zlib payload (the SDKs' ZlibCodec) as the worker's converter
/// wrote it, as any codec server of such a worker shows it. All of one
/// request's inflate to at most `budget` bytes between them, one after the
/// other: a zlib bomb of 64 KB inflates to 64 MiB, and 16 MiB of them to 16 GiB.
Payload inflate_inline(std::size_t index, const Payload& payload, std::uint64_t& budget, std::uint64_t limit) {
  const std::string at = "payloads[" + std::to_string(index) + "]: ";
  try {
    std::uint64_t inflated = 0;  // every layer's
    Payload inner = temporal::undo_known_codecs(payload, budget, &inflated);
    budget -= inflated;
    return inner;
  } catch (const temporal::InflatesBeyond&) {
    // The limit is the request's, not what its earlier payloads left of it.
    throw too_large_for_a_response(at + "what the request's binary/zlib payloads inflate to", limit);
  } catch (const Error& e) {
    throw HttpError(400, at + "binary/zlib data that does not inflate to a payload: " + e.why());
  }
}

std::vector<Payload> decoded(const std::vector<OutgoingPayload>& outgoing) {
  std::vector<Payload> out;
  out.reserve(outgoing.size());
  for (const auto& payload : outgoing) out.push_back(payload.decoded());
  return out;
}

}  // namespace

Payload make_storage_reference(const Payload& original, const ReferenceInfo& info) {
  Json claim = Json::object();
  if (!info.key.empty()) claim["key"] = info.key;
  if (!info.sha256.empty()) claim["sha256"] = info.sha256;
  std::string inner = write_payloads({original});
  // {"payloads":[<payload>]} -> <payload>
  claim["payload"] = inner.substr(13, inner.size() - 15);
  Payload reference;
  reference.metadata[std::string(temporal::kEncodingKey)] = "json/protobuf";
  reference.metadata[std::string(temporal::kMessageTypeKey)] = temporal::kExternalStorageReferenceType;
  reference.data = Json{{"driverName", temporal::kClaimcheckDriverName}, {"claimData", claim}}.dump();
  reference.external_sizes = {info.restored_size};
  return reference;
}

CodecRoutes::CodecRoutes(PayloadResolver& resolver, PayloadOffloader* offloader, CodecLimits limits)
    : resolver_(resolver), offloader_(offloader), limits_(limits) {}

OutgoingPayload CodecRoutes::decode_one(const Payload& payload, bool preserve) {
  if (auto inner = temporal::claimcheck_driver_payload(payload))
    return preserve ? OutgoingPayload{payload, nullptr} : decode_one(*inner, false);
  auto info = resolver_.find(payload);
  // A reference to a store this server does not serve stays as it is.
  if (!info || !info->refused.empty()) return {payload, nullptr};
  // The Web UI shows a large payload as stored externally (Download
  // fetches it); everyone else gets it inline, or 413 when it cannot be.
  if (preserve && info->restored_size > limits_.display_limit)
    return {info->native ? payload : make_storage_reference(payload, *info), nullptr};
  check_fits_a_response(info->restored_size, limits_.inline_limit);
  return resolver_.resolve_outgoing(payload);
}

bool CodecRoutes::may_refer(const Payload& payload) const {
  try {
    return temporal::claimcheck_driver_payload(payload) || resolver_.find(payload);
  } catch (...) {
    return true;  // malformed: decode_one reports it, naming the payload
  }
}

std::vector<OutgoingPayload> CodecRoutes::decode_for_response(const std::vector<Payload>& payloads, bool preserve) {
  // binary/zlib comes off first: what it holds may be a reference. Only
  // payloads that refer to something may wait on the store; the others
  // (most of a history's) pass through here, without starting a thread.
  std::vector<OutgoingPayload> out(payloads.size());
  std::vector<std::optional<Payload>> inflated(payloads.size());
  const auto current = [&](std::size_t i) -> const Payload& { return inflated[i] ? *inflated[i] : payloads[i]; };
  std::uint64_t inflate_budget = limits_.inline_limit;
  std::vector<std::size_t> referring;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    if (payloads[i].encoding() == temporal::kZlibEncoding)
      inflated[i] = inflate_inline(i, payloads[i], inflate_budget, limits_.inline_limit);
    if (may_refer(current(i)))
      referring.push_back(i);
    else
      out[i] = {current(i), nullptr};
  }
  for_each_concurrently(referring, limits_.concurrency,
                        [&](std::size_t i) { out[i] = decode_one(current(i), preserve); });
  return out;
}

std::vector<Payload> CodecRoutes::decode(const std::vector<Payload>& payloads, bool preserve) {
  return decoded(decode_for_response(payloads, preserve));
}

std::vector<OutgoingPayload> CodecRoutes::download_for_response(const std::vector<Payload>& payloads) {
  // Every payload is checked before anything is fetched.
  std::vector<Payload> targets;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    std::optional<ReferenceInfo> info;
    std::optional<Payload> inner;
    try {
      inner = temporal::claimcheck_driver_payload(payloads[i]);
      info = resolver_.find(inner ? *inner : payloads[i]);
    } catch (...) {
      throw describe_failure(i, std::current_exception());
    }
    if (!info) throw HttpError(400, "all payloads must be storage references");
    if (!info->refused.empty())
      throw HttpError(403, "payloads[" + std::to_string(i) + "]: the reference names a store this server does not serve",
                      info->refused);
    check_fits_a_response(info->restored_size, limits_.inline_limit);
    targets.push_back(inner ? std::move(*inner) : payloads[i]);
  }
  std::vector<OutgoingPayload> out(targets.size());
  for_each_concurrently(all_indices(targets.size()), limits_.concurrency,
                        [&](std::size_t i) { out[i] = resolver_.resolve_outgoing(targets[i]); });
  return out;
}

std::vector<Payload> CodecRoutes::download(const std::vector<Payload>& payloads) {
  return decoded(download_for_response(payloads));
}

std::vector<Payload> CodecRoutes::encode(const std::vector<Payload>& payloads) {
  if (offloader_ == nullptr) return payloads;
  std::vector<Payload> out(payloads.size());
  std::vector<std::string> stored(payloads.size());  // each worker writes its own index
  try {
    for_each_concurrently(all_indices(payloads.size()), limits_.concurrency, [&](std::size_t i) {
      if (!offloader_->wants(payloads[i])) {
        out[i] = payloads[i];
        return;
      }
      OffloadedPayload offloaded = offloader_->offload(payloads[i]);
      out[i] = std::move(offloaded.reference);
      stored[i] = std::move(offloaded.key);
    });
  } catch (const HttpError& failure) {
    // The response is an error: no reference reaches the client, so no
    // object stored for this request may stay.
    std::erase(stored, std::string());
    if (stored.empty()) throw;
    const std::string detail = failure.detail().empty() ? std::string(failure.what()) : failure.detail();
    throw HttpError(failure.status(), failure.what(), detail + " (" + offloader_->remove_undelivered(stored) + ")");
  }
  return out;
}

}  // namespace claimcheck::serve
