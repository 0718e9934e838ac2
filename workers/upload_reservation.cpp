#include "workers/upload_reservation.hpp"

#include "common/image_visibility.hpp"
#include "common/object_keys.hpp"
#include "common/upload_reservation.hpp"

namespace fotogal::worker {

std::optional<Ownership> ownership_from_reservation(const std::string& text,
                                                    const std::string& image_id) {
    auto reservation = parse_reservation(text);
    if (!reservation || reservation->image_id != image_id) return std::nullopt;
    // Read with the manifest's rules: an unknown visibility keeps the image to its owner.
    return ownership_from_manifest(reservation_json(*reservation));
}

std::optional<Ownership> reserved_ownership(storage::ObjectStore& store,
                                            const std::string& image_id, const log::Context& log) {
    const std::string key = keys::reservation(image_id);
    auto bytes = store.get(key);
    if (!bytes) return std::nullopt;
    if (auto ownership = ownership_from_reservation({bytes->begin(), bytes->end()}, image_id))
        return ownership;
    // Someone wrote it, so someone may own the image: keep it to nobody rather than guess.
    log.warn("the upload reservation is unreadable; the image stays private to nobody",
             {{"key", key}});
    return Ownership{std::nullopt, std::string(kVisibilityPrivate)};
}

}  // namespace fotogal::worker
