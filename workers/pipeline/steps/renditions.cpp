#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// Area averaging is the right filter from a factor of about 1.5 down; just below the decoded
// size (shrink-on-load leaves factors of 1 to 8/7 for the largest rendition) it blurs, and
// bicubic keeps the detail, as libvips' Lanczos does.
int interpolation_for(cv::Size from, cv::Size to) {
    bool gentle = from.width * 2 < to.width * 3 && from.height * 2 < to.height * 3;
    return gentle ? cv::INTER_CUBIC : cv::INTER_AREA;
}

}  // namespace

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
            cv::resize(source, out, size, 0, 0, interpolation_for(source.size(), size));
        job.renditions.push_back({spec, out});
        source = out;
    }
}

}  // namespace fotogal::pipeline::steps
