// A protobuf wire-format reader and writer for exactly the three fields of
// Payload: small enough to check by eye, and bounded (every length is checked
// against what is left before anything is copied).
#include "temporal/payload_wire.hpp"

#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"

namespace claimcheck::temporal {
namespace {

enum WireType : unsigned { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ErrorKind::Integrity, "stored payload", "not a protobuf Payload: " + why);
}

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : rest_(bytes) {}

  bool done() const { return rest_.empty(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) malformed("truncated varint");
      const auto byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      if (shift == 63 && byte > 1) malformed("varint overflows 64 bits");
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    malformed("varint longer than 10 bytes");
  }

  std::string_view length_delimited() {
    const std::uint64_t length = varint();
    if (length > rest_.size())
      malformed(fmt::format("truncated: a field of {} bytes with {} left", length, rest_.size()));
    std::string_view field = rest_.substr(0, static_cast<std::size_t>(length));
    rest_.remove_prefix(static_cast<std::size_t>(length));
    return field;
  }

  void skip(unsigned wire_type, std::uint64_t field) {
    switch (wire_type) {
      case kVarint: varint(); return;
      case kFixed64: fixed(8); return;
      case kLengthDelimited: length_delimited(); return;
      case kFixed32: fixed(4); return;
      default: malformed(fmt::format("field {} has wire type {} (groups are not used)", field, wire_type));
    }
  }

 private:
  void fixed(std::size_t size) {
    if (rest_.size() < size) malformed("truncated fixed-size field");
    rest_.remove_prefix(size);
  }

  std::string_view rest_;
};

struct Tag {
  std::uint64_t field;
  unsigned wire_type;
};

Tag read_tag(WireReader& in) {
  const std::uint64_t tag = in.varint();
  if ((tag >> 3) == 0) malformed("field number 0");
  return {tag >> 3, static_cast<unsigned>(tag & 7)};
}

void expect(const Tag& tag, unsigned wire_type, const char* name) {
  if (tag.wire_type != wire_type)
    malformed(fmt::format("field {} ({}) has wire type {}, expected {}", tag.field, name, tag.wire_type,
                          wire_type));
}

void read_metadata_entry(std::string_view bytes, Payload& payload) {
  WireReader in(bytes);
  std::string key, value;
  while (!in.done()) {
    const Tag tag = read_tag(in);
    if (tag.field == 1) {
      expect(tag, kLengthDelimited, "metadata key");
      key = in.length_delimited();
    } else if (tag.field == 2) {
      expect(tag, kLengthDelimited, "metadata value");
      value = in.length_delimited();
    } else {
      in.skip(tag.wire_type, tag.field);
    }
  }
  payload.metadata[key] = std::move(value);
}

std::uint64_t read_external_details(std::string_view bytes) {
  WireReader in(bytes);
  std::uint64_t size = 0;
  while (!in.done()) {
    const Tag tag = read_tag(in);
    if (tag.field == 1) {
      expect(tag, kVarint, "size_bytes");
      size = in.varint();
      if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        malformed("negative size_bytes");
    } else {
      in.skip(tag.wire_type, tag.field);
    }
  }
  return size;
}

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_bytes(std::string& out, std::uint64_t field, std::string_view bytes) {
  put_varint(out, field << 3 | kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

Payload decode_payload_wire(std::string_view bytes) {
  Payload payload;
  WireReader in(bytes);
  while (!in.done()) {
    const Tag tag = read_tag(in);
    switch (tag.field) {
      case 1:
        expect(tag, kLengthDelimited, "metadata");
        read_metadata_entry(in.length_delimited(), payload);
        break;
      case 2:
        expect(tag, kLengthDelimited, "data");
        payload.data = in.length_delimited();
        break;
      case 3:
        expect(tag, kLengthDelimited, "external_payloads");
        payload.external_sizes.push_back(read_external_details(in.length_delimited()));
        break;
      default: in.skip(tag.wire_type, tag.field);
    }
  }
  return payload;
}

std::string encode_payload_wire(const Payload& payload) {
  std::string out;
  for (const auto& [key, value] : payload.metadata) {
    std::string entry;
    put_bytes(entry, 1, key);
    put_bytes(entry, 2, value);
    put_bytes(out, 1, entry);
  }
  if (!payload.data.empty()) put_bytes(out, 2, payload.data);
  for (std::uint64_t size : payload.external_sizes) {
    std::string details;
    if (size != 0) {
      put_varint(details, 1 << 3 | kVarint);
      put_varint(details, size);
    }
    put_bytes(out, 3, details);
  }
  return out;
}

}  // namespace claimcheck::temporal
