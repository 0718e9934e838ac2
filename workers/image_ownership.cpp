#include "workers/image_ownership.hpp"

#include "common/image_visibility.hpp"

namespace fotogal::worker {

using nlohmann::json;

std::optional<Ownership> ownership_from_event(const events::ImageRequest& request) {
    if (!events::carries_upload_facts(request)) return std::nullopt;
    json attributes = request.data.is_object() ? request.data.value("attributes", json::object())
                                               : json::object();
    return Ownership{request.owner, upload_visibility(request.owner, attributes)};
}

Ownership ownership_from_manifest(const json& manifest) {
    return {recorded_owner(manifest), recorded_visibility(manifest)};
}

Ownership ownership_without_facts(const std::optional<std::string>& previous,
                                  const std::optional<Ownership>& reserved) {
    if (!previous)
        return reserved.value_or(Ownership{std::nullopt, std::string(kVisibilityPublic)});
    json manifest = json::parse(*previous, nullptr, /*allow_exceptions=*/false);
    if (!manifest.is_object()) return {std::nullopt, std::string(kVisibilityPrivate)};
    return ownership_from_manifest(manifest);
}

void record_ownership(json& record, const Ownership& ownership) {
    if (ownership.owner)
        record["owner"] = *ownership.owner;
    else
        record.erase("owner");
    record["visibility"] = ownership.visibility;
}

}  // namespace fotogal::worker
