// Manager: the claim-check decisions (offload or pass through, reference or
// not) and the bookkeeping around them (reference fields, journal records).
// The streaming stages live in offload_pipeline and retrieve_verifier.
#include "manager/manager.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "codec/codec.hpp"
#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "core/threaded_sink.hpp"
#include "reference/keys.hpp"
#include "base/text.hpp"
#include "base/time.hpp"
#include "reference/store_location.hpp"
#include "core/units.hpp"
#include "manager/offload_pipeline.hpp"
#include "manager/retrieve_verifier.hpp"
#include "manager/spool.hpp"

namespace claimcheck {
namespace {

/// The head of the input stays in memory up to this much (then a temp file),
/// so a huge --threshold cannot exhaust memory.
constexpr std::size_t kHeadMemory = std::max<std::size_t>(8u << 20, kAutoPrefixBytes);
/// Below this, one gzip thread is faster than starting workers.
constexpr std::uint64_t kParallelGzipMinBytes = 4u << 20;

class Stopwatch {
 public:
  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Reads into `head` until it holds `target` bytes; true when the input ended first.
bool read_into(ByteSource& input, ByteSink& head, std::uint64_t& held, std::uint64_t target) {
  std::vector<char> buffer(1 << 16);
  while (held < target) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), target - held));
    std::size_t n = input.read(buffer.data(), want);
    if (n == 0) return true;
    head.write(buffer.data(), n);
    held += n;
  }
  return false;
}

class EmptySource : public ByteSource {
 public:
  std::size_t read(char*, std::size_t) override { return 0; }
};

bool should_compress(const OffloadOptions& options, std::string_view prefix) {
  switch (options.compress) {
    case CompressPolicy::Always: return true;
    case CompressPolicy::Never: return false;
    case CompressPolicy::Auto: break;
  }
  std::size_t size = std::min(prefix.size(), kAutoPrefixBytes);
  return gzip_pays_off(prefix.data(), size, options.level);
}

/// The whole payload gzipped once, or nullopt to store it raw (auto finding
/// that gzip does not pay off).
std::optional<std::string> gzip_whole(const OffloadOptions& options, std::string_view payload) {
  std::string gzipped = gzip_in_memory(payload, options.level);
  if (options.compress == CompressPolicy::Auto && !gzip_saves_enough(payload.size(), gzipped.size()))
    return std::nullopt;
  return gzipped;
}

void drain(ByteSource& source) {
  std::vector<char> buffer(1 << 16);
  while (source.read(buffer.data(), buffer.size()) != 0) {
  }
}

/// system_clock counts nanoseconds in 64 bits: a larger ttl would wrap the
/// expiry into the past, a silent wrong result. The settings refuse such a ttl
/// with its origin; this guards the library's other callers.
TimePoint expiry_after(TimePoint now, std::chrono::seconds ttl) {
  auto room = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max() - now);
  if (ttl.count() < 0 || ttl >= room)
    throw Error(ErrorKind::Usage, "ttl " + format_duration(ttl), "puts the expiry beyond " + std::string(base::kClockRange));
  return now + ttl;
}

TimePoint whole_seconds(TimePoint t) { return std::chrono::time_point_cast<std::chrono::seconds>(t); }

/// How many lines of `text` are references, when every non-blank line is one.
std::size_t references_per_line(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = std::min(text.find('\n', begin), text.size());
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const auto value = parse_json_or_discarded(line);
    try {
      if (value.is_discarded() || !reference_from_json(value)) return 0;
    } catch (const Error&) {
      return 0;
    }
    ++count;
  }
  return count;
}

/// The text of UTF-16 with a byte order mark when each of its characters is
/// ASCII, as a reference's are; else "".
std::string ascii_of_utf16(std::string_view text) {
  if (!starts_with_utf16_mark(text)) return {};
  const bool little_endian = text.starts_with("\xFF");
  std::string ascii;
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    const char low = text[little_endian ? i : i + 1];
    const char high = text[little_endian ? i + 1 : i];
    if (high != 0 || low == 0 || static_cast<unsigned char>(low) >= 0x80) return {};
    ascii += low;
  }
  return ascii;
}

