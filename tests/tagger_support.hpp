// Runs one tagger on given pixels, with its default thresholds (or some overridden), the way
// the tags step would on a job's analysis picture.
#pragma once

#include <memory>
#include <string>

#include "workers/pipeline/job.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::test {

inline nlohmann::json run_tagger(const pipeline::taggers::Tagger& tagger, const cv::Mat& bgr,
                                 const nlohmann::json& overrides = nlohmann::json::object()) {
    static const pipeline::Recipe recipe = pipeline::parse_recipe(
        {{"renditions", {{{"name", "small"}, {"width", 512}, {"height", 512}}}}});
    pipeline::Job job({}, recipe);
    job.analysis = bgr;
    job.oriented_width = bgr.cols;
    job.oriented_height = bgr.rows;
    nlohmann::json settings = pipeline::taggers::complete_settings(
        {{std::string(tagger.name), overrides}})[std::string(tagger.name)];
    tagger.run(job, settings);
    return job.tags[std::string(tagger.name)];
}

// A recipe that turns on this one tagger with these settings: its load hook runs (a DNN
// tagger's models are read, verified and loaded), as when a worker starts.
inline pipeline::Recipe recipe_with(const pipeline::taggers::Tagger& tagger,
                                    const nlohmann::json& overrides = nlohmann::json::object()) {
    return pipeline::parse_recipe(
        {{"renditions", {{{"name", "small"}, {"width", 512}, {"height", 512}}}},
         {"taggers", {{std::string(tagger.name), overrides}}}});
}

// Runs a tagger of `recipe` on given pixels; the job keeps what it wrote (tags, labels, held).
inline std::unique_ptr<pipeline::Job> run_loaded_tagger(const pipeline::Recipe& recipe,
                                                        const pipeline::taggers::Tagger& tagger,
                                                        const cv::Mat& bgr) {
    auto job = std::make_unique<pipeline::Job>(std::span<const std::uint8_t>(), recipe);
    job->analysis = bgr;
    job->oriented_width = bgr.cols;
    job->oriented_height = bgr.rows;
    tagger.run(*job, recipe.taggers.at(std::string(tagger.name)));
    return job;
}

}  // namespace fotogal::test
