// Which objects a bucket event (OCI Object Storage "createobject" or an S3 ObjectCreated
// notification, written by the bucket itself rather than by ingest) may start work for.
//
// S3 notifications are how direct uploads (a client PUTs to a presigned URL for
// originals/<id>, no byte through ingest) reach the workers: for them, only objects under the
// store's originals/ are in scope, in the store's own bucket and under its key prefix. An
// original ingest stored and announced itself also raises one; the worker then finds the
// manifest made from the same content and skips it (workers/bucket_object_check).
//
// OCI createobject events carry direct uploads the same way (a client PUTs to a
// pre-authenticated request for originals/<image id>): an original under the store's
// originals/ with a valid image id is in scope, and the content check skips it when ingest
// stored and announced it itself. They also serve the drop-off flow: an object written
// straight into the bucket outside the pipeline's layout is processed, only under the drop-off
// prefix when one is configured (the chart sets incoming/). renditions/ and manifests/ (the
// pipeline's own output), reservations/ (ingest's record of who owns an upload URL's image)
// and originals/ keys that are not image ids are never processed, under the store's key
// prefix or at the bucket's root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/events/image_events.hpp"

namespace fotogal::worker {

struct BucketEventScope {
    // FOTOGAL_DROPOFF_PREFIX. Empty (the default): any key outside the pipeline's own layout.
    std::string dropoff_prefix;
    // The store's bucket and key prefix ("" or "some/folder/") from FOTOGAL_STORAGE. An
    // empty bucket (file:// stores) accepts S3 notifications from any bucket.
    std::string bucket{};
    std::string key_prefix{};
};

// The scope for a worker whose store is `storage_url` (s3://bucket/prefix?…,
// oci://namespace/bucket/prefix?…, file://…).
BucketEventScope bucket_event_scope_for(const std::string& storage_url, std::string dropoff_prefix);

// Nothing when a bucket event about `key` is in scope; otherwise why it is not.
std::optional<std::string> bucket_event_out_of_scope(const BucketEventScope& scope,
                                                     std::string_view key);

// Refuses a drop-off prefix inside the pipeline's own layout (originals/, renditions/,
// manifests/, reservations/): events about those objects are never processed, so nothing would ever
// run. Throws ConfigError.
void validate_dropoff_prefix(std::string_view prefix);

// True when `request` may be processed: events of our own types always, bucket events only in
// scope. A bucket event out of scope is logged and counted in
// fotogal_bucket_events_skipped_total, never dropped silently. An admitted S3 request's
// object_key becomes the key inside the store (its prefix removed) and its image_id the one
// derived from that key, so originals/<id> is image <id>.
bool admit_bucket_event(const BucketEventScope& scope, events::ImageRequest& request);

// One more bucket event not processed, by reason (fotogal_bucket_events_skipped_total).
void count_skipped_bucket_event(const char* reason);

}  // namespace fotogal::worker