/// A reference written as UTF-16 (Windows PowerShell 5's '>' does): refused
/// by name. Passed through, the step would get the reference's text instead
/// of its payload, with exit 0.
void refuse_utf16_reference(std::string_view text) {
  const std::string ascii = ascii_of_utf16(text);
  if (ascii.empty()) return;
  bool reference = starts_like_reference(ascii);
  if (!reference) {
    const auto value = parse_json_or_discarded(ascii);
    try {
      reference = value.is_object() && reference_from_json(value).has_value();
    } catch (const Error&) {
      reference = true;  // claims to be one
    }
  }
  if (reference)
    throw Error(ErrorKind::InvalidInput, "retrieve",
                "the reference is UTF-16 text (as Windows PowerShell's '>' writes it); claimcheck reads UTF-8 "
                "(iconv -f UTF-16 -t UTF-8 converts it)");
}

/// nullopt when `text` is not a reference at all; Error(InvalidInput) when it
/// claims to be one but is malformed, or begins like one but is not JSON
/// (`head -c 60 ref`, or several references one per line): passing that
/// through would hand on broken references as if they were the payload. A
/// reference encoded as a JSON string (as `jq` without -r prints one) is one.
std::optional<Reference> reference_in(std::string_view text) {
  auto value = parse_json_or_discarded(text);
  if (value.is_discarded()) {
    refuse_utf16_reference(text);
    if (!starts_like_reference(text)) return std::nullopt;
    if (const std::size_t lines = references_per_line(text); lines > 1)
      throw Error(ErrorKind::InvalidInput, "retrieve",
                  fmt::format("input holds {} references, one per line: use --json-fields to restore each line",
                              lines));
    parse_reference(text);  // throws, saying why
  }
  if (value.is_string()) {
    const auto inner = parse_json_or_discarded(value.get<std::string>());
    if (!inner.is_discarded() && inner.is_object()) return reference_from_json(inner);
    return std::nullopt;
  }
  return reference_from_json(value);
}

int exit_code_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return exit_code(e.kind());
  } catch (...) {
    return exit_code(ErrorKind::Internal);
  }
}

}  // namespace

OffloadOptions OffloadOptions::from(const Config& config) {
  OffloadOptions options;
  options.enabled = config.enabled;
  options.threshold = config.threshold;
  options.compress = config.compress;
  options.level = config.level;
  options.ttl = config.ttl;
  options.prefix = config.prefix;
  return options;
}

Manager::Manager(Store& store, Journal* journal, Clock clock)
    : store_(store), journal_(journal), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

void Manager::record(JournalRecord record) {
  std::lock_guard lock(journal_mutex_);
  if (delivery_ != nullptr) {
    delivery_->records.push_back(std::move(record));
    return;
  }
  if (journal_ == nullptr) return;
  try {
    journal_->append(record);
  } catch (const std::exception& e) {
    // Statistics must never turn a successful transfer into a failure, but
    // the loss is said once.
    if (journal_warning_) std::exchange(journal_warning_, nullptr)(e.what());
  }
}

template <typename Work>
auto Manager::journaled(const char* op, Work&& work) {
  Stopwatch total;
  JournalRecord entry;
  entry.time = clock_();
  entry.op = op;
  entry.store = journal_store_;
  try {
    auto result = work(entry);
    entry.total_ms = total.elapsed_ms();
    record(entry);
    return result;
  } catch (...) {
    entry.exit_code = exit_code_of(std::current_exception());
    entry.total_ms = total.elapsed_ms();
    record(entry);
    throw;
  }
}

