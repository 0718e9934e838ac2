// Format decoders, one per file, chosen by the sniffed format (the shape of OpenCV's
// imgcodecs): JPEG through libjpeg-turbo (DCT scaling, raw CMYK, ICC, warnings), GIF through
// giflib, HEIC/AVIF through libheif, the rest through OpenCV's imdecode plus our own reading
// of their ICC chunks. Each throws ProcessingError with a reason a user can act on.
#pragma once

#include <cstdint>
#include <span>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/decoders/decoded_image.hpp"

namespace fotogal::pipeline {

using Bytes = std::span<const std::uint8_t>;

// What the pipeline needs from the picture: at least this many pixels across and down (in
// stored, unrotated orientation); a decoder that can shrink on load stays at or above it.
struct DecodeRequest {
    int min_width = 0;
    int min_height = 0;
    std::uint64_t max_pixels = 0;  // safety net for decoders that learn the size late
};

DecodedImage decode_jpeg(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_gif(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_heif(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_with_opencv(formats::ImageFormat format, Bytes bytes);

// Dispatches on the sniffed format.
DecodedImage decode_image(formats::ImageFormat format, Bytes bytes, const DecodeRequest& request);

// The smallest M in 1..8 such that a w x h JPEG decoded at M/8 (libjpeg rounds up) is still
// at least need_w x need_h.
int jpeg_scale_eighths(int w, int h, int need_w, int need_h);

}  // namespace fotogal::pipeline
