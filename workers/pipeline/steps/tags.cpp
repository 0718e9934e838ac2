#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// landscape / portrait / square / panorama from the upright picture's aspect ratio.
void orientation_class(Job& job, const nlohmann::json& settings) {
    double ratio_limit = settings.value("panorama_ratio", 2.0);
    double w = job.oriented_width, h = job.oriented_height;
    double ratio = std::max(w, h) / std::min(w, h);
    const char* cls = ratio >= ratio_limit ? "panorama"
                      : ratio < 1.02       ? "square"
                      : w > h              ? "landscape"
                                           : "portrait";
    job.tags["orientation_class"] = cls;
}

struct Tagger {
    const char* name;
    void (*run)(Job&, const nlohmann::json&);
};

// A new tagger = one function (in its own file once it grows) + one line here.
constexpr Tagger kTaggers[] = {
    {"orientation_class", orientation_class},
};

}  // namespace

void tags(Job& job) {
    for (const Tagger& tagger : kTaggers)
        if (job.recipe.taggers.contains(tagger.name))
            tagger.run(job, job.recipe.taggers.at(tagger.name));
}

}  // namespace fotogal::pipeline::steps
