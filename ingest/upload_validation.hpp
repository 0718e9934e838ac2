// What ingest checks before it accepts an upload: size, format by signature (never by
// name), a believable header, and the pixel limit — all without decoding a pixel.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "common/formats/image_header.hpp"

namespace fotogal::ingest {

struct UploadLimits {
    std::uint64_t max_bytes = 50ull * 1024 * 1024;
    std::uint64_t max_pixels = 100'000'000;
};

// An answer for the client: HTTP status, stable code, words a user can act on.
struct ApiError {
    int status = 400;
    std::string code;
    std::string message;
};

using Validation = std::variant<formats::ImageHeader, ApiError>;

Validation validate_upload(std::span<const std::uint8_t> body, const UploadLimits& limits);

}  // namespace fotogal::ingest
