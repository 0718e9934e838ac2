// Runs the pipeline's declared steps up to a named one, so each step's test starts from
// exactly the state the steps before it leave.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::test {

struct StagedJob {
    std::vector<std::uint8_t> bytes;
    pipeline::Recipe recipe;
    std::unique_ptr<pipeline::Job> job;
};

// Throws whatever the steps throw (ProcessingError for a refused image).
inline std::unique_ptr<StagedJob> run_through(
    const std::string& last_step, std::vector<std::uint8_t> bytes,
    pipeline::Recipe recipe = pipeline::default_recipe()) {
    auto staged = std::make_unique<StagedJob>();
    staged->bytes = std::move(bytes);
    staged->recipe = std::move(recipe);
    staged->job = std::make_unique<pipeline::Job>(staged->bytes, staged->recipe);
    for (const auto& step : pipeline::pipeline_steps()) {
        step.run(*staged->job);
        if (step.name == last_step) return staged;
    }
    throw std::logic_error("no pipeline step named " + last_step);
}

inline std::unique_ptr<StagedJob> corpus_through(
    const std::string& last_step, const std::string& corpus_file,
    pipeline::Recipe recipe = pipeline::default_recipe()) {
    return run_through(last_step, read_corpus(corpus_file), std::move(recipe));
}

// The ProcessingError code a staged run ends with, or "" when it succeeds.
inline std::string failure_code(const std::string& last_step, const std::string& corpus_file,
                                pipeline::Recipe recipe = pipeline::default_recipe()) {
    try {
        corpus_through(last_step, corpus_file, std::move(recipe));
    } catch (const pipeline::ProcessingError& e) {
        return e.code();
    }
    return "";
}

// A real photo's smallest rendition, made once: what the encoder tests encode.
inline cv::Mat encoder_test_photo() {
    static const cv::Mat m = corpus_through("renditions", "photos/mei_Nikon_D90.jpg")
                                 ->job->renditions.back()
                                 .pixels.clone();
    return m;
}

}  // namespace fotogal::test
