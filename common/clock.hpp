// Wall-clock helpers: RFC 3339 timestamps for events, logs and manifests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fotogal {

// "2026-11-27T17:18:28.123Z"
std::string rfc3339(std::chrono::system_clock::time_point t);
inline std::string rfc3339_now() {
    return rfc3339(std::chrono::system_clock::now());
}

std::int64_t unix_millis_now();

}  // namespace fotogal
