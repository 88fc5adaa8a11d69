// A response body as a list of pieces. The Web UI decodes the same large
// payloads on every render: their base64 text, kept in the object cache,
// goes to the socket from where it is instead of being copied into one
// response string first (1.4 MB copied per cached 1 MiB payload, an eighth
// of the server's CPU on cached decodes, measured with perf).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck::serve {

class ResponseBody {
 public:
  ResponseBody() = default;
  ResponseBody(std::string text);  // NOLINT(google-explicit-constructor): a plain body is a string
  ResponseBody(const char* text) : ResponseBody(std::string(text)) {}  // NOLINT

  /// Puts `text` on the end (moved in when it starts a new piece).
  void append(std::string text);
  /// Puts `text` on the end without copying it; it is kept alive until sent.
  void append_shared(std::shared_ptr<const std::string> text);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Whether a piece is shared (otherwise the body is one string).
  bool has_shared() const;

  /// The pieces in order (valid while this body lives).
  std::vector<std::string_view> pieces() const;
  /// The whole body as one string (a copy when it has several pieces).
  std::string str() const;
  /// The same, moved out when the body is one piece of its own text.
  std::string take_string() &&;

 private:
  struct Piece {
    std::string owned;                          // when `shared` is null
    std::shared_ptr<const std::string> shared;
    std::string_view view() const { return shared ? std::string_view(*shared) : std::string_view(owned); }
  };
  std::vector<Piece> pieces_;
  std::size_t size_ = 0;
};

}  // namespace claimcheck::serve
