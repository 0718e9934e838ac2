// What a connection may cost the server: how long a request head may take, how slowly a body
// may arrive, how long an idle keep-alive connection stays, how many connections and handler
// threads there are. Every slow or idle client is bounded by one of these.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "common/http/body_reader.hpp"

namespace fotogal::http {

struct ServerLimits {
    // A new connection's first request head must arrive within this; so must any later one,
    // counted from its first byte.
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds idle_timeout{75'000};  // keep-alive between requests
    std::size_t max_head_bytes = 32 * 1024;
    std::size_t max_connections = 1024;
    std::size_t api_threads = 64;
    std::size_t control_threads = 2;
    BodyLimits body;
    std::chrono::milliseconds linger{2'000};  // after a refusal, to let the response arrive
};

}  // namespace fotogal::http
