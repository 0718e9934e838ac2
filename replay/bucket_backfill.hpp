// Backfill from the bucket: list the originals (past the stream's retention, which is at
// most 7 days on OCI Streaming) and publish a reprocess event for each.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include "common/storage/object_store.hpp"
#include "replay/progress_display.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/reprocess_sink.hpp"
#include "replay/summary.hpp"

namespace fotogal::replay {

struct BackfillSettings {
    std::string prefix = "originals/";  // key prefix listed
    // A time range selects by the creation time in the image id (UUIDv7, given by ingest);
    // objects without one (written straight into the bucket) are skipped when a range is set.
    std::optional<std::int64_t> since_ms;
    std::optional<std::int64_t> until_ms;
    bool force = false;
    bool dry_run = false;
    std::string source;
    std::size_t page_size = 1000;
};

Counts backfill_bucket(storage::ObjectStore& store, ReprocessSink& sink, RateLimiter& rate,
                       ProgressDisplay& progress, const BackfillSettings& settings,
                       std::stop_token stop);

}  // namespace fotogal::replay
