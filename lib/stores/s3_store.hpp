// S3, R2 or radosgw through sigv4::S3Client: single PUT for small objects,
// parallel multipart for large ones, memory bounded by part size x concurrency.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "stores/store.hpp"

namespace claimcheck {

struct S3StoreTuning {
  std::size_t part_size = 8u << 20;
  int upload_concurrency = 4;
};

/// An S3 store's location(): "s3://bucket".
std::string s3_store_location(const std::string& bucket);

std::unique_ptr<Store> make_s3_store(const S3Settings& settings, StoreLines lines = {},
                                     S3StoreTuning tuning = {});

}  // namespace claimcheck