OffloadOutcome Manager::maybe_offload(ByteSource& input, ByteSink& passthrough,
                                      const OffloadOptions& options) {
  if (!options.enabled) {
    return journaled("passthrough", [&](JournalRecord& entry) {
      OffloadOutcome outcome;
      outcome.input_bytes = entry.original_bytes = copy_all(input, passthrough);
      return outcome;
    });
  }
  // Read up to the threshold to decide (as the Go runner: offload at size >= threshold).
  Spool head(kHeadMemory);
  std::uint64_t held = 0;
  bool ended = read_into(input, head, held, options.force ? 0 : options.threshold);
  if (!options.force && ended && held < options.threshold) {
    return journaled("passthrough", [&](JournalRecord& entry) {
      head.copy_to(passthrough);
      OffloadOutcome outcome;
      outcome.input_bytes = entry.original_bytes = held;
      return outcome;
    });
  }
  return journaled("offload", [&](JournalRecord& entry) {
    // auto decides from a prefix, which must be in memory before the stream
    // starts; the same prefix tells a small payload (no gzip threads) from a
    // large one. One byte beyond tells whether the payload ends within it.
    if (!ended) ended = read_into(input, head, held, kAutoPrefixBytes + 1);
    auto replay = head.reader();
    EmptySource nothing;
    ConcatSource payload(*replay, ended ? static_cast<ByteSource&>(nothing) : input);
    bool small = ended && held < kParallelGzipMinBytes;
    OffloadOutcome outcome;
    outcome.reference = store_payload(payload, head.memory(), small, options, entry);
    outcome.offloaded = true;
    outcome.input_bytes = outcome.reference.size_bytes;
    return outcome;
  });
}

// Its reference could not be read back, or not even written: refused
// before anything is stored.
void Manager::require_nameable_store() const {
  const std::string location = store_.location();
  if (auto problem = printable_text_problem(location, "its location"))
    throw Error(ErrorKind::Usage, location, "a reference cannot name this store: " + *problem);
}

Reference Manager::offload(std::string_view payload, const OffloadOptions& options) {
  return journaled("offload", [&](JournalRecord& entry) {
    StringSource source{std::string(payload)};
    return store_payload(source, payload, payload.size() < kParallelGzipMinBytes, options, entry);
  });
}

Reference Manager::store_payload(ByteSource& payload, std::string_view prefix, bool small,
                                 const OffloadOptions& options, JournalRecord& entry) {
  require_nameable_store();
  Reference ref;
  // A small payload is all in `prefix`; when auto's trial would compress all
  // of it, that trial is the stored object (compressing it again while
  // streaming doubled the CPU time of a 1 MiB offload).
  std::optional<std::string> gzipped;
  DigestingSource digest(payload, options.progress);
  const bool compress_once = small && prefix.size() <= kAutoPrefixBytes;
  if (compress_once && options.compress == CompressPolicy::Never) {
    drain(digest);
    ref.compressed = false;
  } else if (compress_once) {
    // Deflate on a helper thread (which fans out further for a larger
    // payload) while this one hashes and counts the original: the two no
    // longer add up in a small offload's wall time.
    auto deflated = std::async(std::launch::async, [&] { return gzip_whole(options, prefix); });
    drain(digest);
    gzipped = deflated.get();
    ref.compressed = gzipped.has_value();
  } else {
    ref.compressed = should_compress(options, prefix);
  }
  ref.stored_at = whole_seconds(clock_());
  ref.expires_at = expiry_after(ref.stored_at, options.ttl);
  ref.key = make_key(options.prefix, *ref.expires_at);
  if (!options.content_type.empty()) ref.content_type = options.content_type;
  entry.key = ref.key;
  entry.compressed = ref.compressed;

  std::optional<GzipSource> gzip;
  std::optional<ViewSource> stored_whole;
  if (compress_once) {
    // Already hashed: the gzipped copy, or the original when gzip did not pay off.
    stored_whole.emplace(gzipped ? std::string_view(*gzipped) : prefix);
  } else if (ref.compressed) {
    gzip.emplace(digest, options.level, !small);
  }
  ByteSource& stored = stored_whole ? static_cast<ByteSource&>(*stored_whole)
                       : gzip       ? static_cast<ByteSource&>(*gzip)
                                    : digest;

  ObjectMeta meta;
  meta.compressed = ref.compressed;
  meta.expires_at = ref.expires_at;
  meta.content_type = options.content_type;
  auto final_meta = [&] {
    ObjectMeta complete = meta;
    complete.original_size = digest.bytes();
    complete.sha256 = digest.hex_digest();
    return complete;
  };
  // While a reference is being delivered, an interrupt removes its object:
  // registered before the put starts, so no moment of the put escapes it.
  CleanupRegistration remove_on_interrupt;
  {
    std::lock_guard lock(journal_mutex_);
    if (delivery_ != nullptr)
      remove_on_interrupt = CleanupRegistration([this, key = ref.key] { store_.remove(key); });
  }
  Stopwatch transfer;
  try {
    ref.stored_bytes = store_.put(ref.key, stored, meta, final_meta);
  } catch (const Error& e) {
    // The journal's record of the failure tells how much was at stake: what
    // had been read (a failed offload had recorded 0 bytes).
    entry.original_bytes = std::max<std::uint64_t>(digest.bytes(), prefix.size());
    // The key is ours but for the prefix the user set: a key the store
    // refuses (a local store's symbolic link, a name too long for a file)
    // is that setting's fault, not the input's (exit 2, not 3).
    if (e.kind() != ErrorKind::InvalidInput) throw;
    throw Error(ErrorKind::Usage, fmt::format("prefix '{}'", options.prefix), e.what_failed() + ": " + e.why());
  }
  {
    std::lock_guard lock(journal_mutex_);
    if (delivery_ != nullptr) {
      delivery_->stored_keys.push_back(ref.key);
      delivery_->removals_on_interrupt.push_back(std::move(remove_on_interrupt));
    }
  }
  entry.transfer_ms = transfer.elapsed_ms();
  entry.stored_bytes = *ref.stored_bytes;

  ref.size_bytes = digest.bytes();
  ref.sha256 = digest.hex_digest();
  ref.store = store_.location();
  entry.original_bytes = ref.size_bytes;
  return ref;
}

