// Which objects a bucket event (OCI Object Storage "createobject", written by the bucket itself
// rather than by ingest) may start work for. Ingest announces every upload it stores under
// originals/ with its own event, and the pipeline writes renditions/ and manifests/; a bucket
// event about any of those would process an image twice or feed the pipeline its own output.
// Those are never processed; when a drop-off prefix is configured (the chart sets incoming/, the
// prefix its OCI Events rule covers), only objects under it are.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/events/image_events.hpp"

namespace fotogal::worker {

struct BucketEventScope {
    // FOTOGAL_DROPOFF_PREFIX. Empty (the default): any key outside the pipeline's own layout.
    std::string dropoff_prefix;
};

// Nothing when a bucket event about `key` is in scope; otherwise why it is not.
std::optional<std::string> bucket_event_out_of_scope(const BucketEventScope& scope,
                                                     std::string_view key);

// Refuses a drop-off prefix inside the pipeline's own layout (originals/, renditions/,
// manifests/): events about those objects are never processed, so nothing would ever run.
// Throws ConfigError.
void validate_dropoff_prefix(std::string_view prefix);

// True when `request` may be processed: events of our own types always, bucket events only in
// scope. A bucket event out of scope is logged and counted in
// fotogal_bucket_events_skipped_total, never dropped silently.
bool admit_bucket_event(const BucketEventScope& scope, const events::ImageRequest& request);

}  // namespace fotogal::worker
