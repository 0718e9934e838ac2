#include "workers/bucket_event_scope.hpp"

#include <array>

#include "common/config.hpp"
#include "common/events/event_types.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"

namespace fotogal::worker {

namespace {

constexpr std::array kLayoutPrefixes = {keys::kOriginalsPrefix, keys::kRenditionsPrefix,
                                        keys::kManifestsPrefix};

// The pipeline's own prefix `key` lies under, if any.
std::optional<std::string_view> layout_prefix_of(std::string_view key) {
    for (std::string_view layout : kLayoutPrefixes)
        if (key.starts_with(layout)) return layout;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> bucket_event_out_of_scope(const BucketEventScope& scope,
                                                     std::string_view key) {
    if (auto layout = layout_prefix_of(key))
        return "the pipeline's own key under " + std::string(*layout) +
               " (ingest announces originals itself; renditions and manifests are outputs)";
    if (!key.starts_with(scope.dropoff_prefix))
        return "outside the drop-off prefix '" + scope.dropoff_prefix + "'";
    return std::nullopt;
}

void validate_dropoff_prefix(std::string_view prefix) {
    if (auto layout = layout_prefix_of(prefix))
        throw ConfigError("FOTOGAL_DROPOFF_PREFIX '" + std::string(prefix) +
                          "' lies inside the pipeline's own " + std::string(*layout) +
                          "; choose a prefix ingest never writes, e.g. incoming/");
}

bool admit_bucket_event(const BucketEventScope& scope, const events::ImageRequest& request) {
    if (request.type != events::kOciCreateObject) return true;
    auto reason = bucket_event_out_of_scope(scope, request.object_key);
    if (!reason) return true;
    log::info(
        "bucket event skipped",
        {{"object_key", request.object_key}, {"event_id", request.event_id}, {"reason", *reason}});
    const char* label = layout_prefix_of(request.object_key) ? "pipeline_key" : "outside_dropoff";
    metrics::counter("fotogal_bucket_events_skipped_total",
                     "bucket events not processed: the pipeline's own keys, or outside the "
                     "drop-off prefix",
                     {{"reason", label}})
        .inc();
    return false;
}

}  // namespace fotogal::worker
