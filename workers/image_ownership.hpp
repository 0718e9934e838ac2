// Whose image it is and who may see it, as the worker records it in the manifest and the
// result event. An upload (or a replay of one) says so itself; a backfill or bucket event
// knows only the object, so the image keeps what its earlier manifest recorded (a reprocess
// never changes an image's owner or opens a private image up), else what the reservation of
// the upload URL it came through recorded.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/events/image_events.hpp"

namespace fotogal::worker {

struct Ownership {
    std::optional<std::string> owner;  // nullopt: anonymous
    std::string visibility;            // "public" or "private"
};

// What the event says, when it carries upload facts (events::carries_upload_facts).
std::optional<Ownership> ownership_from_event(const events::ImageRequest& request);

// What an earlier manifest recorded (recorded_owner / recorded_visibility).
Ownership ownership_from_manifest(const nlohmann::json& manifest);

// For an event without upload facts: `previous` is the stored manifest's text, nullopt when
// there is none; `reserved` is what the upload URL's reservation says (workers/
// upload_reservation), nullopt when there is none. The earlier manifest wins (a reprocess
// never changes an owner), then the reservation; with neither, nobody is known to own the
// image, so it is anonymous and public, like any object written straight into the bucket. A
// manifest that is not JSON keeps the image private to nobody rather than guessing it public.
Ownership ownership_without_facts(const std::optional<std::string>& previous,
                                  const std::optional<Ownership>& reserved = std::nullopt);

// Sets `owner` (only when known) and `visibility` on a manifest or a result event's data.
void record_ownership(nlohmann::json& record, const Ownership& ownership);

}  // namespace fotogal::worker
