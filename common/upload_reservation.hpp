// The reservation POST /v1/uploads writes at reservations/<image id>.json before it hands out
// a URL that PUTs straight into the bucket (S3 presigned PUT, OCI pre-authenticated request).
// The bucket's own event for originals/<id> carries no owner; the worker reads the owner and
// visibility from here instead (DESIGN.md §3 layout; docs/uploads.md "The owner").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace fotogal {

struct UploadReservation {
    std::string image_id;
    std::optional<std::string> owner;  // nullopt: an anonymous upload
    std::string visibility;            // "public" or "private", as the upload asked
    std::string content_type;          // what the URL was issued for
    std::uint64_t max_bytes = 0;
    std::string expires_at;  // RFC 3339, when the URL stops working
};

// The object's JSON: `owner` only when known, as in a manifest.
nlohmann::json reservation_json(const UploadReservation& reservation);

// The reservation `text` holds, or nullopt when it is not one: not JSON, or a field missing or
// of the wrong type (an owner present but not a non-empty string included). The caller decides
// what an unreadable reservation means; it is never read as "no owner".
std::optional<UploadReservation> parse_reservation(std::string_view text);

}  // namespace fotogal
