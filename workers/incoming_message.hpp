// One consumed event as the worker's handler sees it, and the record of its failed attempts
// that goes into a dead-letter record when the retry budget is spent.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/trace/trace_context.hpp"

namespace fotogal::worker {

struct IncomingMessage {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string value;
    std::optional<std::int64_t> timestamp_ms{};  // the record's (producer's) time, ms since epoch
    std::stop_token abandon{};  // requested when the event is no longer ours (revoke, shutdown)
    // This worker's hop of the event's trace, taken once per delivery so every attempt, log
    // line, result event and dead-letter record shares it; invalid until the loop sets it.
    trace::TraceContext trace{};
};

struct AttemptRecord {
    int attempt = 0;
    std::string time;  // RFC 3339, when the attempt failed
    std::string kind;  // transient, permanent, poison
    std::string code;
    std::string error;
};
using AttemptHistory = std::vector<AttemptRecord>;

}  // namespace fotogal::worker
