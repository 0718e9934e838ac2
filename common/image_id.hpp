// Image ids: UUIDv7 (time-ordered) for uploads; for objects that arrive straight in the
// bucket, an id derived deterministically from the object key, so a repeated bucket event
// maps to the same image (DESIGN.md §3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fotogal {

std::string new_image_id();  // UUIDv7, lowercase canonical form
// "originals/<uuid>" yields that uuid; any other key a UUIDv8 built from SHA-256 of the key.
std::string image_id_for_key(std::string_view object_key);
// Canonical lowercase 8-4-4-4-12 hex; ids go into object keys, so nothing else is accepted.
bool is_valid_image_id(std::string_view id);
// The creation time a UUIDv7 id carries (Unix milliseconds); nullopt for any other id, such
// as the UUIDv8 ids derived from object keys, which carry no time.
std::optional<std::int64_t> uuidv7_unix_millis(std::string_view id);
// The first 13 characters ("xxxxxxxx-xxxx") every UUIDv7 id made in that millisecond starts
// with; canonical ids sort by time, so this bounds a key range in a sorted listing.
std::string uuidv7_time_prefix(std::int64_t unix_millis);

}  // namespace fotogal
