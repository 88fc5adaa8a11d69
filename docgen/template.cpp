#include "template.hpp"

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace claimcheck::docgen {
namespace {

constexpr std::string_view kDirective = ".\\\" @";

/// ".\" @about --compress" -> {"about", "--compress"}
std::pair<std::string, std::string> directive(const std::string& line) {
  const std::string rest = line.substr(kDirective.size());
  const auto space = rest.find(' ');
  if (space == std::string::npos) return {rest, ""};
  return {rest.substr(0, space), rest.substr(space + 1)};
}

}  // namespace

std::string expand_man_template(const std::string& text, const std::function<std::string(Block&)>& fill) {
  std::istringstream in(text);
  std::string out, line;
  std::optional<Block> block;
  std::string* prose = nullptr;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.starts_with(kDirective)) {
      if (prose) *prose += line + "\n";
      else if (block) throw std::runtime_error("line " + std::to_string(number) + ": text in a block outside @about");
      else out += line + "\n";
      continue;
    }
    const auto [kind, argument] = directive(line);
    if (kind == "about" && block) {
      prose = &block->about[argument];
    } else if (kind == "end" && block) {
      out += fill(*block);
      if (!block->about.empty())
        throw std::runtime_error("@" + block->kind + " " + block->argument + ": prose for '" +
                                 block->about.begin()->first + "', which it does not have");
      block.reset();
      prose = nullptr;
    } else if (!block && kind != "about" && kind != "end") {
      block = Block{kind, argument, {}};
    } else {
      throw std::runtime_error("line " + std::to_string(number) + ": unexpected @" + kind);
    }
  }
  if (block) throw std::runtime_error("@" + block->kind + " without @end");
  return out;
}

std::string replace_words(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::set<std::string> used;
  std::size_t at = 0;
  while (true) {
    const auto open = text.find('@', at);
    if (open == std::string::npos) break;
    const auto close = text.find('@', open + 1);
    const std::string name = close == std::string::npos ? "" : text.substr(open + 1, close - open - 1);
    const bool word = !name.empty() && name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos;
    if (!word) {
      out += text.substr(at, open + 1 - at);
      at = open + 1;
      continue;
    }
    const auto it = values.find(name);
    if (it == values.end()) throw std::runtime_error("unknown template word @" + name + "@");
    out += text.substr(at, open - at) + it->second;
    used.insert(name);
    at = close + 1;
  }
  out += text.substr(at);
  for (const auto& [name, value] : values) {
    if (!used.count(name)) throw std::runtime_error("template lacks @" + name + "@");
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

}  // namespace claimcheck::docgen
