// BlurHash placeholder (blurha.sh) of the analysis picture, from a copy about 32 pixels
// wide: the encoding keeps only a few cosine components, so more pixels change nothing
// but the time.
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/blurhash.hpp"
#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

void run(Job& job, const nlohmann::json& settings) {
    int nx = std::clamp(settings.at("x_components").get<int>(), 1, 9);
    int ny = std::clamp(settings.at("y_components").get<int>(), 1, 9);
    cv::Mat small;
    cv::resize(job.analysis, small, fit_longest_side(job.analysis.size(), 32), 0, 0,
               cv::INTER_AREA);
    job.tags["blurhash"] = blurhash_encode(small, nx, ny);
}

}  // namespace

const Tagger blurhash{"blurhash", R"({"x_components": 4, "y_components": 3})", run};

}  // namespace fotogal::pipeline::taggers
