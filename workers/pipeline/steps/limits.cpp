#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// Runs on the header alone: a decompression bomb is refused before a pixel is allocated.
void limits(Job& job) {
    const Limits& limits = job.recipe.limits;
    if (job.input.size() > limits.max_bytes)
        throw ProcessingError("too_large", "the original is " + std::to_string(job.input.size()) +
                                               " bytes, over the limit of " +
                                               std::to_string(limits.max_bytes));
    auto pixels = static_cast<std::uint64_t>(job.header->width) * job.header->height;
    if (pixels > limits.max_pixels)
        throw ProcessingError("too_many_pixels",
                              "the image declares " + std::to_string(job.header->width) + "x" +
                                  std::to_string(job.header->height) + " = " +
                                  std::to_string(pixels) + " pixels, over the limit of " +
                                  std::to_string(limits.max_pixels));
}

}  // namespace fotogal::pipeline::steps
