// WebP through libwebp: still pictures, lossy or lossless, with alpha, decoded straight into
// OpenCV's BGR(A) order; the ICC profile from the ICCP chunk. An animation is refused: it has
// no single picture to stand for it (libwebp's simple API decodes no animation either).
#include <webp/decode.h>

#include <string>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/decoders/icc_chunks.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

DecodedImage decode_webp(Bytes bytes, const DecodeRequest& request) {
    WebPBitstreamFeatures features;
    VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
    if (status == VP8_STATUS_NOT_ENOUGH_DATA)
        throw ProcessingError("truncated", "the WebP's data ends before its header is complete");
    if (status != VP8_STATUS_OK)
        throw ProcessingError("undecodable", "libwebp cannot read this WebP's header (error " +
                                                 std::to_string(static_cast<int>(status)) + ")");
    if (features.has_animation)
        throw ProcessingError("undecodable",
                              "the WebP is an animation; only still WebP pictures are decoded");
    if (features.width <= 0 || features.height <= 0)
        throw ProcessingError("undecodable", "the WebP has no size");
    if (request.max_pixels &&
        static_cast<std::uint64_t>(features.width) * features.height > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the WebP is larger than allowed");

    DecodedImage out;
    out.colour.has_alpha = features.has_alpha;
    out.pixels.create(features.height, features.width, features.has_alpha ? CV_8UC4 : CV_8UC3);
    auto* buffer = out.pixels.ptr<std::uint8_t>();
    std::size_t buffer_size = out.pixels.total() * out.pixels.elemSize();
    int stride = static_cast<int>(out.pixels.step[0]);
    const std::uint8_t* ok =
        features.has_alpha
            ? WebPDecodeBGRAInto(bytes.data(), bytes.size(), buffer, buffer_size, stride)
            : WebPDecodeBGRInto(bytes.data(), bytes.size(), buffer, buffer_size, stride);
    if (!ok)
        throw ProcessingError("undecodable",
                              "libwebp could not decode the WebP's picture (corrupt or cut short)");
    out.colour.icc_profile = webp_icc_profile(bytes);
    return out;
}

}  // namespace fotogal::pipeline
