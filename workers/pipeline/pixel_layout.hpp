// How a file's pixels will look once decoded, read from its header before any decoding:
// channels and bytes per sample of the decoder's output (a 16-bit RGBA PNG decodes to 8
// bytes a pixel, a float TIFF to 4 or 8 per sample), and the decoder's own whole-image
// buffers (a progressive JPEG keeps every DCT coefficient of the full-size picture). The
// memory estimate multiplies these by the decoded size.
#pragma once

#include <cstdint>
#include <span>

#include "common/formats/image_header.hpp"

namespace fotogal::pipeline {

struct PixelLayout {
    int channels = 4;              // of the decoded picture, as stored (before to_srgb)
    int bytes_per_sample = 1;      // 1 (8-bit), 2 (16-bit), 4 (float), 8 (double)
    bool alpha = true;             // the 8-bit picture after to_srgb keeps 4 channels
    bool shrinks_on_load = false;  // the decoder can decode at a fraction of the size (JPEG)
    // Bytes the decoder holds besides its output: progressive JPEG coefficients of the
    // full-size picture, the largest PNG ancillary chunk as declared; 0 for strip decoders.
    std::uint64_t decoder_full_size_bytes = 0;
};

// Never throws: fields it cannot read are taken at their largest plausible value for the
// format, so the estimate errs high, never low.
PixelLayout pixel_layout(const formats::ImageHeader& header, std::span<const std::uint8_t> bytes);

}  // namespace fotogal::pipeline
