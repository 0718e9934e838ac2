#include "workers/bucket_object_check.hpp"

#include "common/digest.hpp"
#include "common/image_id.hpp"
#include "common/log.hpp"
#include "workers/bucket_event_scope.hpp"

namespace fotogal::worker {

CheckedObject check_bucket_object(storage::ObjectStore& store, const events::ImageRequest& request,
                                  const nlohmann::json& manifest) {
    auto bytes = store.get(request.object_key);
    if (!bytes) return {ObjectState::gone, std::nullopt};
    const auto* source = manifest.contains("source") ? &manifest["source"] : nullptr;
    bool same = source && source->is_object() && source->value("key", "") == request.object_key &&
                source->value("sha256", "") == sha256_hex(*bytes);
    if (same) return {ObjectState::unchanged, std::nullopt};
    return {ObjectState::changed, std::move(bytes)};
}

void settle_ambiguous_key(storage::ObjectStore& store, events::ImageRequest& request) {
    auto sent = request.data.find("key_as_sent");
    if (sent == request.data.end() || !sent->is_string()) return;
    std::string other = sent->get<std::string>();
    if (other == request.object_key || store.head(request.object_key) || !store.head(other)) return;
    request.object_key = other;
    request.image_id = image_id_for_key(other);
}

void drop_gone_object(const events::ImageRequest& request) {
    log::info("bucket event dropped: the object is gone", {{"object_key", request.object_key},
                                                           {"image_id", request.image_id},
                                                           {"event_id", request.event_id}});
    count_skipped_bucket_event("object_gone");
}

}  // namespace fotogal::worker
