#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/resample.hpp"
#include "workers/pipeline/saliency.hpp"
#include "workers/pipeline/smart_crop.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

// Cover renditions: scale until the box is filled, then cut the box where it keeps the
// faces, else the most salient part, else the middle (smart_crop.hpp).
void thumbnail(Job& job) {
    int w = job.oriented_width, h = job.oriented_height;
    cv::Mat saliency;  // computed once, only when a crop needs it
    for (const auto& spec : job.recipe.renditions) {
        if (spec.fit != Fit::cover) continue;
        cv::Size scaled = scaled_size(spec, w, h);
        cv::Size final_size = rendition_size(spec, w, h);
        cv::Mat resized = reduce(smallest_covering(job, scaled), scaled);
        if (saliency.empty() && job.faces.empty() && final_size != scaled)
            saliency = spectral_residual_saliency(job.analysis.empty() ? resized : job.analysis);
        CropChoice crop = choose_crop(scaled, final_size, job.faces, saliency);
        job.crops[spec.name] = {{"x", crop.rect.x},
                                {"y", crop.rect.y},
                                {"width", crop.rect.width},
                                {"height", crop.rect.height},
                                {"reason", crop.reason}};
        job.renditions.push_back({&spec, resized(crop.rect).clone()});
    }
}

}  // namespace fotogal::pipeline::steps
