// landscape / portrait / square / panorama, from the upright picture's aspect ratio.
#include <algorithm>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

void run(Job& job, const nlohmann::json& settings) {
    double ratio_limit = settings.at("panorama_ratio").get<double>();
    double w = job.oriented_width, h = job.oriented_height;
    double ratio = std::max(w, h) / std::max(1.0, std::min(w, h));
    const char* cls = ratio >= ratio_limit ? "panorama"
                      : ratio < 1.02       ? "square"
                      : w > h              ? "landscape"
                                           : "portrait";
    job.tags["orientation_class"] = cls;
}

}  // namespace

const Tagger orientation_class{"orientation_class", R"({"panorama_ratio": 2.0})", run};

}  // namespace fotogal::pipeline::taggers
