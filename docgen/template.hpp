// The hand-written templates the generated files are made from. A template
// is the file as it will be installed, with marked blocks the generator
// fills: `@NAME@` words (completions), and in the man page roff comment lines
//   .\" @<block> [argument]      start of a generated block
//   .\" @about <name>            hand-written prose for one generated entry
//   .\" @end
// Prose for an entry that does not exist is an error, so none goes stale.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace claimcheck::docgen {

struct Block {
  std::string kind, argument;                 // "options", "offload"
  std::map<std::string, std::string> about;   // entry name -> its prose lines
};

/// Splits a man page template into text and blocks; `fill` returns the
/// generated text for a block, and must erase from about every entry it used.
std::string expand_man_template(const std::string& text,
                                const std::function<std::string(Block&)>& fill);

/// Replaces every "@NAME@" by values[NAME]; an unknown or unused name is an error.
std::string replace_words(const std::string& text, const std::map<std::string, std::string>& values);

std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& text);

}  // namespace claimcheck::docgen
