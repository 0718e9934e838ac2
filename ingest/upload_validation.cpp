#include "ingest/upload_validation.hpp"

namespace fotogal::ingest {

Validation validate_upload(std::span<const std::uint8_t> body, const UploadLimits& limits) {
    if (body.empty()) return ApiError{400, "empty_body", "the upload has no bytes"};
    if (body.size() > limits.max_bytes)
        return ApiError{413, "too_large",
                        "the upload is " + std::to_string(body.size()) + " bytes; the limit is " +
                            std::to_string(limits.max_bytes)};
    std::optional<formats::ImageHeader> header;
    try {
        header = formats::probe_header(body);
    } catch (const formats::InvalidHeader& e) {
        return ApiError{422, "invalid_header", e.what()};
    }
    if (!header)
        return ApiError{415, "unsupported_format",
                        "the bytes are not an image in a supported format (JPEG, PNG, WebP, "
                        "GIF, TIFF, BMP, PNM, JPEG 2000, HEIC, AVIF, Radiance HDR, Sun raster)"};
    auto pixels = static_cast<std::uint64_t>(header->width) * header->height;
    if (pixels > limits.max_pixels)
        return ApiError{422, "too_many_pixels",
                        "the image declares " + std::to_string(header->width) + "x" +
                            std::to_string(header->height) + " pixels; the limit is " +
                            std::to_string(limits.max_pixels) + " pixels"};
    return *header;
}

}  // namespace fotogal::ingest
