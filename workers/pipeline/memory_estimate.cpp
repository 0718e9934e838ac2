#include "workers/pipeline/memory_estimate.hpp"

#include <algorithm>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/geometry.hpp"

namespace fotogal::pipeline {

namespace {

// The JPEG DCT scale (M/8) the decode step will use: the larger of the two orientations'
// needs, since the EXIF orientation is not known here.
int jpeg_eighths(const Recipe& recipe, int w, int h) {
    cv::Size upright = shrink_on_load_target(recipe, w, h);
    cv::Size turned = shrink_on_load_target(recipe, h, w);
    return std::max(jpeg_scale_eighths(w, h, upright.width, upright.height),
                    jpeg_scale_eighths(w, h, turned.height, turned.width));
}

std::uint64_t bgra_bytes(cv::Size s) {
    return static_cast<std::uint64_t>(s.width) * static_cast<std::uint64_t>(s.height) * 4;
}

}  // namespace

MemoryEstimate estimate_memory(const formats::ImageHeader& header, const PixelLayout& layout,
                               const Recipe& recipe, std::uint64_t input_bytes) {
    MemoryEstimate e;
    int w = static_cast<int>(std::max<std::uint32_t>(1, header.width));
    int h = static_cast<int>(std::max<std::uint32_t>(1, header.height));
    e.decode_width = static_cast<std::uint64_t>(w);
    e.decode_height = static_cast<std::uint64_t>(h);
    if (layout.shrinks_on_load) {
        int m = jpeg_eighths(recipe, w, h);
        e.decode_width = (e.decode_width * m + 7) / 8;  // libjpeg rounds up
        e.decode_height = (e.decode_height * m + 7) / 8;
    }
    std::uint64_t pixels = e.decode_width * e.decode_height;
    e.decoded_bytes = pixels * static_cast<std::uint64_t>(std::max(1, layout.channels)) *
                      static_cast<std::uint64_t>(std::max(1, layout.bytes_per_sample));
    e.srgb_bytes = pixels * (layout.alpha ? 4 : 3);
    // Renditions are made from the upright picture: either orientation may be the real one.
    for (bool turned : {false, true}) {
        int rw = turned ? h : w, rh = turned ? w : h;
        std::uint64_t sum = bgra_bytes(cv::Size(std::min(rw, 512), std::min(rh, 512)));
        for (const auto& spec : recipe.renditions) {
            sum += bgra_bytes(rendition_size(spec, rw, rh));
            if (spec.fit == Fit::cover) sum += bgra_bytes(scaled_size(spec, rw, rh));
        }
        e.rendition_bytes = std::max(e.rendition_bytes, sum);
    }
    e.total = input_bytes + layout.decoder_full_size_bytes + 2 * e.decoded_bytes + e.srgb_bytes +
              e.rendition_bytes + kPerImageOverhead;
    return e;
}

}  // namespace fotogal::pipeline
