#include <algorithm>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/resample.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// Largest first, each reduced from the previous reduction (the nearest larger picture, far
// cheaper than the decoded one) and only then sharpened: the chain carries unsharpened area
// reductions, so neither blur nor sharpening compounds from size to size (resample.hpp).
void renditions(Job& job) {
    std::vector<const RenditionSpec*> fits;
    for (const auto& spec : job.recipe.renditions)
        if (spec.fit == Fit::fit) fits.push_back(&spec);
    auto w = job.oriented_width, h = job.oriented_height;
    std::stable_sort(fits.begin(), fits.end(), [&](auto* a, auto* b) {
        return scaled_size(*a, w, h).area() > scaled_size(*b, w, h).area();
    });
    cv::Mat source = job.image;
    bool source_shrunk_on_load = shrunk_on_load(job);
    for (const RenditionSpec* spec : fits) {
        cv::Mat reduced = reduce(source, rendition_size(*spec, w, h));
        cv::Mat finished = crisp_reduction(reduced, source.size(), source_shrunk_on_load);
        job.renditions.push_back({spec, finished, reduced});
        source = reduced;
        source_shrunk_on_load = false;
    }
}

}  // namespace fotogal::pipeline::steps