void Manager::offload_then_deliver(const std::function<void()>& work) {
  Delivery delivery;
  {
    std::lock_guard lock(journal_mutex_);
    delivery_ = &delivery;
  }
  auto stop_holding = [&] {
    std::lock_guard lock(journal_mutex_);
    delivery_ = nullptr;
  };
  try {
    work();
  } catch (...) {
    stop_holding();
    const std::exception_ptr error = std::current_exception();
    const int code = exit_code_of(error);
    for (JournalRecord& entry : delivery.records) {
      if (entry.op == "offload" && entry.exit_code == 0) entry.exit_code = code;
      record(std::move(entry));
    }
    if (delivery.stored_keys.empty()) throw;
    const std::string what_became = remove_undelivered(delivery.stored_keys);
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      Error undone(e.kind(), e.what_failed(), e.why() + " (" + what_became + ")");
      undone.detail = e.detail;
      throw undone;
    }
  }
  stop_holding();
  for (JournalRecord& entry : delivery.records) record(std::move(entry));
}

std::string Manager::remove_undelivered(const std::vector<std::string>& keys) {
  std::vector<std::string> remaining;
  std::string last_reason;
  // At a limit of this process's (open files, most often while serve
  // answers many requests) a removal is tried again as others finish: an
  // object left behind is one no reference names.
  const CleanupRetry retry;
  for (const std::string& key : keys) {
    while (true) {
      try {
        store_.remove(key);
        break;
      } catch (const std::exception& e) {
        const auto* ours = dynamic_cast<const Error*>(&e);
        if (retry.again(ours != nullptr && ours->local_limit)) continue;
        remaining.push_back(store_.location() + "/" + key);
        last_reason = e.what();
        break;
      }
    }
  }
  const std::size_t removed = keys.size() - remaining.size();
  if (remaining.empty())
    return keys.size() == 1 ? "the stored object was removed" : fmt::format("the {} stored objects were removed", removed);
  std::string text = fmt::format("{} stored object(s) remain, removing failed ({}):", remaining.size(), last_reason);
  for (const std::string& where : remaining) text += " " + where;
  return text;
}

std::optional<std::string> store_mismatch(const Reference& ref, const std::string& configured) {
  if (!ref.store) return std::nullopt;
  // Compared as --store is spelled once parsed: "file:///x/" is file:///x,
  // and advising "--store file:///x/" would normalise away again.
  const std::string store = normal_store_location(*ref.store);
  if (store == normal_store_location(configured)) return std::nullopt;
  // Advice only a --store can follow: a prefix or another scheme in the
  // field was not written by claimcheck, and --store cannot match it.
  if (!is_store_location(store))
    return "reference is for store '" + *ref.store + "', which is not a store location (s3://BUCKET or file:///DIR)";
  return "reference is for store " + *ref.store + " but the configured store is " + configured +
         " (use --store " + base::shell_word(store) + ")";
}

