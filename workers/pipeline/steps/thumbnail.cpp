#include <opencv2/imgproc.hpp>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// The smallest image made so far that still covers `needed`, to resize from.
cv::Mat best_source(const Job& job, cv::Size needed) {
    cv::Mat best = job.image;
    for (const auto& r : job.renditions) {
        const cv::Mat& m = r.pixels;
        if (m.cols >= needed.width && m.rows >= needed.height && m.total() < best.total()) best = m;
    }
    return best;
}

}  // namespace

// Cover renditions: scale until the box is filled, then keep the centre.
void thumbnail(Job& job) {
    int w = job.oriented_width, h = job.oriented_height;
    for (const auto& spec : job.recipe.renditions) {
        if (spec.fit != Fit::cover) continue;
        cv::Size scaled = scaled_size(spec, w, h);
        cv::Size final_size = rendition_size(spec, w, h);
        cv::Mat source = best_source(job, scaled);
        cv::Mat resized;
        if (source.size() == scaled)
            resized = source;
        else
            cv::resize(source, resized, scaled, 0, 0, cv::INTER_AREA);
        cv::Rect crop((scaled.width - final_size.width) / 2,
                      (scaled.height - final_size.height) / 2, final_size.width, final_size.height);
        job.renditions.push_back({&spec, resized(crop).clone()});
    }
}

}  // namespace fotogal::pipeline::steps
