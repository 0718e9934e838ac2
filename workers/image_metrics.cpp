#include "workers/image_metrics.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "common/events/event_types.hpp"
#include "common/formats/image_header.hpp"
#include "common/metrics.hpp"

namespace fotogal::worker {

void count_image(std::string_view outcome, const pipeline::Job* job) {
    std::string format =
        job && job->header ? std::string(formats::format_name(job->header->format)) : "unknown";
    metrics::counter("fotogal_images_total", "images finished, by outcome and source format",
                     {{"outcome", std::string(outcome)}, {"format", format}})
        .inc();
}

void observe_upload_to_manifest(const IncomingMessage& m, std::string_view event_type) {
    if (!m.timestamp_ms || event_type == events::kReprocess) return;
    using namespace std::chrono;
    auto now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    // Clocks of ingest and worker hosts differ a little: never a negative latency.
    double seconds = std::max<double>(0, double(now_ms - *m.timestamp_ms) / 1000.0);
    // Up to 10 minutes: a backlog being worked off shows in the upper buckets.
    metrics::histogram("fotogal_upload_to_manifest_seconds",
                       "time from an upload's event to its manifest (processed or failed)", {},
                       {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600})
        .observe(seconds);
}

}  // namespace fotogal::worker
