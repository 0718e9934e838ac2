// Bucket events are at-least-once and say nothing about content: a server may notify twice
// for one write, a client may PUT the same bytes again, and an object may be deleted before
// its notification is handled. The image is processed once per content: an event whose
// object still holds what the current manifest was made from (same SHA-256) is skipped; a
// changed object is processed again; a gone one is dropped with a log line, neither a
// failed manifest nor a dead letter (nothing is wrong with the pipeline or the event).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/events/image_events.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal::worker {

enum class ObjectState { gone, unchanged, changed };

struct CheckedObject {
    ObjectState state = ObjectState::gone;
    // The object's bytes when it changed: the work goes on with them, not a second read.
    std::optional<std::vector<std::uint8_t>> bytes;
};

// Reads the object `request` names and compares it with the source the current `manifest`
// records. Storage errors go up (the retry layer decides).
CheckedObject check_bucket_object(storage::ObjectStore& store, const events::ImageRequest& request,
                                  const nlohmann::json& manifest);

// An S3 event's key with '+' or '%' reads two ways (AWS encodes keys, versitygw does not):
// when the decoded key is not in the bucket but the key as sent is, the request is switched
// to that one (and its image id with it). One HEAD, only for such keys.
void settle_ambiguous_key(storage::ObjectStore& store, events::ImageRequest& request);

// Logs and counts (fotogal_bucket_events_skipped_total{reason="object_gone"}) a bucket
// event whose object is no longer in the bucket.
void drop_gone_object(const events::ImageRequest& request);

}  // namespace fotogal::worker
