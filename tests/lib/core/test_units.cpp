// Sizes and durations: a table of inputs and the expected values.
#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

using claimcheck::Error;
using claimcheck::ErrorKind;
using namespace std::chrono_literals;

TEST_CASE("parse_size accepts bytes, decimal and binary suffixes") {
  struct Case { const char* text; std::uint64_t bytes; };
  const Case cases[] = {
      {"0", 0},           {"51200", 51200},        {"50KiB", 51200},
      {"50KB", 50000},    {"50kb", 50000},         {"50K", 51200},
      {"1MB", 1000000},   {"1MiB", 1048576},       {"1M", 1048576},
      {"2G", 2147483648}, {"2GB", 2000000000},     {"2GiB", 2147483648},
      {"1TB", 1000000000000}, {"1TiB", 1099511627776}, {"512B", 512},
      {" 8 MiB ", 8388608}, {"1.5MiB", 1572864},   {"0.5K", 512},
      {"18446744073709551615", 18446744073709551615ull},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(claimcheck::parse_size(c.text, "--threshold") == c.bytes);
  }
}

TEST_CASE("parse_size rejects anything else, naming the source and the value") {
  const char* bad[] = {"", "12xyz", "KiB", "-1", "1.5", "1.", "1..5M", "5 Mbit",
                       "1e6", "0x10", "18446744073709551616", "20000000000T", "1MiB1"};
  for (const char* text : bad) {
    CAPTURE(text);
    try {
      claimcheck::parse_size(text, "CLAIMCHECK_THRESHOLD_BYTES");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Usage);
      CHECK(e.what_failed() == "CLAIMCHECK_THRESHOLD_BYTES");
      CHECK(e.why().find(std::string("'") + text + "'") != std::string::npos);
    }
  }
}

TEST_CASE("parse_duration accepts units and combinations") {
  struct Case { const char* text; std::chrono::seconds value; };
  const Case cases[] = {
      {"30d", 30 * 24h}, {"12h", 12h}, {"90s", 90s}, {"15m", 15min}, {"1w", 7 * 24h},
      {"1d12h", 36h},    {"1h30m", 90min}, {"2w1d", 15 * 24h}, {"0s", 0s},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(claimcheck::parse_duration(c.text, "--ttl") == c.value);
  }
}

TEST_CASE("parse_duration rejects bare numbers, unknown units and garbage") {
  const char* bad[] = {"", "30", "d", "1y", "1d12", "-1d", "1.5h", "h1", "1d 12h x",
                       "99999999999999999999s", "9999999999999999w", "1M", "36H", "30D", "1d12H"};
  for (const char* text : bad) {
    CAPTURE(text);
    try {
      claimcheck::parse_duration(text, "--ttl");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Usage);
      CHECK(e.what_failed() == "--ttl");
      CHECK(e.why().find(std::string("'") + text + "'") != std::string::npos);
    }
  }
}

TEST_CASE("format_size") {
  CHECK(claimcheck::format_size(0) == "0 B");
  CHECK(claimcheck::format_size(340) == "340 B");
  CHECK(claimcheck::format_size(1023) == "1023 B");
  CHECK(claimcheck::format_size(1024) == "1 KiB");
  CHECK(claimcheck::format_size(51200) == "50 KiB");
  CHECK(claimcheck::format_size(1258291) == "1.2 MiB");
  CHECK(claimcheck::format_size(5ull << 30) == "5 GiB");
}

TEST_CASE("format_duration shows the two largest units") {
  CHECK(claimcheck::format_duration(0s) == "0s");
  CHECK(claimcheck::format_duration(45s) == "45s");
  CHECK(claimcheck::format_duration(310s) == "5m 10s");
  CHECK(claimcheck::format_duration(3600s) == "1h");
  CHECK(claimcheck::format_duration(30 * 24h - 1h) == "29d 23h");
  CHECK(claimcheck::format_duration(30 * 24h + 5min) == "30d");
  CHECK(claimcheck::format_duration(-7200s) == "-2h");
}

TEST_CASE("format_time_left agrees with expiry: the last second is still time left") {
  const std::chrono::system_clock::time_point expiry{std::chrono::seconds(1800000000)};
  CHECK(claimcheck::format_time_left(expiry, expiry - 30 * 24h + 1h) == "29d 23h");
  CHECK(claimcheck::format_time_left(expiry, expiry - 500ms) == "0s");  // was "expired 0s ago"
  CHECK(claimcheck::format_time_left(expiry, expiry) == "expired 0s ago");
  CHECK(claimcheck::format_time_left(expiry, expiry + 2h + 500ms) == "expired 2h ago");
}
