// Where the JWKS text comes from: a file, or an http(s) URL fetched with libcurl (bounded in
// time and size, so a slow or hostile endpoint cannot stall or bloat the ingest).
#pragma once

#include <chrono>
#include <string>

namespace fotogal::ingest::auth {

struct JwksFetchLimits {
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds total_timeout{5000};
    std::size_t max_bytes = 1024 * 1024;
};

// `location` is an http:// or https:// URL, or a file path (file:// accepted). Throws
// std::runtime_error saying what went wrong.
std::string fetch_jwks(const std::string& location, const JwksFetchLimits& limits = {});

}  // namespace fotogal::ingest::auth
