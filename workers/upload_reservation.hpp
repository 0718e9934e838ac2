// The owner and visibility a direct upload's reservation (reservations/<id>.json, written by
// POST /v1/uploads before it handed out the URL) records, for a bucket event about
// originals/<id>, which names only the object.
#pragma once

#include <optional>
#include <string>

#include "common/log_context.hpp"
#include "common/storage/object_store.hpp"
#include "workers/image_ownership.hpp"

namespace fotogal::worker {

// What the reservation's `text` says: nullopt when it is not a reservation for `image_id`,
// which the caller treats as private to nobody, never as public.
std::optional<Ownership> ownership_from_reservation(const std::string& text,
                                                    const std::string& image_id);

// The store's reservation for `image_id`: nothing when there is none (the image was written
// into the bucket some other way); its owner and visibility when it is one; private to nobody,
// with a warning in `log`, when it is not. Throws StorageError, as any read of the store.
std::optional<Ownership> reserved_ownership(storage::ObjectStore& store,
                                            const std::string& image_id, const log::Context& log);

}  // namespace fotogal::worker
