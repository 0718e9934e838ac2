// The worker's image processing as a declared, ordered list of named steps, each in its own
// file under steps/. Adding a step (a tagger, say) = one file + one line in pipeline.cpp.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "workers/pipeline/job.hpp"

namespace fotogal::pipeline {

struct Step {
    std::string_view name;
    void (*run)(Job&);
};

// The steps in the order they run.
std::span<const Step> pipeline_steps();

// Runs one step. An OpenCV error inside it (an assertion on a size or type no check foresaw)
// is a property of this image, not of the worker: it becomes ProcessingError
// "image_operation_failed", naming the step, never an exception of another kind.
void run_step(const Step& step, Job& job);

// Runs every step; throws ProcessingError for a permanent failure. Timings land in the job.
void run_pipeline(Job& job);

}  // namespace fotogal::pipeline
