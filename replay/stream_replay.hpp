// Replay of the uploads topic: read a time or offset range with the replay's own consumer
// group, republish each image as a reprocess event, and stop at the high-water marks taken
// at the start (uploads arriving meanwhile are the live workers' business).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/kafka/partition_reader.hpp"
#include "replay/offset_spec.hpp"
#include "replay/progress_display.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/reprocess_sink.hpp"
#include "replay/summary.hpp"

namespace fotogal::replay {

// Where each partition's replay starts and ends (end exclusive).
struct PartitionPlan {
    std::int32_t partition = 0;
    std::int64_t start = 0;
    std::int64_t end = 0;
};

// What the broker said, per partition, and what the operator asked for.
struct PlanInputs {
    std::map<std::int32_t, kafka::Watermarks> watermarks;
    std::map<std::int32_t, std::int64_t> since_offsets;  // offsets_for_time(--since), -1 none
    std::map<std::int32_t, std::int64_t> until_offsets;  // offsets_for_time(--until + 1 ms)
    std::optional<OffsetSpec> from_offsets;
};

// One plan per partition to read (explicit offsets name their partitions; the others are
// all). Offsets before what retention kept start at the low mark; throws ConfigError for a
// partition the topic does not have.
std::vector<PartitionPlan> plan_partitions(const PlanInputs& inputs);

struct StreamReplaySettings {
    std::string uploads_topic;
    std::optional<std::int64_t> since_ms;
    std::optional<std::int64_t> until_ms;
    std::optional<OffsetSpec> from_offsets;
    bool force = false;
    bool dry_run = false;  // read and count, commit nothing
    std::string source;    // CloudEvents source of the reprocess events
};

Counts replay_stream(kafka::PartitionReader& reader, ReprocessSink& sink, RateLimiter& rate,
                     ProgressDisplay& progress, const StreamReplaySettings& settings,
                     std::stop_token stop);

}  // namespace fotogal::replay
