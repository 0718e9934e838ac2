#include <string>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/jpeg_completeness.hpp"
#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// One decoder per format (decoders/), chosen by the sniffed format. The pixels stay as the
// file stores them (grey, CMYK, 16-bit, alpha); to_srgb converts them after orient.
void decode(Job& job) {
    const formats::ImageHeader& header = *job.header;
    if (header.format == formats::ImageFormat::jpeg && !jpeg_is_complete(job.input))
        throw ProcessingError("truncated", "the JPEG is cut short (no end-of-image marker)");
    // What the largest rendition needs, in stored (unrotated) orientation.
    cv::Size need = shrink_on_load_target(job.recipe, job.oriented_width, job.oriented_height);
    bool swaps_axes = job.orientation >= 5 && job.orientation <= 8;
    DecodeRequest request{swaps_axes ? need.height : need.width,
                          swaps_axes ? need.width : need.height, job.recipe.limits.max_pixels};
    DecodedImage decoded = decode_image(header.format, job.input, request);
    job.image = std::move(decoded.pixels);
    job.colour = std::move(decoded.colour);
    job.decode_numerator = decoded.scale_numerator;
    job.decode_denominator = decoded.scale_denominator;
    for (auto& w : decoded.warnings) job.warnings.push_back(std::move(w));
    if (decoded.already_oriented) {  // HEIF: irot/imir applied, EXIF orientation must not be
        job.orientation = 1;
        job.oriented_width = job.image.cols;
        job.oriented_height = job.image.rows;
    }
    job.metadata["decoded"] = {{"width", job.image.cols},
                               {"height", job.image.rows},
                               {"scale", std::to_string(job.decode_numerator) + "/" +
                                             std::to_string(job.decode_denominator)}};
}

}  // namespace fotogal::pipeline::steps
