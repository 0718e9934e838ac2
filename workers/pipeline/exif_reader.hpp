// EXIF read with libexif from wherever the format keeps it (the header probe finds it):
// orientation, plus the camera facts the manifest records. Never copied into renditions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "common/formats/image_header.hpp"

namespace fotogal::pipeline {

struct ExifFacts {
    int orientation = 1;  // 1..8; anything else in the file (0, 9, garbage) counts as 1
    // camera {make, model}, taken_at (ISO 8601), exposure {exposure_time_s, f_number, iso,
    // focal_length_mm}, gps {latitude, longitude, altitude_m}: numbers, each only if present.
    nlohmann::json fields = nlohmann::json::object();
};

ExifFacts read_exif(std::span<const std::uint8_t> file, const formats::ImageHeader& header);

}  // namespace fotogal::pipeline
