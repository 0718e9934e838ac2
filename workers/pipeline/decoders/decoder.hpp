// Format decoders, one per file, chosen by the sniffed format, each calling its codec library
// directly (OpenCV's imgcodecs is not linked: it pulls a desktop stack into the image): JPEG
// through libjpeg-turbo (DCT scaling, raw CMYK, ICC, warnings), PNG through libpng (with
// allocation caps), WebP through libwebp, TIFF through libtiff, JPEG 2000 through OpenJPEG,
// GIF through giflib, HEIC/AVIF through libheif. Each throws ProcessingError with a reason a
// user can act on.
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
DecodedImage decode_png(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_webp(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_tiff(Bytes bytes, const DecodeRequest& request);
DecodedImage decode_jp2(Bytes bytes, const DecodeRequest& request);

// Dispatches on the sniffed format; a format without a decoder fails as unsupported_format.
DecodedImage decode_image(formats::ImageFormat format, Bytes bytes, const DecodeRequest& request);

// The smallest M of 1, 2 and 4 such that a w x h JPEG decoded at M/8 (libjpeg rounds up) is
// still at least twice need_w x need_h, else 8 (no shrink). libjpeg's DCT scaling is a block
// filter that softens; leaving a factor of two to the Lanczos reduction keeps renditions as
// crisp as libvips', which shrinks on load by the same rule.
int jpeg_scale_eighths(int w, int h, int need_w, int need_h);

}  // namespace fotogal::pipeline
