// stats --prometheus: the output follows the text exposition format, checked
// by a small parser written from the format's rules (not by our writer).
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "gc_stats/stats.hpp"
#include "gc_stats/stats_output.hpp"
#include "fixtures.hpp"

using namespace claimcheck;
using namespace claimcheck::test;

namespace {

const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
const std::regex kFloat(R"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|[+-]Inf)");
const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};

struct Exposition {
  std::vector<std::string> problems;
  std::map<std::string, double> samples;  // `name{labels}` -> value
  std::map<std::string, std::string> types;
};

/// The family a sample belongs to: summaries own `_sum` and `_count`.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_sum", "_count", "_bucket"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.ends_with(s)) {
      auto base = types.find(name.substr(0, name.size() - s.size()));
      if (base != types.end() && (base->second == "summary" || base->second == "histogram")) return base->first;
    }
  }
  return name;
}

/// Parses `{a="x",b="y"}` from `pos`; returns false on a syntax error.
bool parse_labels(const std::string& line, std::size_t& pos, std::string& labels_out) {
  ++pos;  // '{'
  while (pos < line.size() && line[pos] != '}') {
    const auto eq = line.find('=', pos);
    if (eq == std::string::npos || !std::regex_match(line.substr(pos, eq - pos), kLabelName)) return false;
    if (eq + 1 >= line.size() || line[eq + 1] != '"') return false;
    std::size_t i = eq + 2;
    for (; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\') {
        if (i + 1 >= line.size() || std::string("\\\"n").find(line[i + 1]) == std::string::npos) return false;
        ++i;
      }
    }
    if (i >= line.size()) return false;
    pos = i + 1;
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return false;
  labels_out = line.substr(0, ++pos);
  return true;
}

void parse_sample(const std::string& line, Exposition& e, std::set<std::string>& described,
                  std::set<std::string>& finished, std::string& current) {
  std::size_t pos = line.find_first_of("{ ");
  const std::string name = line.substr(0, pos);
  if (!std::regex_match(name, kName)) return e.problems.push_back("bad metric name: " + line);
  std::string series = name;
  if (pos != std::string::npos && line[pos] == '{' && !parse_labels(line, pos, series))
    return e.problems.push_back("bad labels: " + line);
  if (pos >= line.size() || line[pos] != ' ') return e.problems.push_back("no value: " + line);
  std::istringstream rest(line.substr(pos + 1));
  std::string value, timestamp;
  rest >> value >> timestamp;
  if (!std::regex_match(value, kFloat)) return e.problems.push_back("bad value: " + line);
  const std::string family = family_of(name, e.types);
  if (!described.count(family)) e.problems.push_back("sample before HELP/TYPE: " + line);
  if (family != current && finished.count(family)) e.problems.push_back("family split: " + line);
  if (family != current) finished.insert(current), current = family;
  if (e.types[family] == "summary" && name == family && series.find("quantile=\"") == std::string::npos)
    e.problems.push_back("summary sample without quantile: " + line);
  if (e.samples.count(series)) e.problems.push_back("duplicate series: " + line);
  e.samples[series] = value == "NaN" ? std::nan("") : std::strtod(value.c_str(), nullptr);
}

void parse_comment(const std::string& line, Exposition& e, std::set<std::string>& described) {
  std::istringstream in(line.substr(1));
  std::string keyword, name, type;
  in >> keyword >> name;
  if (keyword != "HELP" && keyword != "TYPE") return;  // a plain comment
  if (!std::regex_match(name, kName)) return e.problems.push_back("bad name in " + keyword + ": " + line);
  if (keyword == "TYPE") {
    in >> type;
    if (!kTypes.count(type)) e.problems.push_back("bad type: " + line);
    if (e.types.count(name)) e.problems.push_back("second TYPE: " + line);
    e.types[name] = type;
  }
  described.insert(name);
}

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  if (!text.empty() && text.back() != '\n') e.problems.push_back("no final newline");
  std::set<std::string> described, finished;
  std::string current, line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') parse_comment(line, e, described);
    else parse_sample(line, e, described, finished, current);
  }
  return e;
}

StatsReport full_report() {
  StatsReport report;
  report.as_of = at("2026-06-15T12:00:00Z");
  StorageAggregator storage(report.as_of, std::chrono::hours(24 * 30));
  storage.add(ObjectInfo{layout_key("cc/", report.as_of - 1h, 1), 100, report.as_of - 48h, {}});
  storage.add(ObjectInfo{layout_key("cc/", report.as_of + 5h, 2), 50, report.as_of - 1h, {}});
  report.storage = storage.stats();
  OperationsAggregator ops;
  for (int ms = 1; ms <= 100; ++ms) {
    JournalRecord r;
    r.op = "offload";
    r.original_bytes = 1000;
    r.stored_bytes = 400;
    r.transfer_ms = ms;
    ops.add(r);
  }
  JournalRecord failed;
  failed.op = "retrieve";
  failed.exit_code = 5;
  ops.add(failed);
  report.operations = ops.finish();
  return report;
}

}  // namespace

TEST_CASE("the format checker rejects what the format forbids") {
  CHECK(parse_exposition("x 1\n").problems.size() == 1);  // no HELP/TYPE
  CHECK_FALSE(parse_exposition("# TYPE x gauge\nx{a=\"1} 1\n").problems.empty());
  CHECK_FALSE(parse_exposition("# TYPE x gauge\nx one\n").problems.empty());
  CHECK_FALSE(parse_exposition("# TYPE 1x gauge\n").problems.empty());
  CHECK_FALSE(parse_exposition("# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 2\n").problems.empty());
  CHECK_FALSE(parse_exposition("# TYPE x summary\nx 1\n").problems.empty());
  CHECK(parse_exposition("# HELP x a \\\\ b\n# TYPE x gauge\nx{a=\"q\\\"\\n\"} +Inf\n").problems.empty());
}

TEST_CASE("--prometheus output passes the format check and carries the true values") {
  const std::string text = stats_to_prometheus(full_report());
  Exposition e = parse_exposition(text);
  for (const auto& p : e.problems) INFO(p);
  CHECK(e.problems.empty());
  for (const auto& [name, type] : e.types) CHECK(name.starts_with("claimcheck_"));
  CHECK(e.types["claimcheck_upload_latency_seconds"] == "summary");
  CHECK(e.samples["claimcheck_storage_objects"] == 2);
  CHECK(e.samples["claimcheck_storage_bytes"] == 150);
  CHECK(e.samples["claimcheck_storage_expired_bytes"] == 100);
  CHECK(e.samples["claimcheck_storage_expiring_objects{within=\"1d\"}"] == 1);
  CHECK(e.samples["claimcheck_operations_total{op=\"offload\"}"] == 100);
  CHECK(e.samples["claimcheck_upload_latency_seconds{quantile=\"0.5\"}"] == doctest::Approx(0.050));
  CHECK(e.samples["claimcheck_upload_latency_seconds{quantile=\"0.99\"}"] == doctest::Approx(0.099));
  CHECK(e.samples["claimcheck_upload_latency_seconds_count"] == 100);
  CHECK(e.samples["claimcheck_upload_latency_seconds_sum"] == doctest::Approx(5.050));
  CHECK(e.samples["claimcheck_errors_total{exit_code=\"5\"}"] == 1);
  CHECK(e.samples["claimcheck_compression_ratio"] == doctest::Approx(0.4));
  CHECK(std::isnan(e.samples["claimcheck_download_latency_seconds{quantile=\"0.5\"}"]));
}
