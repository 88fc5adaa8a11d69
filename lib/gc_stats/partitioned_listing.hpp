// Listing a prefix a partition at a time, several side by side. claimcheck's
// keys are `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`: one folder per expiry
// date. On S3 a page of 1000 keys costs a round trip, so gc and stats over
// a million objects wait mostly on the network; listing the dates in
// parallel overlaps those waits. Pages still reach the caller on its own
// thread and in a fixed order, so gc's decisions, its dry-run list and
// --limit stay what a plain listing gives.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "stores/store.hpp"

namespace claimcheck {

/// Pages waiting for the caller from one partition, and from all the
/// partitions behind the one being delivered (about 300 KiB each): what
/// bounds memory whatever the partitions' sizes.
constexpr std::size_t kMaxBufferedListingPages = 32;

using ListingPageHandler = std::function<bool(const std::vector<ObjectInfo>&)>;

/// Every object under `prefix`, as Store::list gives them. concurrency 1:
/// exactly one Store::list (a request per page, the sub-prefixes not
/// looked at). Above 1: one delimiter listing (Store::list_level) for the
/// objects directly under the prefix and the sub-prefixes, then up to
/// `concurrency` sub-prefixes listed at once. `on_page` runs on the calling
/// thread: first the objects directly under the prefix, then each
/// sub-prefix's pages in key order; returning false stops every listing.
/// A listing error is thrown here when its turn comes, after the pages
/// before it.
void list_partitioned(Store& store, const std::string& prefix, int concurrency,
                      const ListingPageHandler& on_page);

}  // namespace claimcheck
