#include <algorithm>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/resample.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// Largest first, each reduced from the previous rendition: the nearest larger picture, far
// cheaper to read than the decoded one. Nothing is sharpened, so nothing compounds from size to
// size; the Lanczos kernel keeps what a reduction can keep (resample.hpp).
void renditions(Job& job) {
    std::vector<const RenditionSpec*> fits;
    for (const auto& spec : job.recipe.renditions)
        if (spec.fit == Fit::fit) fits.push_back(&spec);
    auto w = job.oriented_width, h = job.oriented_height;
    std::stable_sort(fits.begin(), fits.end(), [&](auto* a, auto* b) {
        return scaled_size(*a, w, h).area() > scaled_size(*b, w, h).area();
    });
    cv::Mat source = job.image;
    for (const RenditionSpec* spec : fits) {
        cv::Mat reduced = reduce(source, rendition_size(*spec, w, h));
        job.renditions.push_back({spec, reduced});
        source = reduced;
    }
}

}  // namespace fotogal::pipeline::steps
