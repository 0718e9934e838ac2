#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// Largest first, each from the previous one: a chain of area-averaging reductions costs far
// less than reducing the full image once per size, and keeps the same quality.
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
        cv::Size size = rendition_size(*spec, w, h);
        cv::Mat out;
        if (size == source.size())
            out = source;
        else
            cv::resize(source, out, size, 0, 0, cv::INTER_AREA);
        job.renditions.push_back({spec, out});
        source = out;
    }
}

}  // namespace fotogal::pipeline::steps
