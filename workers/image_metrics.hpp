// The dashboard's per-image figures, recorded where the worker finishes an image:
// fotogal_images_total{outcome,format} and fotogal_upload_to_manifest_seconds, the time from
// the upload (its event's record timestamp, set by ingest's producer) to its manifest.
#pragma once

#include <string_view>

#include "workers/incoming_message.hpp"
#include "workers/pipeline/job.hpp"

namespace fotogal::worker {

// `job`: null when the image failed before the pipeline ran (original missing, refused
// admission); its format is then "unknown".
void count_image(std::string_view outcome, const pipeline::Job* job);

// For a request that wrote a manifest. Reprocess events are left out: their record time is
// the replay's, not the upload's.
void observe_upload_to_manifest(const IncomingMessage& m, std::string_view event_type);

}  // namespace fotogal::worker
