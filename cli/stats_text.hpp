// `stats` for people: the storage and operations views as aligned text.
#pragma once

#include <string>

#include "gc_stats/stats.hpp"

namespace claimcheck::cli {

std::string stats_to_text(const StatsReport& report);

}  // namespace claimcheck::cli
