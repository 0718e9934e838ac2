#include "workers/pipeline/pipeline.hpp"

#include <array>
#include <opencv2/core.hpp>

#include "common/metrics.hpp"
#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline {

namespace {

constexpr std::array kSteps = {
    Step{"sniff", steps::sniff},
    Step{"limits", steps::limits},
    Step{"metadata", steps::metadata},
    Step{"decode", steps::decode},
    Step{"orient", steps::orient},
    Step{"to_srgb", steps::to_srgb},
    Step{"renditions", steps::renditions},
    Step{"analysis", steps::analysis},
    Step{"faces", steps::faces},
    Step{"thumbnail", steps::thumbnail},
    Step{"tags", steps::tags},
    Step{"encode", steps::encode},
};

}  // namespace

void run_step(const Step& step, Job& job) {
    try {
        step.run(job);
    } catch (const cv::Exception& e) {
        std::string size = job.header ? std::to_string(job.header->width) + "x" +
                                            std::to_string(job.header->height)
                                      : "of unknown size";
        throw ProcessingError("image_operation_failed",
                              "step " + std::string(step.name) + " could not handle this " + size +
                                  " picture: " + e.err + " (in " + e.func + ")");
    }
}

std::span<const Step> pipeline_steps() {
    return kSteps;
}

void run_pipeline(Job& job) {
    using namespace std::chrono;
    for (const Step& step : kSteps) {
        auto t0 = steady_clock::now();
        run_step(step, job);
        auto t1 = steady_clock::now();
        job.timings_ms[std::string(step.name)] = duration<double, std::milli>(t1 - t0).count();
        metrics::histogram("fotogal_pipeline_step_seconds",
                           "time per pipeline step (steps that finished)",
                           {{"step", std::string(step.name)}})
            .observe(duration<double>(t1 - t0).count());
        auto total = duration_cast<milliseconds>(t1 - job.started).count();
        if (total > job.recipe.limits.max_ms)
            throw ProcessingError("too_slow", "processing took " + std::to_string(total) +
                                                  " ms, over the recipe's limit of " +
                                                  std::to_string(job.recipe.limits.max_ms) +
                                                  " ms (after step " + std::string(step.name) +
                                                  ")");
    }
    job.timings_ms["total"] =
        duration<double, std::milli>(steady_clock::now() - job.started).count();
}

}  // namespace fotogal::pipeline