void Manager::check_store_matches(const Reference& ref) {
  if (auto why = store_mismatch(ref, store_.location()))
    throw Error(ErrorKind::InvalidInput, "retrieve " + ref.key, *why);
}

RetrieveOutcome Manager::retrieve(const Reference& ref, StagedOutput& out,
                                  std::function<void(std::uint64_t)> progress) {
  return journaled("retrieve", [&](JournalRecord& entry) {
    entry.key = ref.key;
    entry.compressed = ref.compressed;
    entry.original_bytes = ref.size_bytes;
    // As gc decides it, by the key (a reference's expires_at is only a
    // claim); a key without an expiry is judged by LastModified + TTL, which
    // a retrieve does not ask for.
    const std::optional<TimePoint> expiry = expiry_from_key(ref.key);
    const bool expired = expiry && *expiry <= clock_();
    try {
      RetrieveOutcome outcome = fetch_verified(ref, out, progress, entry);
      if (expired) outcome.expired_at = expiry;
      if (retrieved_) retrieved_(outcome);
      return outcome;
    } catch (const Error& e) {
      out.abort();
      // "No such object" alone would send someone looking for a lost payload.
      if (e.kind() == ErrorKind::NotFound && expired)
        throw Error(e.kind(), e.what_failed(),
                    e.why() + " (the reference expired at " + format_rfc3339(*expiry) +
                        ": gc deletes expired objects)");
      throw;
    } catch (...) {
      out.abort();
      throw;
    }
  });
}

RetrieveOutcome Manager::fetch_verified(const Reference& ref, StagedOutput& out,
                                        const std::function<void(std::uint64_t)>& progress,
                                        JournalRecord& entry) {
  validate_key(ref.key);
  check_store_matches(ref);
  VerifyingSink verifier(ref, out, progress);
  // Hashing and writing the output run on their own thread, beside the
  // download and gunzip: on two cores the two halves overlap.
  ThreadedSink verify_beside(verifier);
  Stopwatch transfer;
  std::uint64_t stored_bytes = 0;
  if (ref.compressed) {
    GzipDecoder gunzip(verify_beside, ref.size_bytes);
    CountingSink counted(gunzip);
    store_.get(ref.key, counted);
    gunzip.finish();
    stored_bytes = counted.bytes();
  } else {
    CountingSink counted(verify_beside);
    store_.get(ref.key, counted);
    stored_bytes = counted.bytes();
  }
  verify_beside.close();
  entry.transfer_ms = transfer.elapsed_ms();
  entry.stored_bytes = stored_bytes;

  RetrieveOutcome outcome;
  outcome.was_reference = true;
  outcome.sha256_verified = verifier.verify();
  outcome.bytes = verifier.bytes();
  outcome.reference = ref;
  out.commit();
  return outcome;
}

RetrieveOutcome Manager::maybe_retrieve(ByteSource& input, StagedOutput& out, bool strict,
                                        std::function<void(std::uint64_t)> progress,
                                        const ReferenceHook& other_forms,
                                        const std::function<void(const Reference&)>& found) {
  StringSink head;
  std::uint64_t held = 0;
  bool ended = read_into(input, head, held, kMaxReferenceBytes + 1);
  if (ended) {
    if (auto ref = reference_in(head.data())) {
      if (found) found(*ref);
      return retrieve(*ref, out, std::move(progress));
    }
    if (other_forms) {
      if (auto outcome = other_forms(head.data(), out)) return *outcome;
    }
  }
  if (strict) {
    out.abort();
    throw Error(ErrorKind::InvalidInput, "retrieve", "not a reference");
  }
  return journaled("passthrough", [&](JournalRecord& entry) {
    try {
      out.write(head.data().data(), head.data().size());
      RetrieveOutcome outcome;
      outcome.bytes = entry.original_bytes = held + copy_all(input, out);
      out.commit();
      return outcome;
    } catch (...) {
      out.abort();
      throw;
    }
  });
}

}  // namespace claimcheck
