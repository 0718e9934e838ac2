// An image's peak memory in the pipeline, estimated from its header alone (before a pixel is
// decoded), so the worker can reserve it from its memory budget first. Pure arithmetic on
// sizes: the decode size after shrink-on-load, the decoded sample size, and what the recipe
// makes from it.
#pragma once

#include <cstdint>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/pixel_layout.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fotogal::pipeline {

struct MemoryEstimate {
    std::uint64_t decode_width = 0;  // after shrink-on-load
    std::uint64_t decode_height = 0;
    std::uint64_t decoded_bytes = 0;    // the decoder's output, as stored (16-bit, float, ...)
    std::uint64_t srgb_bytes = 0;       // the same picture as 8-bit BGR(A)
    std::uint64_t rendition_bytes = 0;  // every rendition, thumbnail and analysis copy
    std::uint64_t total = 0;            // the peak to reserve
};

// Per image besides its pixels: OpenCV's resize and cvtColor row buffers, the encoders'
// output, the face detector's image pyramid on the 512-pixel analysis copy, saliency, JSON.
//
// The whole estimate errs high on purpose. fotogal-process's peak resident memory above that
// of an 8x8 PNG (`/usr/bin/time -f %M`, FOTOGAL_MEMORY_BUDGET=0) against the estimate (which
// FOTOGAL_MEMORY_BUDGET=1 prints): a 22 MP JPEG 33 MB / 52.5 MiB, a 16 MP JPEG 39 MB /
// 63.7 MiB, a 16 MP 16-bit RGBA PNG 177 MB / 336 MiB, an 81 MP RGBA PNG 365 MB / 958 MiB.
inline constexpr std::uint64_t kPerImageOverhead = 8ull << 20;

// The peak, as the pipeline's steps hold buffers at once (the largest of):
//   decode:   original bytes + decoder's full-size buffers + its output + one working copy
//   orient:   the decoded picture and its rotated copy
//   to_srgb:  the decoded picture, a depth-converted copy and the 8-bit BGR(A) result
//   then:     the 8-bit picture + every rendition + the analysis copy, and the encoded files
// summed as original + 2 x decoded + decoder buffers + 8-bit picture + renditions + overhead,
// which bounds each of them.
MemoryEstimate estimate_memory(const formats::ImageHeader& header, const PixelLayout& layout,
                               const Recipe& recipe, std::uint64_t input_bytes);

}  // namespace fotogal::pipeline
