#include "serve/response_body.hpp"

#include <algorithm>

namespace claimcheck::serve {

ResponseBody::ResponseBody(std::string text) {
  size_ = text.size();
  pieces_.push_back({std::move(text), nullptr});
}

void ResponseBody::append(std::string text) {
  size_ += text.size();
  if (!pieces_.empty() && !pieces_.back().shared)
    pieces_.back().owned += text;
  else
    pieces_.push_back({std::move(text), nullptr});
}

void ResponseBody::append_shared(std::shared_ptr<const std::string> text) {
  if (!text || text->empty()) return;
  size_ += text->size();
  pieces_.push_back({{}, std::move(text)});
}

bool ResponseBody::has_shared() const {
  return std::any_of(pieces_.begin(), pieces_.end(), [](const Piece& piece) { return piece.shared != nullptr; });
}

std::vector<std::string_view> ResponseBody::pieces() const {
  std::vector<std::string_view> views;
  views.reserve(pieces_.size());
  for (const auto& piece : pieces_)
    if (!piece.view().empty()) views.push_back(piece.view());
  return views;
}

std::string ResponseBody::str() const {
  std::string out;
  out.reserve(size_);
  for (const auto& piece : pieces_) out += piece.view();
  return out;
}

std::string ResponseBody::take_string() && {
  if (pieces_.size() == 1 && !pieces_.front().shared) return std::move(pieces_.front().owned);
  return str();
}

}  // namespace claimcheck::serve
